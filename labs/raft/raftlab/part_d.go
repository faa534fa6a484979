package raftlab

import (
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/suite"
)

// Part D: log compaction (§7). In these tests each service snapshots its
// state every 10 applied entries.

const snapEvery = 10

func testSnapshotBasic(t *suite.T) {
	c := newCluster(t, config{nodes: 3, snapEvery: snapEvery})
	for i := 0; i < 50; i++ {
		c.one(3, true)
	}
	c.checkLogSize(2 * snapEvery)
}

// snapInstall lags one follower (cut off or crashed) until the leader has
// discarded the entries it needs, so it must get them by InstallSnapshot.
func snapInstall(t *suite.T, cfg config, crash bool, iters int) {
	cfg.snapEvery = snapEvery
	c := newCluster(t, cfg)
	c.one(1, true)
	r := c.s.Rand("victim")
	for iter := 0; iter < iters; iter++ {
		l := c.waitLeader(5 * time.Second)
		o := c.others(l)
		victim := o[r.IntN(len(o))]
		if crash {
			c.crash(victim)
		} else {
			c.disconnect(victim)
		}
		// Enough entries that the leader snapshots past the victim.
		for i := 0; i < snapEvery+1; i++ {
			c.one(c.n-1, true)
			if t.Keep("op") {
				c.propose(c.lastLeader, c.newCommand(0))
			}
		}
		if crash {
			c.restart(victim)
		} else {
			c.connect(victim)
		}
		idx := c.one(c.n, true)
		if c.svc[victim].applied < idx {
			t.Fatalf("%v did not catch up after rejoining (applied %d of %d)", victim, c.svc[victim].applied, idx)
		}
	}
	c.checkLogSize(4 * snapEvery)
}

func testSnapshotInstall(t *suite.T) { snapInstall(t, config{nodes: 3}, false, 8) }
func testSnapshotInstallUnreliable(t *suite.T) {
	snapInstall(t, config{nodes: 3, faults: faults.Unreliable()}, false, 8)
}
func testSnapshotInstallCrash(t *suite.T) { snapInstall(t, config{nodes: 3}, true, 8) }

func testSnapshotAllCrash(t *suite.T) {
	c := newCluster(t, config{nodes: 3, snapEvery: snapEvery})
	c.one(1, true)
	for iter := 0; iter < 5; iter++ {
		for i := 0; i < snapEvery+1; i++ {
			c.one(c.n, true)
		}
		idx := c.one(c.n, true)
		c.crash(c.all()...)
		c.restart(c.all()...)
		// Each restarted service starts from the snapshot Raft hands it.
		next := c.one(c.n, true)
		if next <= idx {
			t.Fatalf("after a restart of every node, a new command went to index %d, at or below the committed index %d: the log (or snapshot) was lost", next, idx)
		}
	}
}

func testSnapshotInit(t *suite.T) {
	c := newCluster(t, config{nodes: 3, snapEvery: snapEvery})
	for i := 0; i < snapEvery+1; i++ {
		c.one(c.n, true)
	}
	c.crash(c.all()...)
	c.restart(c.all()...)
	// Every node must hand its service the snapshot first, from Start.
	for _, id := range c.all() {
		if c.svc[id].applied < snapEvery {
			t.Fatalf("%v restarted with a snapshot up to index %d on disk but handed its service nothing from Start (applied %d): give the service the persisted snapshot when you boot", id, snapEvery, c.svc[id].applied)
		}
	}
	c.one(c.n, true)
	c.crash(c.all()...)
	c.restart(c.all()...)
	c.one(c.n, true)
}

func testLogSizeBound(t *suite.T) {
	c := newCluster(t, config{nodes: 3, snapEvery: snapEvery})
	for i := 0; i < 200; i++ {
		c.one(c.n, true)
		if i%20 == 0 {
			c.checkLogSize(3 * snapEvery)
		}
	}
	c.checkLogSize(3 * snapEvery)
}

// checkLogSize fails if any node keeps on disk much more than the entries
// since its last snapshot (about maxEntries) plus the snapshot.
func (c *cluster) checkLogSize(maxEntries int) {
	// An entry here is a few bytes of command plus a term; allow 64 bytes
	// each and 1 kB of fixed state.
	limit := 1024 + 64*maxEntries
	for _, id := range c.all() {
		if !c.s.Up(id) {
			continue
		}
		if sz := c.s.DurableSize(id); sz > limit {
			c.t.Fatalf("%v keeps %d bytes on disk, more than %d: after Snapshot(index), discard the log up to index and save the trimmed log", id, sz, limit)
		}
	}
}
