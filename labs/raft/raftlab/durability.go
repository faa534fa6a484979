package raftlab

// Durability checks that come from the task's persistence contract rather
// than from the failure scenarios (issue 23, item 5: mutation testing).
// The task bounds neither the log's length without snapshots nor how many
// writes a node makes between two compactions of its storage, so a log of
// some hundreds of entries, each persisted by the Propose that appended it,
// must come back whole after every node crashes. The other tests keep logs
// short (tens of entries); an incremental persister (a write-ahead log of
// records and a checkpoint, as the reference's) then never meets the
// record counts or checkpoint sizes of a long log, nor restores them.

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
	l := h.waitLeader(h.electionBound())
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
