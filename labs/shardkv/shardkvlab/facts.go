package shardkvlab

import (
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// labFacts are the figures the suite checks and assumes (issue 25, item
// 1), each built from the constant the suite uses: task.md and lesson 14
// quote them by name ({{fact shardkv NAME}}), so that their text cannot
// drift from the grader. Each test's points, seeds and time limit come
// with every lab (T.points, T.seeds, T.limit).
func labFacts() []suite.Fact {
	unreliable := faults.Unreliable()
	counts := func(vs []int, unit string) string {
		var s []string
		for _, v := range vs {
			s = append(s, suite.FormatCount(v))
		}
		return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1] + " " + unit
	}
	out := []suite.Fact{
		// Storage (part D) and the snapshot bounds of the tests.
		suite.CountFact("gc-max-raft-state", gcBound, "bytes", "MaxRaftState in GCWaitsForOwner and GarbageCollection"),
		suite.RatioFact("gc-storage-factor", gcFactor, "a group that owns no shard must keep at most this multiple of MaxRaftState on disk (its last snapshot and the log since)"),
		suite.CountFact("gc-storage-bound", gcFactor*gcBound, "bytes", "the most each server of a group that gave every shard away may keep on disk 2 s after the last request returns (GarbageCollection)"),
		suite.CountFact("unreliable-max-raft-state", unreliableMaxRaftState, "bytes", "MaxRaftState in Unreliable"),
		suite.CountFact("owner-crashes-max-raft-state", ownerCrashesMaxRaftState, "bytes", "MaxRaftState in OwnerCrashes"),
		suite.TextFact("swarm-max-raft-state", counts(swarmMaxRaftStates, "bytes"), "the MaxRaftState MigrationFaults and MoveBack draw per seed"),
		suite.CountFact("explore-max-raft-state", exploreMaxRaftState, "bytes", "MaxRaftState in CrashExploration"),

		// The calibrated liveness bounds (bounds.go, bounds.txt).
		suite.RatioFact("bound-margin", boundMargin, "each test's liveness bound is this multiple of the longest single wait of the reference over 1,000 seeds, across every Raft design the Raft task allows"),
		suite.DurationFact("bound-floor", boundFloor, "the least liveness bound of any test"),
		suite.DurationFact("bound-max", boundMax, "the largest liveness bound (also CrashExploration's)"),

		// HotShards (hotshards.go).
		suite.CountFact("shards", shardkv.NShards, "shards", "the shards every configuration assigns").Assume(),
		suite.CountFact("hot-service-rate", int(suite.Sec/hotService), "clerk messages a second", "the most clerk messages a group server takes in, in HotShards (one per "+suite.FormatDuration(hotService)+", in arrival order)").Assume(),
		suite.CountFact("hot-clerks", hotClerks, "clerks", "the clerks of HotShards, each running operations back to back").Assume(),
		suite.DurationFact("hot-window", hotWindow, "how long HotShards counts completed operations in each of its six phases").Assume(),
		suite.DurationFact("hot-join-settle", hotJoinSettle, "how long HotShards lets shards migrate after a join before counting").Assume(),
		suite.RatioFact("hot-scale-2", spreadScale[2], "with two groups and keys over every shard, throughput must reach this multiple of one group's"),
		suite.RatioFact("hot-scale-3", spreadScale[3], "with three groups and keys over every shard, throughput must reach this multiple of one group's"),
		suite.RatioFact("hot-flat", hotFlat, "with one hot key, throughput with more groups must stay within this multiple of one group's"),
		suite.RatioFact("hot-expected-3", 1/busiestShare(3), "the expected (not the bounded) throughput with three groups, as a multiple of one group's: the busiest group holds "+fmt.Sprintf("%d of %d", busiest(3), shardkv.NShards)+" shards"),
		suite.RatioFact("hot-margin", spreadMargin, "each HotShards scaling bound is at least this far below the reference's lowest factor over 1,000 seeds (the hot-key bound this far above its highest)"),

		// Crash exploration (explore.go).
		suite.CountFact("explore-max-points", exploreMaxPoints, "crash points", "the most crash points CrashExploration tries per seed, before the two restart delays double them"),
		suite.CountFact("explore-max-tears", exploreMaxTears, "tears", "the most torn versions of one Sync CrashExploration tries"),
		suite.DurationFact("explore-down", exploreDowns[1], "CrashExploration restarts a crashed server at once, and again after this long"),

		// The network and the crashes (assumed).
		suite.DurationFact("reliable-latency", faults.Reliable().Latency.Min.D(), "the one-way latency of the reliable network (the controller tests, DedupAcrossMigration, CatchUp, part D but MoveBack), in order").Assume(),
		suite.DurationRangeFact("steady-latency", steadyLatency[0], steadyLatency[1], "the one-way latency of StaticGroups and JoinLeave, uniform: messages reorder, none lost").Assume(),
		suite.DurationRangeFact("unreliable-latency", unreliable.Latency.Min.D(), unreliable.Latency.Max.D(), "the one-way latency of the unreliable network, uniform").Assume(),
		suite.PercentFact("loss", unreliable.Loss, "the share of messages the unreliable network loses").Assume(),
		suite.PercentFact("duplication", unreliable.Duplicate, "the share of messages the unreliable network duplicates").Assume(),
		suite.DurationRangeFact("long-delay", tailMin, tailMax, "how long the long-tail network (ControllerUnreliable, MigrationFaults, MoveBack) holds a share of the messages").Assume(),
		suite.TextFact("long-delay-share", fmt.Sprintf("%.0f–%.0f%%", tailShares[0]*100, tailShares[len(tailShares)-1]*100), "the share of messages the long-tail network holds, drawn per seed").Assume(),
		suite.TextFact("crashes", "between events (a server's in-flight handler completes); CrashExploration also right after and inside a Sync, torn", "where a server crash strikes").Assume(),
	}
	for _, test := range tests {
		if d, ok := boundTable[test.Name]; ok {
			out = append(out, suite.DurationFact(test.Name+".bound", d, test.Name+": the longest the test waits, at any one wait, for the admin's calls or the clerks' requests to return"))
		}
	}
	return out
}

// busiest is how many shards the busiest of groups holds in a balanced
// configuration; busiestShare its share of the shards.
func busiest(groups int) int { return (shardkv.NShards + groups - 1) / groups }

func busiestShare(groups int) float64 { return float64(busiest(groups)) / shardkv.NShards }
