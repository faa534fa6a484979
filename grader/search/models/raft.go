package models

import (
	"fmt"
	"sort"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// RaftElection returns the model of Raft part A: n nodes, no proposals,
// under bounds b; when maxTerm > 0, states where a node passed maxTerm
// are not explored further (the first elections are where the bugs of
// part A show, and each term multiplies the states). Its invariant is election safety (§5.2, Figure 3: at
// most one leader can be elected in a given term), checked as no two
// nodes leading in one term in the same state; its goal is a leader.
func RaftElection(impl any, n, maxTerm int, b search.Bounds) (*search.Model, error) {
	f, err := raft.FactoryOf(impl)
	if err != nil {
		return nil, err
	}
	m := &search.Model{
		Name:   fmt.Sprintf("raft election, %d nodes", n),
		Nodes:  n,
		Bounds: b,
		Factory: func(id node.ID, _ *search.World) node.Node {
			return f(id, func(raft.ApplyMsg) {})
		},
	}
	m.Invariants = []search.Invariant{{Name: "election safety", Check: func(s *search.State) error {
		leaders := map[int][]node.ID{}
		for i := 1; i <= s.Nodes(); i++ {
			id := node.ID(i)
			if term, lead := s.Node(id).(raft.Node).State(); lead {
				leaders[term] = append(leaders[term], id)
			}
		}
		var terms []int
		for t, ids := range leaders {
			if len(ids) > 1 {
				terms = append(terms, t)
			}
		}
		if len(terms) == 0 {
			return nil
		}
		sort.Ints(terms)
		return fmt.Errorf("%v all lead term %d: at most one leader can be elected in a term (§5.2): a node grants one vote per term, and persists it before it answers", leaders[terms[0]], terms[0])
	}}}
	m.Goals = []search.Goal{{Name: "a leader is elected", Holds: func(s *search.State) bool {
		for i := 1; i <= s.Nodes(); i++ {
			if _, lead := s.Node(node.ID(i)).(raft.Node).State(); lead {
				return true
			}
		}
		return false
	}}}
	if maxTerm > 0 {
		m.Prunes = []search.Goal{{Name: fmt.Sprintf("past term %d", maxTerm), Holds: func(s *search.State) bool {
			for i := 1; i <= s.Nodes(); i++ {
				if t, _ := s.Node(node.ID(i)).(raft.Node).State(); t > maxTerm {
					return true
				}
			}
			return false
		}}}
	}
	return m, nil
}

func init() {
	register(Spec{Lab: "raft", Name: "election-safety",
		Description: "three nodes, no faults: every order of timer firings and deliveries up to the depth bound elects at most one leader per term",
		Build: func(impl any) (*search.Model, error) {
			return RaftElection(impl, 3, 0, search.Bounds{})
		},
		Options: search.Options{Strategy: search.BFS, Depth: 7, States: 300_000}})
	register(Spec{Lab: "raft", Name: "election-crash",
		Description: "three nodes, one crash and restart, terms 1 and 2: every order up to the depth bound elects at most one leader per term, so a vote must be on disk before it is granted",
		Build: func(impl any) (*search.Model, error) {
			return RaftElection(impl, 3, 2, search.Bounds{Crashes: 1})
		},
		Options: search.Options{Strategy: search.BFS, Depth: 7, States: 300_000}})
}

// The part B model: two commands proposed to whichever node leads, and
// (within the bounds) a crash and restart. The ghost records what each
// node applies, and the highest term any node has reached (Observe), so
// that leader completeness is checked only where it must hold.

const maxRaftIndex = 8

type raftEntry struct {
	Term int
	Cmd  string
	Set  bool
	// Bound is the highest term any node had reached before the entry
	// was first applied: the entry was committed in a term no higher, so
	// every leader of a later term must hold it (§5.4, leader
	// completeness).
	Bound int
}

type raftGhost struct {
	Applied     [maxRaftIndex + 1]raftEntry
	LastApplied [8]int // per node, the index its service last applied
	MaxTerm     int
	// Proposals are what each Propose returned: a leader's index must
	// come after every entry committed before its term (leader
	// completeness, seen without reading its log).
	Proposals [4]raftProposal
	Bad       string
}

type raftProposal struct {
	Node        node.ID
	Index, Term int
}

func (g *raftGhost) fail(format string, args ...any) {
	if g.Bad == "" {
		g.Bad = fmt.Sprintf(format, args...)
	}
}

// RaftReplication returns the model of Raft part B: n nodes, the given
// commands proposed in order to whichever node believes it leads, under
// bounds b. Its invariants are state machine safety (no two nodes apply
// different commands at one index, and each applies in order), leader
// completeness (§5.4) and log matching (§5.3); its goal is every command
// applied by a node.
//
// Only what every Raft offers is needed: the apply callback, State and
// Propose. Leader completeness is then checked at each proposal: the
// index a leader returns must follow every entry committed before its
// term, or its log lacks one. A Raft that also implements the optional
// raft.LogReader (and logs true) has leader completeness checked in every
// state it leads, and log matching too, which nothing else observes.
func RaftReplication(impl any, n int, commands []string, b search.Bounds, logs bool) (*search.Model, error) {
	f, err := raft.FactoryOf(impl)
	if err != nil {
		return nil, err
	}
	if n > 7 {
		return nil, fmt.Errorf("raft replication model: at most 7 nodes, not %d", n)
	}
	m := &search.Model{
		Name:   fmt.Sprintf("raft replication, %d nodes, %d commands", n, len(commands)),
		Nodes:  n,
		Bounds: b,
		Ghost:  &raftGhost{},
	}
	m.Factory = func(id node.ID, w *search.World) node.Node {
		// A new incarnation applies again from the start (or its
		// snapshot): raft.Factory promises each entry once per
		// incarnation.
		w.Ghost().(*raftGhost).LastApplied[id] = 0
		return f(id, func(msg raft.ApplyMsg) {
			g := w.Ghost().(*raftGhost)
			if msg.SnapshotValid {
				g.LastApplied[id] = msg.SnapshotIndex
				return
			}
			if !msg.CommandValid {
				return
			}
			i := msg.CommandIndex
			if i != g.LastApplied[id]+1 {
				g.fail("%v applied index %d after index %d: entries are applied in log order, each once", id, i, g.LastApplied[id])
			}
			g.LastApplied[id] = i
			if i < 1 || i > maxRaftIndex {
				return
			}
			e := &g.Applied[i]
			if e.Set && (e.Term != msg.CommandTerm || e.Cmd != string(msg.Command)) {
				g.fail("%v applied %q (term %d) at index %d, where another node applied %q (term %d): state machine safety (§5.4.3)", id, msg.Command, msg.CommandTerm, i, e.Cmd, e.Term)
			}
			if !e.Set {
				*e = raftEntry{Term: msg.CommandTerm, Cmd: string(msg.Command), Set: true, Bound: g.MaxTerm}
			}
		})
	}
	if len(commands) > len(raftGhost{}.Proposals) {
		return nil, fmt.Errorf("raft replication model: at most %d commands, not %d", len(raftGhost{}.Proposals), len(commands))
	}
	for _, cmd := range commands {
		m.Inputs = append(m.Inputs, search.Input{Name: fmt.Sprintf("Propose(%q)", cmd),
			When: func(s *search.State, id node.ID) bool {
				_, lead := s.Node(id).(raft.Node).State()
				return lead
			},
			Call: func(nd node.Node, w *search.World) {
				idx, term, ok := nd.(raft.Node).Propose([]byte(cmd))
				g := w.Ghost().(*raftGhost)
				for i := range g.Proposals {
					if ok && g.Proposals[i].Node == 0 {
						g.Proposals[i] = raftProposal{Node: w.Node(), Index: idx, Term: term}
						break
					}
				}
			}})
	}
	m.Observe = func(s *search.State) any {
		g := s.Ghost().(*raftGhost)
		top := g.MaxTerm
		for i := 1; i <= s.Nodes(); i++ {
			if t, _ := s.Node(node.ID(i)).(raft.Node).State(); t > top {
				top = t
			}
		}
		if top == g.MaxTerm {
			return nil
		}
		ng := *g
		ng.MaxTerm = top
		return &ng
	}
	// logOf returns node id's log, or nil when the model reads no logs
	// (the node does not implement raft.LogReader, or logs is false).
	logOf := func(s *search.State, id node.ID) raft.LogReader {
		if lr, ok := s.Node(id).(raft.LogReader); ok && logs {
			return lr
		}
		return nil
	}
	m.Invariants = []search.Invariant{
		{Name: "state machine safety", Check: func(s *search.State) error {
			if g := s.Ghost().(*raftGhost); g.Bad != "" {
				return fmt.Errorf("%s", g.Bad)
			}
			return nil
		}},
		{Name: "log matching", Check: func(s *search.State) error {
			for a := 1; a <= s.Nodes(); a++ {
				la := logOf(s, node.ID(a))
				if la == nil {
					return nil
				}
				for b := a + 1; b <= s.Nodes(); b++ {
					lb := logOf(s, node.ID(b))
					if lb == nil {
						return nil
					}
					if err := logsMatch(node.ID(a), la, node.ID(b), lb); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{Name: "leader completeness", Check: func(s *search.State) error {
			g := s.Ghost().(*raftGhost)
			for _, p := range g.Proposals {
				if p.Node == 0 {
					continue
				}
				for idx := max(p.Index, 1); idx <= maxRaftIndex; idx++ {
					if e := g.Applied[idx]; e.Set && p.Term > e.Bound {
						return fmt.Errorf("%v leads term %d and put a proposal at index %d, but the entry at index %d (term %d, %q) was committed before term %d: a leader holds every committed entry, so a vote requires an up-to-date log (§5.4.1)", p.Node, p.Term, p.Index, idx, e.Term, e.Cmd, p.Term)
					}
				}
			}
			for i := 1; i <= s.Nodes(); i++ {
				id := node.ID(i)
				term, lead := s.Node(id).(raft.Node).State()
				if !lead {
					continue
				}
				lr := logOf(s, id)
				if lr == nil {
					continue
				}
				for idx := 1; idx <= maxRaftIndex; idx++ {
					e := g.Applied[idx]
					if !e.Set || term <= e.Bound {
						continue
					}
					if t, ok := lr.TermAt(idx); !ok || t != e.Term {
						return fmt.Errorf("%v leads term %d but its log lacks the entry committed at index %d (term %d, %q): a vote requires an up-to-date log (§5.4.1)", id, term, idx, e.Term, e.Cmd)
					}
				}
			}
			return nil
		}},
	}
	// A leader first: a Raft that never elects one is told that, which
	// is where it must start, rather than that nothing was applied.
	m.Goals = []search.Goal{{Name: "a leader is elected", Holds: func(s *search.State) bool {
		for i := 1; i <= s.Nodes(); i++ {
			if _, lead := s.Node(node.ID(i)).(raft.Node).State(); lead {
				return true
			}
		}
		return false
	}}, {Name: "every command applied", Holds: func(s *search.State) bool {
		g := s.Ghost().(*raftGhost)
		for i := 1; i <= len(commands) && i <= maxRaftIndex; i++ {
			if !g.Applied[i].Set {
				return false
			}
		}
		return true
	}}}
	// Elections past term 3 add states but no new kind of history to two
	// proposals: cut them.
	m.Prunes = []search.Goal{{Name: "past term 3", Holds: func(s *search.State) bool {
		return s.Ghost().(*raftGhost).MaxTerm > 3
	}}}
	return m, nil
}

// logsMatch checks the Log Matching Property (§5.3) for two logs: if they
// hold an entry with the same index and term, they are identical in all
// entries up to it.
func logsMatch(a node.ID, la raft.LogReader, b node.ID, lb raft.LogReader) error {
	for i := min(la.LastIndex(), lb.LastIndex()); i >= 1; i-- {
		ta, oka := la.TermAt(i)
		tb, okb := lb.TermAt(i)
		if !oka || !okb || ta != tb {
			continue
		}
		for j := i - 1; j >= 1; j-- {
			ta, oka := la.TermAt(j)
			tb, okb := lb.TermAt(j)
			if oka && okb && ta != tb {
				return fmt.Errorf("%v and %v both hold index %d in term %d, but differ at index %d (terms %d and %d): log matching (§5.3)", a, b, i, ta, j, ta, tb)
			}
		}
		return nil
	}
	return nil
}

func init() {
	register(Spec{Lab: "raft", Name: "log-safety",
		Description: "three nodes, two proposals, up to one crash: random walks through elections, replication and a restart keep applied commands agreed and in order, leaders complete (and logs matching, for a Raft with raft.LogReader)",
		Build: func(impl any) (*search.Model, error) {
			return RaftReplication(impl, 3, []string{"x", "y"}, search.Bounds{Crashes: 1}, true)
		},
		// 20,000 unique states, about 0.25 CPU-s, keep the lab within its
		// grading budget (docs/performance.md); the walks find
		// no-up-to-date-check after 9,745 unique states (16,819 without
		// reading logs) and applies-twice after 1,253 (models_test.go).
		Options: search.Options{Strategy: search.Walk, Depth: 40, States: 20_000, Seed: 1}})
}
