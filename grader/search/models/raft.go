package models

import (
	"fmt"
	"sort"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// raftFactory accepts what a Raft lab's Impl holds: a raft.Factory, or a
// plain function of its type (a student's New). It mirrors
// raftlab.FactoryOf, which this package cannot import without importing
// the lab's suite into every search (and a cycle once the suite appends
// its search tests).
func raftFactory(impl any) (raft.Factory, error) {
	switch f := impl.(type) {
	case raft.Factory:
		return f, nil
	case func(node.ID, func(raft.ApplyMsg)) raft.Node:
		return f, nil
	}
	return nil, fmt.Errorf("the Raft is a %T; want a raft.Factory, func(id node.ID, apply func(raft.ApplyMsg)) raft.Node", impl)
}

// RaftElection returns the model of Raft part A: n nodes, no proposals,
// under bounds b. Its invariant is election safety (§5.2, Figure 3: at
// most one leader can be elected in a given term), checked as no two
// nodes leading in one term in the same state; its goal is a leader.
func RaftElection(impl any, n int, b search.Bounds) (*search.Model, error) {
	f, err := raftFactory(impl)
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
	return m, nil
}

func init() {
	register(Spec{Lab: "raft", Name: "election-safety",
		Description: "three nodes, no faults: every order of timer firings and deliveries up to the depth bound elects at most one leader per term",
		Build: func(impl any) (*search.Model, error) {
			return RaftElection(impl, 3, search.Bounds{})
		},
		Options: search.Options{Strategy: search.BFS, Depth: 7, States: 300_000}})
}
