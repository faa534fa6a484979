package raftlab

import (
	"fmt"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// harness is a test's view of a Raft cluster: the simulator, one service
// per node that records what Raft applies (service.go), and the global
// facts the invariants compare against (invariants.go, appendonly.go). It
// reads nothing inside the student's nodes but what State, Propose, the
// apply callback and the optional raft.LogReader say. Tests drive it
// through workload.go (proposals) and topology.go (leaders, partitions,
// crashes); caches.go keeps what makes the per-event checks cheap.
type harness struct {
	t       *suite.T
	test    string // the test's name, for its bounds (bounds.go)
	s       *sim.Sim
	n       int
	factory raft.Factory
	svc     []*service // the current incarnation's service, by node ID

	// committed[i] is what the first node to apply index i applied there.
	committed  []committedEntry
	maxApplied int                  // highest index any node applied
	leaders    []node.ID            // by term: the node that led it, or 0
	nLeaders   int                  // terms with a leader
	terms      []int                // highest term each node has reported
	leaderLogs []leaderLog          // per node: its log as leader, for Leader Append-Only
	proposed   []proposal           // by the command's sequence number (newCommand): where its leader put it
	violation  suite.FirstViolation // the first violation seen inside apply; check reports it
	snapEvery  int                  // services snapshot every snapEvery applies; 0: never
	seq        int                  // for unique commands
	lastLeader node.ID
	maxTerm    int // highest term any node has reported
	proposing  proposeCall
	commits    int                  // entries in committed: a version for before
	before     committedBeforeCache // committedBefore's last answer
	pace       []pace               // per node, for checkElectionPace (protocol.go)

	// slowest is, for each liveness bound, the longest this run waited
	// for what it bounds (bounds.go); calibrating (set by bounds_test.go)
	// waits far longer than the bounds, so that waits are measured, not cut.
	slowest     [nBounds]time.Duration
	calibrating bool

	// oracle, in this package's tests only, is the plain Leader
	// Append-Only check run beside the fast one (appendonly_test.go).
	oracle func(id node.ID, term int, lr raft.LogReader, now time.Duration)
}

// onHarness, set only by this package's tests (before any run), is handed
// each harness as newHarness builds it: a test can watch a run through it
// (an oracle beside a check, the waits the liveness bounds cover) without
// changing what the run does.
var onHarness func(t *suite.T, h *harness)

// config describes a test's cluster.
type config struct {
	nodes     int
	faults    faults.Model
	schedule  faults.Schedule
	snapEvery int
}

func newHarness(t *suite.T, cfg config) *harness {
	f, err := raft.FactoryOf(t.Impl())
	if err != nil {
		t.Fatalf("%v (check the lab's Solution, Starter, Mutants and Student.Bind)", err)
	}
	h := &harness{t: t, test: t.Name()[strings.LastIndexByte(t.Name(), '/')+1:], n: cfg.nodes, factory: f, svc: make([]*service, cfg.nodes+1),
		committed: make([]committedEntry, 1, 64), terms: make([]int, cfg.nodes+1), leaderLogs: make([]leaderLog, cfg.nodes+1),
		proposed: make([]proposal, 1, 64), snapEvery: cfg.snapEvery}
	if cfg.faults.Latency.Kind == "" && cfg.faults.Latency.Min == 0 {
		cfg.faults = faults.Reliable()
	}
	h.s = t.NewSim(sim.Config{Nodes: cfg.nodes, Factory: h.newNode, Faults: cfg.faults, Schedule: cfg.schedule})
	if onHarness != nil {
		onHarness(t, h)
	}
	t.Invariant("raft safety", h.check)
	return h
}

func (h *harness) newNode(id node.ID) node.Node {
	sv := &service{h: h, id: id, hash: newHash()}
	h.svc[id] = sv
	sv.rn = h.factory(id, sv.apply)
	sv.lr, _ = sv.rn.(raft.LogReader)
	return sv.rn
}

func (h *harness) node(id node.ID) raft.Node {
	if !h.s.Up(id) {
		return nil
	}
	return h.svc[id].rn
}

func short(cmd string) string {
	if len(cmd) > 16 {
		return fmt.Sprintf("%q…(%d bytes)", cmd[:12], len(cmd))
	}
	return fmt.Sprintf("%q", cmd)
}

// state returns a node's State, and false if it is down.
func (h *harness) state(id node.ID) (term int, lead bool, up bool) {
	rn := h.node(id)
	if rn == nil {
		return 0, false, false
	}
	term, lead = rn.State()
	return term, lead, true
}

// describe sums up the cluster for a failure message.
func (h *harness) describe() string {
	var parts []string
	for id := 1; id <= h.n; id++ {
		term, lead, up := h.state(node.ID(id))
		switch {
		case !up:
			parts = append(parts, fmt.Sprintf("%v down", node.ID(id)))
		default:
			role := "follower"
			if lead {
				role = "leader"
			}
			parts = append(parts, fmt.Sprintf("%v %s term %d applied %d", node.ID(id), role, term, h.svc[id].applied))
		}
	}
	return strings.Join(parts, "; ")
}
