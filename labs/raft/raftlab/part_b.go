package raftlab

import (
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
)

// Part B: log replication (§5.3, §5.4).

func testBasicAgree(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	h.waitLeader(h.electionBound())
	for want := 1; want <= 3; want++ {
		if got := h.one(3, false); got != want {
			t.Fatalf("the command proposed as entry %d went to index %d: the first entry is at index 1 and each new one goes right after the last", want, got)
		}
	}
}

func testNoCommitBeforeStart(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	h.waitLeader(h.electionBound())
	h.s.RunFor(2 * suite.Sec)
	if h.maxApplied > 0 {
		t.Fatalf("index %d was applied before any command was proposed: apply only committed entries of the log", h.maxApplied)
	}
	if got := h.one(3, false); got != 1 {
		t.Fatalf("the first command went to index %d, want 1", got)
	}
}

func testRPCBytes(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	h.waitLeader(h.electionBound())
	h.one(3, false)
	before := h.s.Stats().Bytes
	const size, count = 5000, 10
	for i := 0; i < count; i++ {
		h.oneSized(size, 3, false)
	}
	sent := h.s.Stats().Bytes - before
	// Each command should cross the wire about once per follower.
	if limit := int64((h.n-1)*size*count + 50000); sent > limit {
		t.Fatalf("%d commands of %d bytes cost %d bytes on the wire, more than %d: send each entry to each follower about once (only what the follower lacks)", count, size, sent, limit)
	}
}

func testFollowerFailure(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	h.one(3, false)
	l := h.waitLeader(h.electionBound())
	f := h.others(l)
	// One follower fails: the other two still agree.
	h.disconnect(f[0])
	h.one(2, false)
	h.s.RunFor(settle)
	h.one(2, false)
	// The other follower fails too: a lone leader cannot commit.
	l2 := h.waitLeader(h.electionBound(), h.connectedIDs()...)
	h.disconnect(h.othersConnected(l2)...)
	index, _, ok := h.propose(l2, h.newCommand(0))
	if !ok {
		t.Fatalf("%v, the leader, refused Propose", l2)
	}
	h.s.RunFor(2 * suite.Sec)
	if n := h.nApplied(index); n > 0 {
		t.Fatalf("index %d was applied by %d nodes although the leader could reach no follower: commit only entries stored on a majority (§5.3)", index, n)
	}
}

// settle is how long a test waits for a cluster to notice a change: three
// of the longest election timeouts a reasonable Raft uses (600 ms).
const settle = 1800 * suite.Ms

func (h *harness) othersConnected(id node.ID) []node.ID {
	var out []node.ID
	for _, o := range h.connectedIDs() {
		if o != id {
			out = append(out, o)
		}
	}
	return out
}

func testLeaderFailure(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	h.one(3, false)
	l1 := h.waitLeader(h.electionBound())
	h.disconnect(l1)
	// The remaining two elect a leader and agree.
	h.one(2, true)
	h.s.RunFor(settle)
	h.one(2, true)
	l2 := h.waitLeader(h.electionBound())
	h.disconnect(l2)
	// One node left alone: nothing may commit.
	left := h.connectedIDs()
	var index int
	for _, id := range h.all() {
		if i, _, ok := h.propose(id, h.newCommand(0)); ok {
			index = max(index, i)
		}
	}
	h.s.RunFor(2 * suite.Sec)
	for _, id := range left {
		if index > 0 && h.svc[id].applied >= index {
			t.Fatalf("%v applied index %d although no majority could store it", id, index)
		}
	}
}

func testFailAgree(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	h.one(3, false)
	l := h.waitLeader(h.electionBound())
	f := h.others(l)[0]
	h.disconnect(f)
	for i := 0; i < 4; i++ {
		h.one(2, false)
	}
	h.s.RunFor(settle)
	h.one(2, true)
	// The follower rejoins and must catch up with everything.
	h.connect(f)
	h.one(3, true)
	h.s.RunFor(settle)
	idx := h.one(3, true)
	if h.svc[f].applied < idx {
		t.Fatalf("%v rejoined but applied only up to %d of %d", f, h.svc[f].applied, idx)
	}
}

func testFailNoAgree(t *suite.T) {
	h := newHarness(t, config{nodes: 5})
	h.one(5, false)
	l := h.waitLeader(h.electionBound())
	o := h.others(l)
	h.disconnect(o[0], o[1], o[2])
	index, _, ok := h.propose(l, h.newCommand(0))
	if !ok {
		t.Fatalf("%v, the leader, refused Propose", l)
	}
	if index != 2 {
		t.Fatalf("the leader put the second command at index %d, want 2", index)
	}
	h.s.RunFor(2 * suite.Sec)
	if n := h.nApplied(index); n > 0 {
		t.Fatalf("index %d was applied by %d nodes while only 2 of 5 nodes could talk: commit needs a majority (§5.3)", index, n)
	}
	h.connect(o[0], o[1], o[2])
	h.waitLeader(h.electionBound())
	h.one(5, true)
}

func testConcurrentStarts(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	l := h.waitLeader(h.electionBound())
	h.one(3, false)
	// Five proposals at the same instant: each gets its own index.
	seen := map[int]bool{}
	var cmds []string
	var indexes []int
	for i := 0; i < 5; i++ {
		cmd := h.newCommand(0)
		index, _, ok := h.propose(l, cmd)
		if !ok {
			t.Fatalf("%v lost leadership between proposals with no failure", l)
		}
		if seen[index] {
			t.Fatalf("two concurrent proposals got the same index %d", index)
		}
		seen[index] = true
		cmds = append(cmds, cmd)
		indexes = append(indexes, index)
	}
	if !h.s.RunUntilTrue(h.s.Now()+2*suite.Sec, func() bool {
		for _, i := range indexes {
			if h.nApplied(i) < 3 {
				return false
			}
		}
		return true
	}) {
		t.Fatalf("not every one of five concurrent proposals was applied by all three nodes within 2s: %s", h.describe())
	}
	for k, i := range indexes {
		if got, _ := h.committedAt(i); got != cmds[k] {
			t.Fatalf("index %d holds %s, not the %s proposed there", i, short(got), short(cmds[k]))
		}
	}
}

func testRejoin(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	h.one(3, true)
	l1 := h.waitLeader(h.electionBound())
	// The leader is partitioned away and takes three proposals it can
	// never commit.
	h.disconnect(l1)
	for i := 0; i < 3; i++ {
		h.propose(l1, h.newCommand(0))
	}
	// The other two elect a new leader and commit.
	h.one(2, true)
	l2 := h.waitLeader(h.electionBound())
	// The new leader goes away; the old one returns. Its uncommitted
	// entries must be replaced, not committed (§5.3).
	h.disconnect(l2)
	h.connect(l1)
	h.one(2, true)
	h.connect(l2)
	h.one(3, true)
}

func testBackup(t *suite.T) {
	h := newHarness(t, config{nodes: 5})
	// A committed prefix longer than one AppendEntries batch: a follower
	// that backs up into it must still discard its stale suffix.
	for i := 0; i < 20; i++ {
		h.one(5, true)
	}
	l1 := h.waitLeader(h.electionBound())
	o := h.others(l1)
	// The leader and one follower are cut off with 50 proposals that
	// cannot commit.
	h.disconnect(o[1], o[2], o[3])
	for i := 0; i < 50; i++ {
		h.propose(l1, h.newCommand(0))
	}
	h.s.RunFor(500 * suite.Ms)
	h.disconnect(l1, o[0])
	// The other three elect a leader and commit 50 entries.
	h.connect(o[1], o[2], o[3])
	for i := 0; i < 50; i++ {
		h.one(3, true)
	}
	// Now the new leader and one follower are cut off with 50 more
	// uncommitted entries.
	l2 := h.waitLeader(h.electionBound())
	other := o[1]
	if l2 == other {
		other = o[2]
	}
	h.disconnect(other)
	for i := 0; i < 50; i++ {
		h.propose(l2, h.newCommand(0))
	}
	h.s.RunFor(500 * suite.Ms)
	// The original group returns with the cut-off follower: 50 entries of
	// an old term must be backed over quickly (§5.3 fast backup).
	h.s.Isolate(h.all()...)
	h.connect(l1, o[0], other)
	for i := 0; i < 50; i++ {
		h.one(3, true)
	}
	// Everyone together.
	h.connect(h.all()...)
	h.one(5, true)
}

func testCountMessages(t *suite.T) {
	h := newHarness(t, config{nodes: 3})
	l := h.waitLeader(h.electionBound())
	// An election on a reliable network is a handful of messages.
	if sent := h.s.Stats().Sent; sent > 30 {
		t.Fatalf("the initial election took %d messages, more than 30: send one RequestVote per peer per election, and do not start elections while a leader is alive", sent)
	}
	// Ten entries cost about one round trip each per follower.
	var total int64
	for try := 0; try < 5; try++ {
		if try > 0 {
			h.s.RunFor(3 * suite.Sec)
			l = h.waitLeader(h.electionBound())
		}
		start, _, ok := h.propose(l, h.newCommand(0))
		if !ok {
			continue
		}
		before := h.s.Stats().Sent
		const iters = 10
		var last int
		for i := 1; i <= iters; i++ {
			index, _, ok := h.propose(l, h.newCommand(0))
			if !ok || index != start+i {
				ok = false
				break
			}
			last = index
		}
		if last == 0 {
			continue
		}
		if !h.s.RunUntilTrue(h.s.Now()+2*suite.Sec, func() bool { return h.nApplied(last) == 3 }) {
			continue
		}
		total = h.s.Stats().Sent - before
		if limit := int64((iters + 1 + 3) * 3 * 2); total > limit {
			t.Fatalf("10 entries cost %d messages, more than %d", total, limit)
		}
		break
	}
	// An idle second costs heartbeats only.
	h.s.RunFor(suite.Sec)
	before := h.s.Stats().Sent
	h.s.RunFor(suite.Sec)
	if idle := h.s.Stats().Sent - before; idle > 3*20 {
		t.Fatalf("an idle second cost %d messages, more than 60: send heartbeats at most 10 times a second and nothing else when idle", idle)
	}
}

// testPausedLeader pauses the leader (a long GC pause, a stalled VM) while
// the others elect a new one and commit; when it wakes it still believes
// it leads its old term, sends heartbeats and accepts a proposal. Its late
// messages must change nothing (§5.1: a stale term is rejected), it must
// step down, and the entries it took while deposed must never commit.
// Then the new leader is cut off in turn, so that the former leader may be
// elected again over logs the others changed.
func testPausedLeader(t *suite.T) {
	h := newHarness(t, config{nodes: 5})
	h.one(h.n, false)
	old := h.waitLeader(h.electionBound(), h.all()...)
	h.s.Pause(old)
	rest := h.others(old)
	h.waitLeader(h.electionBound(), rest...)
	for range 3 {
		h.one(len(rest), true)
	}
	h.s.Resume(old)
	// Awake and stale: it may still accept a proposal for its old term.
	h.propose(old, h.newCommand(0))
	h.s.RunFor(500 * suite.Ms)
	if _, lead, _ := h.state(old); lead {
		if term, _, _ := h.state(old); term < h.maxTerm {
			t.Fatalf("%v woke from a pause still leading term %d although term %d has begun: it must step down when it hears a higher term (§5.1)", old, term, h.maxTerm)
		}
	}
	// Cut off the new leader: the former one may lead again.
	now, _ := h.leaderAmong(rest)
	if now != 0 {
		h.disconnect(now)
		h.one(h.n-1, true)
		h.connect(now)
	}
	h.one(h.n, true)
}
