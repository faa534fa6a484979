package raftlab

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// What keeps the per-event checks cheap (docs/performance.md): the
// Propose call made once per harness, and committedBefore's last answer.

// proposeCall is propose's call into a node: its arguments, its results,
// and the two functions Sim.Call takes, made once per cluster (closures
// made per call would each be allocated).
type proposeCall struct {
	cmd string
	// b is cmd as Propose takes it, made once for the nodes that reject
	// it (which have no reason to keep it) and the one that takes it; a
	// node asked again after one took it gets a new copy.
	b           []byte
	index, term int
	ok          bool
	what        func() string
	fn          func(node.Node) string
}

func (pc *proposeCall) init(s *sim.Sim) {
	pc.what = func() string { return "Propose(" + short(pc.cmd) + ")" }
	pc.fn = func(n node.Node) string {
		pc.index, pc.term, pc.ok = n.(raft.Node).Propose(pc.b[:len(pc.b):len(pc.b)])
		if !s.Traced() {
			return "" // only a trace shows what Propose returned
		}
		return fmt.Sprintf("index=%d term=%d isLeader=%v", pc.index, pc.term, pc.ok)
	}
}

// committedBefore returns the highest index known to have been committed
// in a term below term. maxTerm grows with the index (a node applies in
// order), so a binary search finds it.
func (h *harness) committedBefore(term int) int {
	// A leader asks after each of its events; the answer changes only with
	// its term or a newly committed entry (which also moves maxApplied).
	cb := &h.before
	if cb.valid && cb.term == term && cb.commits == h.commits && cb.maxApplied == h.maxApplied {
		return cb.index
	}
	lo, hi := 0, h.maxApplied // invariant: answer in [lo, hi]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if e := h.committed[mid]; e.ok && e.maxTerm < term {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	*cb = committedBeforeCache{valid: true, term: term, commits: h.commits, maxApplied: h.maxApplied, index: lo}
	return lo
}

// committedBeforeCache is committedBefore's last answer.
type committedBeforeCache struct {
	valid                     bool
	term, commits, maxApplied int
	index                     int
}
