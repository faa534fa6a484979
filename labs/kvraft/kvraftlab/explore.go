package kvraftlab

import (
	"time"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// Crash exploration (issue 23, item 1), as the Raft lab's (raftlab,
// explore.go): a short scenario is run once to record every Sync of every
// server, then once per crash point: a crash right after each Sync and
// inside it, tearing it every way (suite.T.ExploreCrashes), with the
// server restarted at once, meeting the messages of the term it crashed
// in, and again after longer than an election timeout. The other tests
// crash servers only between events; only here does a crash land between
// two writes of one Sync, or between a snapshot and the log it trims. The
// points are a function of the seed: the failing one is named in the
// message, and the seed replays it.

// exploreDowns: restarted at once, and after a delay longer than an
// election timeout.
var exploreDowns = []time.Duration{0, 300 * suite.Ms}

// exploreMaxPoints bounds the crash points of one seed (before the two
// Downs double them): the reference's scenario has about 170 (each Sync's
// boundary and tears), all explored; a service or Raft that Syncs far
// more often gets an evenly spaced selection, so that the exploration
// still fits the lab's grading budget.
const exploreMaxPoints = 200

// exploreMaxRaftState makes the servers snapshot every few entries.
const exploreMaxRaftState = 400

// exploreWait is the virtual time by which every operation of the
// scenario, and the final reads, must have returned: the scenario takes
// about 2 s, and a crash point delays it by an election or two.
const exploreWait = 10 * suite.Sec

// testCrashExploration: one clerk's Puts and Appends through the leader
// of three servers, MaxRaftState 400 bytes; a follower is cut off while
// the others snapshot past what it has, then rejoins and catches up by
// InstallSnapshot. Crashed at every Sync; every write must take effect
// once, and the history must be linearizable.
func testCrashExploration(t *suite.T) {
	t.ExploreCrashes(sim.Exploration{Downs: exploreDowns, MaxPoints: exploreMaxPoints}, func(p *sim.CrashPoint) {
		c := newHarness(t, config{servers: 3, clerks: 1, keys: 2, maxRaftState: exploreMaxRaftState})
		clerk := c.clerks[0]
		c.s.RunFor(suite.Ms) // the nodes boot
		c.do(clerk, kvraft.Put, "k0")
		c.do(clerk, kvraft.Append, "k0")
		lagging := c.follower()
		c.s.Isolate(lagging)
		for i := range 6 {
			c.do(clerk, kvraft.Append, []string{"k0", "k1"}[i%2])
		}
		c.do(clerk, kvraft.Put, "k1")
		c.s.Heal()
		c.s.RunFor(300 * suite.Ms) // a heartbeat or two: the install
		c.do(clerk, kvraft.Append, "k1")
		if p != nil {
			c.s.RunFor(p.Down.D() + 100*suite.Ms) // the crashed server is back
		}
		c.finish()
	})
}

// do has clerk run one write of a unique value to key and waits for it.
func (c *harness) do(clerk node.ID, kind kvraft.Kind, key string) {
	c.seq++
	op := appendOp(key, clerk, c.seq)
	op.Kind = kind
	c.submit(clerk, op)
	c.waitIdle(exploreWait)
}

// follower returns a server that is not the leader: the first such.
func (c *harness) follower() node.ID {
	lead := c.leader()
	for _, id := range c.servers {
		if id != lead {
			return id
		}
	}
	return c.servers[0]
}
