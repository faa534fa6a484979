package raftlab

import (
	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/suite"
)

// Part D: log compaction (§7). In these tests each service snapshots its
// state every 10 applied entries.

const snapEvery = 10

func testSnapshotBasic(t *suite.T) {
	h := newHarness(t, config{nodes: 3, snapEvery: snapEvery})
	for i := 0; i < 50; i++ {
		h.one(3, true)
	}
	h.checkLogSize(2 * snapEvery)
}

// snapInstall lags one follower (cut off or crashed) until the leader has
// discarded the entries it needs, so it must get them by InstallSnapshot.
func snapInstall(t *suite.T, cfg config, crash bool, iters int) {
	cfg.snapEvery = snapEvery
	h := newHarness(t, cfg)
	h.one(1, true)
	r := h.s.Rand("victim")
	for iter := 0; iter < iters; iter++ {
		l := h.waitLeader(h.electionBound())
		o := h.others(l)
		victim := o[r.IntN(len(o))]
		if crash {
			h.crash(victim)
		} else {
			h.disconnect(victim)
		}
		// Enough entries that the leader snapshots past the victim.
		for i := 0; i < snapEvery+1; i++ {
			h.one(h.n-1, true)
			if t.Keep("op") {
				h.propose(h.lastLeader, h.newCommand(0))
			}
		}
		if crash {
			h.restart(victim)
		} else {
			h.connect(victim)
		}
		idx := h.one(h.n, true)
		if h.svc[victim].applied < idx {
			t.Fatalf("%v did not catch up after rejoining (applied %d of %d)", victim, h.svc[victim].applied, idx)
		}
	}
	h.checkLogSize(4 * snapEvery)
}

func testSnapshotInstall(t *suite.T) { snapInstall(t, config{nodes: 3}, false, 8) }
func testSnapshotInstallUnreliable(t *suite.T) {
	snapInstall(t, config{nodes: 3, faults: faults.Unreliable()}, false, 8)
}
func testSnapshotInstallCrash(t *suite.T) { snapInstall(t, config{nodes: 3}, true, 8) }

func testSnapshotAllCrash(t *suite.T) {
	h := newHarness(t, config{nodes: 3, snapEvery: snapEvery})
	h.one(1, true)
	for iter := 0; iter < 5; iter++ {
		for i := 0; i < snapEvery+1; i++ {
			h.one(h.n, true)
		}
		idx := h.one(h.n, true)
		h.crash(h.all()...)
		h.restart(h.all()...)
		// Each restarted service starts from the snapshot Raft hands it.
		next := h.one(h.n, true)
		if next <= idx {
			t.Fatalf("after a restart of every node, a new command went to index %d, at or below the committed index %d: the log (or snapshot) was lost", next, idx)
		}
	}
}

func testSnapshotInit(t *suite.T) {
	h := newHarness(t, config{nodes: 3, snapEvery: snapEvery})
	for i := 0; i < snapEvery+1; i++ {
		h.one(h.n, true)
	}
	h.crash(h.all()...)
	h.restart(h.all()...)
	// Every node must hand its service the snapshot first, from Start.
	for _, id := range h.all() {
		if h.svc[id].applied < snapEvery {
			t.Fatalf("%v restarted with a snapshot up to index %d on disk but handed its service nothing from Start (applied %d): give the service the persisted snapshot when you boot", id, snapEvery, h.svc[id].applied)
		}
	}
	h.one(h.n, true)
	h.crash(h.all()...)
	h.restart(h.all()...)
	h.one(h.n, true)
}

func testLogSizeBound(t *suite.T) {
	h := newHarness(t, config{nodes: 3, snapEvery: snapEvery})
	for i := 0; i < 200; i++ {
		h.one(h.n, true)
		if i%20 == 0 {
			h.checkLogSize(3 * snapEvery)
		}
	}
	h.checkLogSize(3 * snapEvery)
}

// checkLogSize fails if any node keeps on disk much more than the entries
// since its last snapshot (about maxEntries) plus the snapshot.
func (h *harness) checkLogSize(maxEntries int) {
	// An entry here is a few bytes of command plus a term; allow 64 bytes
	// each and 1 kB of fixed state.
	limit := 1024 + 64*maxEntries
	for _, id := range h.all() {
		if !h.s.Up(id) {
			continue
		}
		if sz := h.s.DurableSize(id); sz > limit {
			h.t.Fatalf("%v keeps %d bytes on disk, more than %d: after Snapshot(index), discard the log up to index and save the trimmed log", id, sz, limit)
		}
	}
}
