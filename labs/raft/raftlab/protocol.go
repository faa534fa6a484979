package raftlab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
)

// Protocol checks that run on every event of every test (docs/grading.md,
// "Mutation testing": each came from a surviving mutant, but is a rule of
// Figure 2 or of the task, not a trap for that mutant).

// paceSlack admits an implementation that checks its timeout on a ticker
// rather than with one timer: it may stand up to a tenth of the longest
// timeout late.
const paceSlack = 10

// pace follows one incarnation of a node for the election-pace check.
type pace struct {
	sv       *service
	term     int
	stood    time.Duration // when it last raised its term on its own timer; -1: not measuring
	untimely bool          // paused or its clock changed: its timers do not run on simulated time
}

// checkElectionPace is Figure 2's "Candidates: if election timeout
// elapses, start new election" with the task's timing rule (election
// timeouts at most electionTimeouts[1]): a node that raised its term on
// one of its own timers stood for election; if it then hears nothing at
// all, it must stand again (raise its term) within the longest timeout.
// A term raised by a message does not start the clock, so PreVote (whose
// candidate raises its term only on pre-vote replies) is never measured,
// and any message delivered to the node stops it. Nodes that were paused
// or had their clock changed are left out: their timers do not follow
// simulated time.
func (h *harness) checkElectionPace() error {
	if h.pace == nil {
		h.pace = make([]pace, h.n+1)
		for i := range h.pace {
			h.pace[i].stood = -1
		}
	}
	ev := h.s.Current()
	if f := ev.Fault; f != nil && (f.Kind == faults.SetClock || f.Kind == faults.Pause) {
		for _, id := range f.Nodes {
			h.pace[id].untimely = true
		}
	}
	if id := ev.Node; id != 0 && h.s.Up(id) {
		p := &h.pace[id]
		sv := h.svc[id]
		term, _ := sv.rn.State()
		switch {
		case p.sv != sv: // a new incarnation: its first term is no election
			p.sv, p.stood = sv, -1
		case ev.Kind == sim.EventDeliver:
			p.stood = -1
		case ev.Kind == sim.EventTimer && term > p.term:
			p.stood = ev.Time
		}
		p.term = term
	}
	limit := electionTimeouts[1] + electionTimeouts[1]/paceSlack
	for i := 1; i <= h.n; i++ {
		p := &h.pace[i]
		id := node.ID(i)
		if p.stood < 0 || p.untimely || h.s.Paused(id) || !h.s.Up(id) || h.svc[id] != p.sv {
			if h.s.Paused(id) {
				p.untimely = true
			}
			continue
		}
		if now := h.s.Now(); now-p.stood > limit {
			return &suite.Violation{Nodes: []node.ID{id}, Msg: fmt.Sprintf(
				"election timeout: %v stood for term %d at %v and has heard nothing since, but has not stood again by %v: a candidate whose election times out starts a new one (Figure 2), and election timeouts are at most %v (task: timing), %v with a tenth of slack",
				id, p.term, p.stood, now, electionTimeouts[1], limit)}
		}
	}
	return nil
}

// voteSurvivesRestart is Figure 2's votedFor "on stable storage": a node
// that restarts must not vote twice in one term. Three nodes, the third
// down from the start: the first two elect a leader, which needs the
// other's vote. That voter restarts at once while the leader is cut off,
// and the third comes back with its first term still to stand for: when
// the leader won the first term and the third times out first, it asks
// the restarted voter for a vote in the leader's term, and a voter that
// forgot its vote grants it, so two nodes lead one term (election
// safety, checked on every event). A correct Raft refuses, and the three
// elect a leader of a later term once the first is back.
func (h *harness) voteSurvivesRestart() {
	ids := h.all()
	if len(ids) != 3 {
		return
	}
	h.s.RunFor(suite.Ms) // the nodes boot at the first event; no timeout is that short
	h.crash(ids[2])
	x := h.waitLeader(h.electionBound(), ids[0], ids[1])
	voter := ids[0]
	if voter == x {
		voter = ids[1]
	}
	h.disconnect(x)
	h.crash(voter)
	h.restart(voter, ids[2])
	h.s.RunFor(h.electionBound())
	h.connect(ids...)
	h.waitLeader(h.electionBound())
}
