package shardkvlab

import (
	"time"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// Crash exploration (issue 23, item 1), as in the Raft lab
// (raftlab/explore.go): a short scenario is run once to record every Sync
// of the new owner's two servers that are not cut off below, then once
// for each crash point: a crash right after a Sync and inside it, tearing
// it (nothing kept, each prefix, each write lost: up to exploreMaxTears
// ways), the server restarted at once and again 300 ms later
// (suite.T.ExploreCrashes). The scenario is a shard migration with
// snapshots: a group gives half its shards to a group that joins, which
// pulls and installs them and has the old owner delete its copies, while
// one follower of the new owner is cut off from its group so that it
// catches up by InstallSnapshot. A random crash almost never lands
// between a group's two writes of one handler (its own key and its
// snapshot), or between a snapshot and the entries it trims; these runs
// try such instants. The points are a function of the seed: the failing
// one is named in the message, and the seed replays it.

// exploreDowns: restarted at once, meeting the messages of the term it
// crashed in, and after more than an election timeout.
var exploreDowns = []time.Duration{0, 300 * suite.Ms}

// exploreMaxPoints bounds the points of one seed (before exploreDowns
// doubles them): an evenly spaced selection of the two servers' Syncs and
// tears (about a quarter of them), from their elections to the reads
// after the migration; exploreMaxTears bounds the tears of one Sync (a
// checkpoint's deletes, one write a slot, would have 15). Each run is a
// scenario of about 3 s of virtual time; the bounds keep the test's two
// seeds (49 runs each) within the lab's grading budget. Over
// seeds 0-9 they catch the mutant config-saved-apart, whose only failing
// instants are a few Syncs of the new owner, on 8 (both default seeds).
const (
	exploreMaxPoints = 24
	exploreMaxTears  = 3
)

// exploreMaxRaftState makes both groups snapshot during the scenario.
const exploreMaxRaftState = 1000

func testCrashExploration(t *suite.T) {
	crashed := []node.ID{node.ID(nControllers + groupSize + 1), node.ID(nControllers + groupSize + 2)}
	x := sim.Exploration{Nodes: crashed, Downs: exploreDowns, MaxPoints: exploreMaxPoints, MaxTears: exploreMaxTears}
	t.ExploreCrashes(x, func(p *sim.CrashPoint) {
		migrationScenario(t, p, func() {
			if p == nil { // the run that records the Syncs, and the one traced when every point passes
				t.Logf("configuration: %d crash points of %v and %v (the new owner's servers that are not cut off), each restarted at once and %v later", len(sim.CrashPoints(t.Sim().Syncs(), x)), crashed[0], crashed[1], exploreDowns[1])
			}
		})
	})
}

// exploreKeys are four keys over the shards, so that some stay with the
// first group and some move.
func exploreKeys() []string {
	ks := keysOverShards(1)
	return []string{ks[0], ks[3], ks[6], ks[9]}
}

// migrationScenario: group 100 serves every shard and takes a write on
// each key; group 101 joins with one follower cut off from its group; the
// shards migrate (pull, install, delete at the old owner, forget at the
// new); the follower is healed and catches up by snapshot; then every key
// is read (finish: liveness, exactly once, linearizability).
func migrationScenario(t *suite.T, p *sim.CrashPoint, started func()) {
	c := newHarness(t, config{groups: 2, clerks: 1, keys: exploreKeys(), maxRaftState: exploreMaxRaftState})
	started()
	c.stopped = true // no workload: the clerk writes below, finish reads
	c.join(100)
	c.wait(c.adminIdle)
	clerk := c.clerks[0]
	for _, k := range c.cfg.keys {
		c.seq++
		c.submit(clerk, shardkv.Op{Kind: shardkv.Put, Key: k, Value: c.value(clerk)})
		c.waitIdle()
	}
	lagging := c.groups[101][groupSize-1]
	for _, id := range c.groups[101][:groupSize-1] {
		c.s.Block(id, lagging)
		c.s.Block(lagging, id)
	}
	c.join(101)
	c.wait(c.adminIdle)
	c.s.RunFor(1200 * suite.Ms)    // two polls: pull and install, then delete
	for _, k := range c.cfg.keys { // a write on every shard, moved or not
		c.seq++
		c.submit(clerk, appendOp(k, clerk, c.seq))
		c.waitIdle()
	}
	c.s.Heal()
	c.s.RunFor(500 * suite.Ms) // the lagging follower installs a snapshot
	if p != nil {
		c.s.RunFor(p.Down.D() + 100*suite.Ms) // a server crashed late is back
	}
	c.finish()
}
