package raftlab

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// The safety checker, the invariant "raft safety" run after every event:
// what each apply must respect (applied order, validity, log matching,
// state machine safety, snapshots) and what each node's State must
// (terms never go back, election safety, leader completeness). Leader
// Append-Only is in appendonly.go.

type committedEntry struct {
	ok   bool
	term int
	cmd  string
	hash uint64 // of every command up to and including this one
	by   node.ID
	// maxTerm is the highest term any node had reached when the entry was
	// first applied: whoever committed it led a term no higher, so every
	// leader of a later term must hold it (leader completeness, §5.4).
	maxTerm int
}

func (sv *service) applyCommand(m raft.ApplyMsg) {
	h, id, i := sv.h, sv.id, m.CommandIndex
	if i != sv.applied+1 {
		what := "skipped"
		if i <= sv.applied {
			what = "went back or repeated"
		}
		h.violation.Record([]node.ID{id}, "applied order: %v applied index %d right after index %d (%s): entries must reach the service in order, each exactly once", id, i, sv.applied, what)
		return
	}
	p, ok := h.proposalOf(m.Command)
	if !ok {
		h.violation.Record([]node.ID{id}, "validity: %v applied %s at index %d, which no client proposed", id, short(string(m.Command)), i)
		return
	}
	cmd := p.cmd // the proposed string: comparing and keeping it allocates nothing
	if p.times == 1 && (p.term != m.CommandTerm || p.index != i) {
		h.violation.Record([]node.ID{id, p.leader}, "log matching: %v applied %s at index %d term %d, but leader %v put it at index %d in term %d", id, short(cmd), i, m.CommandTerm, p.leader, p.index, p.term)
		return
	}
	sv.hash = mix(sv.hash, m.Command)
	sv.applied = i
	for len(h.committed) <= i {
		h.committed = append(h.committed, committedEntry{})
	}
	e := &h.committed[i]
	if e.ok {
		if e.cmd != cmd || e.term != m.CommandTerm {
			h.violation.Record([]node.ID{e.by, id}, "state machine safety: at index %d %v applied %s (term %d) but %v applied %s (term %d)", i, e.by, short(e.cmd), e.term, id, short(cmd), m.CommandTerm)
			return
		}
		if e.hash != sv.hash {
			h.violation.Record([]node.ID{e.by, id}, "state machine safety: %v and %v applied the same entry at index %d after different histories", e.by, id, i)
		}
	} else {
		mt := h.maxTerm
		if rn := h.node(id); rn != nil {
			t, _ := rn.State()
			mt = max(mt, t)
		}
		*e = committedEntry{ok: true, term: m.CommandTerm, cmd: cmd, hash: sv.hash, by: id, maxTerm: mt}
		h.commits++
		// Terms along a log never go down (a consequence of Log Matching).
		if prev := h.committed[i-1]; prev.ok && prev.term > m.CommandTerm {
			h.violation.Record([]node.ID{prev.by, id}, "log matching: index %d was applied with term %d but index %d with term %d; terms in a log never decrease", i-1, prev.term, i, m.CommandTerm)
		}
		if i+1 < len(h.committed) {
			if next := h.committed[i+1]; next.ok && next.term < m.CommandTerm {
				h.violation.Record([]node.ID{next.by, id}, "log matching: index %d was applied with term %d but index %d with term %d", i, m.CommandTerm, i+1, next.term)
			}
		}
	}
	h.maxApplied = max(h.maxApplied, i)
	if h.snapEvery > 0 && i%h.snapEvery == 0 {
		h.takeSnapshot(sv, i, encodeSnapshot(i, sv.hash))
	}
}

func (sv *service) applySnapshot(m raft.ApplyMsg) {
	h, id := sv.h, sv.id
	if m.SnapshotIndex <= sv.applied {
		h.violation.Record([]node.ID{id}, "stale snapshot: %v installed a snapshot up to index %d after applying up to index %d; the service went back in time", id, m.SnapshotIndex, sv.applied)
		return
	}
	idx, hash, ok := decodeSnapshot(m.Snapshot)
	if !ok || idx != m.SnapshotIndex {
		h.violation.Record([]node.ID{id}, "snapshot: %v handed its service a snapshot for index %d holding a different snapshot (for index %d, ok=%v): SnapshotIndex must match the snapshot the service took", id, m.SnapshotIndex, idx, ok)
		return
	}
	if idx >= len(h.committed) || !h.committed[idx].ok || h.committed[idx].hash != hash {
		h.violation.Record([]node.ID{id}, "snapshot: %v installed a snapshot up to index %d that no service's state matches", id, idx)
		return
	}
	sv.applied, sv.hash = idx, hash
}

// check is the per-event invariant: it looks at the node that handled the
// event (every node after a fault), which keeps it cheap.
func (h *harness) check() error {
	if err := h.violation.Err(); err != nil {
		return err
	}
	if err := h.checkElectionPace(); err != nil {
		return err
	}
	if id := h.s.Current().Node; id != 0 {
		return h.checkNode(id)
	}
	for id := 1; id <= h.n; id++ {
		if err := h.checkNode(node.ID(id)); err != nil {
			return err
		}
	}
	return nil
}

func (h *harness) checkNode(id node.ID) error {
	if !h.s.Up(id) {
		return nil
	}
	sv := h.svc[id]
	term, lead := sv.rn.State()
	if term < h.terms[id] {
		return &suite.Violation{Nodes: []node.ID{id}, Msg: fmt.Sprintf("terms never go back: %v was at term %d and now reports term %d (currentTerm must survive a crash: save it and Sync before replying)", id, h.terms[id], term)}
	}
	h.terms[id] = term
	h.maxTerm = max(h.maxTerm, term)
	if lead {
		for len(h.leaders) <= term {
			h.leaders = append(h.leaders, 0)
		}
		other := h.leaders[term]
		if other != 0 && other != id {
			return &suite.Violation{Nodes: []node.ID{other, id}, Msg: fmt.Sprintf("election safety: %v and %v are both leaders of term %d (§5.2: at most one leader per term)", other, id, term)}
		}
		if other == 0 {
			h.leaders[term] = id
			h.nLeaders++
		}
		if lr := sv.lr; lr != nil {
			if h.oracle != nil {
				h.oracle(id, term, lr, h.s.Now())
			}
			if err := h.checkAppendOnly(id, term, lr); err != nil {
				return err
			}
			return h.checkLeaderLog(id, term, lr, other == 0)
		}
	} else {
		if h.oracle != nil {
			h.oracle(id, 0, nil, h.s.Now())
		}
		if h.leaderLogs[id].term != 0 {
			h.leaderLogs[id] = leaderLog{}
		}
	}
	return nil
}

// checkLeaderLog checks leader completeness (§5.4) on a leader that
// implements raft.LogReader: its log must reach past every index committed
// before its term, checked after each of its events, and when it has just
// been elected, hold each such entry with the term it was committed in.
func (h *harness) checkLeaderLog(id node.ID, term int, lr raft.LogReader, elected bool) error {
	k := h.committedBefore(term)
	if k == 0 {
		return nil
	}
	if last := lr.LastIndex(); last < k {
		return &suite.Violation{Nodes: []node.ID{id}, Msg: fmt.Sprintf("leader completeness: %v leads term %d with a log ending at index %d, but index %d was committed in an earlier term (applied by %v): a leader's log must hold every entry committed before its term (§5.4)", id, term, last, k, h.committed[k].by)}
	}
	if !elected {
		return nil
	}
	for i := 1; i <= k; i++ {
		e := h.committed[i]
		if t, ok := lr.TermAt(i); ok && e.ok && t != e.term {
			return &suite.Violation{Nodes: []node.ID{id, e.by}, Msg: fmt.Sprintf("leader completeness: %v was elected leader of term %d holding an entry of term %d at index %d, but %v applied the entry of term %d committed there (§5.4: a leader holds every committed entry)", id, term, t, i, e.by, e.term)}
		}
	}
	return nil
}
