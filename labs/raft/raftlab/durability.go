package raftlab

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// Durability checks from the task's persistence and snapshot contract
// (issue 23, item 5: written for the mutants gremlins left alive in the
// reference's persist.go and log.go, docs/grading.md). The task bounds
// neither the log's length without snapshots nor how many writes a node
// makes between two compactions of its storage, so a log of some hundreds
// of entries, each persisted by the Propose that appended it, must come
// back whole after every node crashes (Persist1 ends with it); the other
// tests keep logs short, so an incremental persister never met the record
// counts or checkpoint sizes of a long log. And a snapshot installed over a
// log that disagrees with it at its index replaces the whole log (§7),
// which only Log Matching between two nodes' logs shows
// (SnapshotStaleTail).

// longLogEntries is how many commands longLog proposes to one leader: with
// the suite's short commands, enough for the reference's checkpoint to
// reach about 2 KB and be followed by more than 64 records (its slot keys
// past the first 64 are built, not taken from a constant).
const longLogEntries = 500

// longLog proposes longLogEntries commands to the leader back to back, one
// Propose (and so one persist) each, waits until every node applied them,
// then crashes and restarts every node: the whole log must come back from
// storage, and the cluster must commit past it.
func (h *harness) longLog() {
	l := h.lastLeader // the leader that took the last command
	last := 0
	for range longLogEntries {
		index, _, ok := h.propose(l, h.newCommand(0))
		if !ok {
			break // leadership moved: what was proposed is enough
		}
		last = index
	}
	if last > 0 && !h.s.RunUntilTrue(h.s.Now()+h.limit(commitWait), func() bool { return h.nApplied(last) == h.n }) {
		h.t.Fatalf("a burst of %d Proposes to leader %v, up to index %d, was not applied by all %d nodes within %v: %s",
			longLogEntries, l, last, h.n, h.limit(commitWait), h.describe())
	}
	h.crash(h.all()...)
	h.restart(h.all()...)
	idx := h.one(h.n, true)
	for id := 1; id <= h.n; id++ {
		if h.svc[id].applied < idx {
			h.t.Fatalf("n%d restarted with a log of %d entries and applied only up to %d of %d: is every persisted entry restored?", id, last, h.svc[id].applied, idx)
		}
	}
}

// testSnapshotStaleTail (1 point, taken from SnapshotInstall so that part D
// keeps its 20): an old leader, cut off with one follower, writes
// entries no majority ever holds; the majority elects a new leader, commits
// past them and snapshots at an index inside them; the follower rejoins and
// gets the snapshot by InstallSnapshot. Its entry at the snapshot's index is
// not the one the snapshot covers, so §7 has it discard its whole log: any
// entry it kept after the snapshot would follow an entry it does not hold
// in the old leader's log, against Log Matching (Figure 3), checked between
// the follower and the old leader when the node implements raft.LogReader.
func testSnapshotStaleTail(t *suite.T) {
	h := newHarness(t, config{nodes: 5, snapEvery: 4})
	h.one(5, true)
	old := h.waitLeader(h.electionBound())
	f := h.others(old)[0]
	rest := h.others(old)[1:]
	h.s.Partition([]node.ID{old, f}, rest)
	for range 16 { // uncommitted: only old and f hold them
		if _, _, ok := h.propose(old, h.newCommand(0)); !ok {
			break
		}
	}
	h.s.RunFor(200 * suite.Ms)
	lead := h.waitLeader(h.electionBound(), rest...)
	for range 10 {
		idx, _, ok := h.propose(lead, h.newCommand(0))
		if !ok || !h.s.RunUntilTrue(h.s.Now()+h.limit(commitWait), func() bool { return h.nApplied(idx) >= len(rest) }) {
			t.Fatalf("the majority %s with leader %v did not commit a command within %v: %s", idList(rest), lead, h.limit(commitWait), h.describe())
		}
	}
	h.s.Heal()
	h.disconnect(old)
	a, b := h.svc[f].lr, h.svc[old].lr
	var msg string
	h.s.RunUntilTrue(h.s.Now()+suite.Sec, func() bool {
		if a != nil && b != nil && h.s.Up(f) && h.s.Up(old) {
			msg = logMatching(a, b)
		}
		return msg != ""
	})
	if msg != "" {
		t.Fatalf("log matching (Figure 3): %v (back from a partition, after InstallSnapshot) and %v (the old leader, still cut off): %s: on InstallSnapshot, a log whose entry at the snapshot's index differs from the snapshot's must be discarded whole (§7)", f, old, msg)
	}
	h.one(4, true)
}

// logMatching returns how two logs break Log Matching (Figure 3: if two
// logs hold an entry with the same index and term, they are identical up
// to that index), or "" if they do not; indexes a log does not hold (past
// its end, or compacted: TermAt's ok false) are not compared.
func logMatching(a, b raft.LogReader) string {
	for j := min(a.LastIndex(), b.LastIndex()); j >= 1; j-- {
		ta, oka := a.TermAt(j)
		tb, okb := b.TermAt(j)
		if !oka || !okb || ta != tb {
			continue
		}
		for i := j - 1; i >= 1; i-- {
			ua, oka := a.TermAt(i)
			ub, okb := b.TermAt(i)
			if !oka || !okb {
				break
			}
			if ua != ub {
				return fmt.Sprintf("both hold index %d in term %d, but at index %d one holds term %d and the other term %d", j, ta, i, ua, ub)
			}
		}
		return ""
	}
	return ""
}
