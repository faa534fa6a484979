package raftlab

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
)

// The cluster as tests steer it: leaders, partitions (the simulator alone
// knows the topology), crashes and restarts.

// leaderAmong returns the leader of the highest term among the given
// running nodes, if one of them claims to lead that term.
func (h *harness) leaderAmong(ids []node.ID) (node.ID, int) {
	best, bestTerm := node.ID(0), -1
	for _, id := range ids {
		term, lead, up := h.state(id)
		if !up {
			continue
		}
		if term > bestTerm {
			best, bestTerm = 0, term
		}
		if lead && term == bestTerm {
			best = id
		}
	}
	return best, bestTerm
}

// waitLeader waits up to within for a leader among ids (the connected
// nodes, by default) and fails with a hint if none is elected.
func (h *harness) waitLeader(within time.Duration, ids ...node.ID) node.ID {
	among := ids
	start := h.s.Now()
	var lead node.ID
	var connected []node.ID // reused: the condition runs after every event
	if !h.s.RunUntilTrue(h.s.Now()+within, func() bool {
		if len(ids) == 0 {
			connected = h.appendConnectedIDs(connected[:0])
			among = connected
		}
		lead, _ = h.leaderAmong(among)
		return lead != 0
	}) {
		ids = among
		h.t.Fatalf("no leader elected within %v among %s: does your node start an election when its election timer fires, count votes, and report isLeader from State? (%s)", within, idList(ids), h.describe())
	}
	h.waited(electionWait, h.s.Now()-start)
	h.lastLeader = lead
	return lead
}

// checkNoLeader fails if any of ids believes it leads.
func (h *harness) checkNoLeader(ids []node.ID, why string) {
	for _, id := range ids {
		if term, lead, _ := h.state(id); lead {
			h.t.Fatalf("%v is leader of term %d, but %s", id, term, why)
		}
	}
}

func (h *harness) connectedIDs() []node.ID { return h.appendConnectedIDs(nil) }

// appendConnectedIDs appends the nodes that are up and connected to ids.
func (h *harness) appendConnectedIDs(ids []node.ID) []node.ID {
	for id := 1; id <= h.n; id++ {
		if h.connectedTo(node.ID(id)) && h.s.Up(node.ID(id)) {
			ids = append(ids, node.ID(id))
		}
	}
	return ids
}

// connectedTo reports whether id is with the rest of the cluster: the
// simulator, which alone knows the topology, has not cut it off.
func (h *harness) connectedTo(id node.ID) bool { return !h.s.CutOff(id) }

func (h *harness) all() []node.ID { return h.s.IDs() }

func (h *harness) disconnect(ids ...node.ID) { h.s.Isolate(ids...) }

// connect heals ids' links and keeps every other cut-off node cut off.
func (h *harness) connect(ids ...node.ID) {
	var still []node.ID
	for id := 1; id <= h.n; id++ {
		if !h.connectedTo(node.ID(id)) && !slices.Contains(ids, node.ID(id)) {
			still = append(still, node.ID(id))
		}
	}
	h.s.Heal()
	if len(still) > 0 {
		h.s.Isolate(still...)
	}
}

func (h *harness) crash(ids ...node.ID) { h.s.Crash(ids...) }

func (h *harness) restart(ids ...node.ID) { h.s.Restart(ids...) }

func idList(ids []node.ID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// others returns every node but id.
func (h *harness) others(id node.ID) []node.ID {
	var out []node.ID
	for i := 1; i <= h.n; i++ {
		if node.ID(i) != id {
			out = append(out, node.ID(i))
		}
	}
	return out
}

// suiteRand is a random source for choices made before the simulator
// exists (a fault schedule), derived from the run's seed and purpose.
func suiteRand(t *suite.T, purpose string) *rand.Rand { return t.Rand(purpose) }
