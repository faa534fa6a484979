package kvraftlab

import (
	"fmt"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/suite"
)

// labFacts are the figures the suite checks and assumes (issue 25, item
// 1), each from the constant the suite uses: task.md quotes them by name
// ({{fact kvraft NAME}}), so that its text cannot drift from the grader.
func labFacts() []suite.Fact {
	unreliable := faults.Unreliable()
	reliable := faults.Reliable()
	counts := func(vs []int, unit string) string {
		var s []string
		for _, v := range vs {
			s = append(s, suite.FormatCount(v))
		}
		return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1] + " " + unit
	}
	shares := func(vs []float64) string {
		return fmt.Sprintf("%.0f–%.0f%%", vs[0]*100, vs[len(vs)-1]*100)
	}
	dur := func(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }
	out := []suite.Fact{
		// Part C's storage bound.
		suite.CountFact("max-raft-state", snapBound, "bytes", "MaxRaftState in SnapshotSize, SnapshotRecover and SnapshotChurn"),
		suite.RatioFact("storage-factor", storageFactor, "a server's storage must stay within this multiple of MaxRaftState (the log overshoots by one handler's entries, and the snapshot takes room)"),
		suite.CountFact("storage-bound", storageFactor*snapBound, "bytes", "the most a server may keep on disk with MaxRaftState "+suite.FormatCount(snapBound)+": checked every half second of SnapshotSize and at the end of the three tests"),
		suite.CountFact("snapshot-size-ballast", snapBound*ballastShare/100, "bytes", "the value SnapshotSize writes first, so that the key/value state outgrows MaxRaftState"),
		suite.CountFact("dedup-max-raft-state", dedupMaxRaftState, "bytes", "MaxRaftState in SnapshotDedup, so that the servers snapshot soon"),
		suite.TextFact("swarm-max-raft-state", counts(swarmMaxRaftStates, "bytes"), "the MaxRaftState SnapshotFaults draws per seed"),
		suite.CountFact("explore-max-raft-state", exploreMaxRaftState, "bytes", "MaxRaftState in CrashExploration"),

		// The calibrated bounds (bounds.go, bounds.txt).
		suite.RatioFact("bound-margin", boundMargin, "each calibrated bound is this multiple of the worst case of the reference over 1,000 seeds, across every design the task admits"),
		suite.DurationFact("recover-floor", dur(boundFloor[recoverWait]), "the least recover bound of any test"),
		suite.DurationFact("read-floor", dur(boundFloor[readWait]), "the least read bound of any test"),
		suite.CountFact("rate-floor", int(boundFloor[clerkRate]), "requests", "the least clerk-rate bound of any test"),
		suite.DurationFact("recover-bound-max", dur(boundMax[recoverWait]), "the largest recover bound: CrashExploration's"),
		suite.DurationFact("read-bound-max", dur(boundMax[readWait]), "the largest read bound: CrashExploration's"),
		suite.CountFact("rate-bound-max", int(boundMax[clerkRate]), "requests", "the largest clerk-rate bound: CrashExploration's"),
		suite.DurationFact("rate-window", rateWindow, "the window a clerk's requests are counted in"),
		suite.DurationRangeFact("clerk-timeout", clerkTimeouts[0], clerkTimeouts[1], "the clerk request timeouts the bounds admit (calibrated at both ends)"),
		suite.DurationRangeFact("clerk-pause", clerkPauses[0], clerkPauses[1], "the pauses after a round of refusals the bounds admit (calibrated at both ends)"),

		// Crash exploration (explore.go).
		suite.CountFact("explore-max-points", exploreMaxPoints, "crash points", "the most crash points CrashExploration tries per seed, before the two restart delays double them"),
		suite.DurationFact("explore-down", exploreDowns[1], "CrashExploration restarts a crashed server at once, and again after this long"),
		suite.DurationFact("explore-wait", exploreWait, "the virtual time by which each operation of CrashExploration's scenario must have returned"),

		// The network (assumed).
		suite.DurationFact("reliable-latency", time.Duration(reliable.Latency.Min), "one-way latency of the reliable network, in order").Assume(),
		suite.DurationRangeFact("many-clerks-latency", manyClerksLatency[0], manyClerksLatency[1], "one-way latency in ManyClerks, uniform: messages reorder, none lost").Assume(),
		suite.DurationRangeFact("unreliable-latency", time.Duration(unreliable.Latency.Min), time.Duration(unreliable.Latency.Max), "one-way latency of the unreliable network, uniform").Assume(),
		suite.PercentFact("loss", unreliable.Loss, "the share of messages the unreliable network loses").Assume(),
		suite.PercentFact("duplication", unreliable.Duplicate, "the share of messages the unreliable network duplicates").Assume(),
		suite.DurationRangeFact("long-delay", tailMin, tailMax, "how long LongDelays and SnapshotFaults hold a share of the messages").Assume(),
		suite.TextFact("long-delay-clerk-share", shares(requestShares), "the share of the clerks' messages held long, drawn per seed").Assume(),
		suite.TextFact("long-delay-other-share", shares(tailShares), "the share of the other messages held long, drawn per seed").Assume(),
		suite.TextFact("crashes", "between events; CrashExploration also right after and inside every Sync, torn every way", "where a server crash strikes").Assume(),
	}
	for _, test := range tests {
		l, ok := boundTable[test.Name]
		if !ok {
			continue
		}
		out = append(out,
			suite.DurationFact(test.Name+".recover", dur(l[recoverWait]), test.Name+": every request in flight returns within this of the heal"),
			suite.DurationFact(test.Name+".read", dur(l[readWait]), test.Name+": each final read returns within this"),
			suite.CountFact(test.Name+".rate", int(l[clerkRate]), "requests", test.Name+": the most requests a clerk may send in one second"),
		)
	}
	return out
}
