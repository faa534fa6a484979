package raftlab

import (
	"time"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
)

// Crash exploration (issue 23, item 1): a short scenario is run once to
// record every Sync of every node, then once for each crash point, a crash
// right after each Sync and inside it, tearing it every way (each subset
// of its writes kept, up to 15), with the node restarted at once and again
// 300 ms later (suite.T.ExploreCrashes). A random crash almost never lands
// between a checkpoint and the deletes it makes safe, or between a vote
// and its Sync; these tests try every such instant. The points are a
// function of the seed: the failing one is named in the message, and the
// seed replays it.

// exploreDowns: restarted at once, meeting the messages of the term it
// crashed in, and after a delay longer than an election timeout.
var exploreDowns = []time.Duration{0, 300 * suite.Ms}

// testCrashExploration: an election and four commits on three nodes,
// crashed at every Sync.
func testCrashExploration(t *suite.T) {
	t.ExploreCrashes(sim.Exploration{Downs: exploreDowns, MaxPoints: 60}, func(p *sim.CrashPoint) {
		h := newHarness(t, config{nodes: 3})
		for range 3 {
			h.one(2, true)
		}
		h.settleAfter(p)
		h.one(3, true)
	})
}

// testSnapshotCrashExploration: services snapshot every 4 entries while a
// follower is cut off, so that it catches up by InstallSnapshot; crashed
// at every Sync, checkpoints and their deletes included.
func testSnapshotCrashExploration(t *suite.T) {
	t.ExploreCrashes(sim.Exploration{Downs: exploreDowns, MaxPoints: 80}, func(p *sim.CrashPoint) {
		h := newHarness(t, config{nodes: 3, snapEvery: 4})
		h.one(2, true)
		lagging := node.ID(3)
		h.disconnect(lagging)
		for range 9 {
			h.one(2, true)
		}
		h.connect(lagging)
		h.settleAfter(p)
		idx := h.one(3, true)
		if h.svc[lagging].applied < idx {
			t.Fatalf("%v did not catch up after rejoining (applied %d of %d)", lagging, h.svc[lagging].applied, idx)
		}
	})
}

// settleAfter runs on until a node crashed at p is back up.
func (h *harness) settleAfter(p *sim.CrashPoint) {
	if p != nil {
		h.s.RunFor(p.Down.D() + 100*suite.Ms)
	}
}
