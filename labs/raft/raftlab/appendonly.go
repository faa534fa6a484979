package raftlab

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// Leader Append-Only (Figure 3), checked on a leader's last entries after
// each of its events; appendonly_test.go holds it to the plain check.

// leaderLog is what a leader's log looked like after its last event: its
// term, its last index, and the terms of the entries at its end.
type leaderLog struct {
	term, last int
	tail       [appendOnlyTail]int // tail[k]: the term at index last-k (0: not held)
}

// appendOnlyTail is how many of a leader's last entries Leader Append-Only
// re-reads after each of its events: a leader that overwrites or deletes
// entries does so at the end of its log, and reading it all after every
// event would cost a log's length per event.
const appendOnlyTail = 8

// checkAppendOnly checks Leader Append-Only (Figure 3, §5.3): a leader
// never overwrites or deletes entries in its log; it only appends. It is
// the fast form of a plain check that keeps a leader's whole log and
// compares all of it after each event (appendonly_test.go keeps that one
// as its oracle and requires both to find the same first violation).
func (h *harness) checkAppendOnly(id node.ID, term int, lr raft.LogReader) error {
	prev := &h.leaderLogs[id]
	last := lr.LastIndex()
	if prev.term != term {
		*prev = leaderLog{term: term} // a new leadership: nothing to compare
	} else if last < prev.last {
		return shortened(id, term, prev.last, last)
	}
	// A term of 0 stands for an entry not held (compacted), which is not
	// compared.
	if last == prev.last {
		// Most events leave the log as it was (a reply, a heartbeat): the
		// tail is read at the same indices, each entry in place. (The
		// general loop below does the same work with index arithmetic and
		// a second array; this case alone saves 1 % of the whole suite's
		// instructions, docs/performance.md.)
		for k := range appendOnlyTail {
			i := last - k
			if i < 1 {
				break
			}
			t, ok := lr.TermAt(i)
			if !ok {
				t = 0
			} else if was := prev.tail[k]; was != 0 && t != was {
				return overwritten(id, term, i, was, t)
			}
			prev.tail[k] = t
		}
		return nil
	}
	// The tail as it is now, read once, each entry compared with what the
	// last tail held at its index; then the entries of the last tail that
	// this one no longer covers, when the log grew.
	var tail [appendOnlyTail]int
	for k := range appendOnlyTail {
		i := last - k
		if i < 1 {
			break
		}
		t, ok := lr.TermAt(i)
		if !ok {
			continue
		}
		tail[k] = t
		if d := prev.last - i; d >= 0 && d < appendOnlyTail {
			if was := prev.tail[d]; was != 0 && t != was {
				return overwritten(id, term, i, was, t)
			}
		}
	}
	for i := min(prev.last, last-appendOnlyTail); i > prev.last-appendOnlyTail && i >= 1; i-- {
		if was := prev.tail[prev.last-i]; was != 0 {
			if t, ok := lr.TermAt(i); ok && t != was {
				return overwritten(id, term, i, was, t)
			}
		}
	}
	prev.last, prev.tail = last, tail
	return nil
}

func shortened(id node.ID, term, was, now int) error {
	return &suite.Violation{Nodes: []node.ID{id}, Kind: "leader append-only", Msg: fmt.Sprintf("leader append-only: %v, leader of term %d, had a log ending at index %d and now it ends at %d: a leader never deletes entries from its log (Figure 3, §5.3)", id, term, was, now)}
}

func overwritten(id node.ID, term, i, was, now int) error {
	return &suite.Violation{Nodes: []node.ID{id}, Kind: "leader append-only", Msg: fmt.Sprintf("leader append-only: %v, leader of term %d, held an entry of term %d at index %d and now holds one of term %d there: a leader never overwrites entries in its log (Figure 3, §5.3)", id, term, was, i, now)}
}
