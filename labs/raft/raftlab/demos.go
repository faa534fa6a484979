package raftlab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// demoFactory builds the demos' nodes: the reference with a faster timing
// (reference.go). It is nil in an edition without the reference, and the
// demos then say so.
var demoFactory func(id node.ID) node.Node

func registerDemos() {
	registerPictures()
	suite.RegisterDemo(suite.Demo{
		Name:  "raft-election",
		Title: "Raft: leader election and a partitioned leader",
		Description: "Five nodes elect a leader. At 1 s the leader is partitioned away; the other four " +
			"time out, elect a new leader in a higher term, and carry on. At 2.5 s the partition heals: " +
			"the old leader hears the higher term in the first message it gets and steps down. At 3 s a " +
			"follower crashes; at 3.3 s it restarts from what it synced and rejoins in the current term.",
		Lab: "raft", Seed: 1, Run: demoElection,
	})
	suite.RegisterDemo(suite.Demo{
		Name:  "raft-replication",
		Title: "Raft: replication and a follower catching up",
		Description: "Three nodes; a client proposes a command to the leader every 100 ms. At 1 s a " +
			"follower crashes; the other two keep committing. At 2 s it restarts from its disk and the " +
			"leader backs up its nextIndex until the logs match, then sends what it missed.",
		Lab: "raft", Seed: 1, Run: demoReplication,
	})
}

func demoElection(seed uint64, sink trace.Sink) error {
	s, err := newDemoSim(5, seed, sink, "raft-election")
	if err != nil {
		return err
	}
	s.RunUntil(time.Second)
	leader := leaderOf(s)
	if leader == 0 {
		return fmt.Errorf("raft-election demo: no leader after 1s with seed %d", seed)
	}
	s.Notef("partition the leader %v away", leader)
	s.Isolate(leader)
	s.RunUntil(2500 * time.Millisecond)
	s.Notef("heal the partition")
	s.Heal()
	s.RunUntil(3 * time.Second)
	crashAndRestart(s, follower(s, leader), 3300*time.Millisecond, 4*time.Second)
	return nil
}

func demoReplication(seed uint64, sink trace.Sink) error {
	s, err := newDemoSim(3, seed, sink, "raft-replication")
	if err != nil {
		return err
	}
	seq := 0
	var client func()
	client = func() {
		if id := leaderOf(s); id != 0 {
			seq++
			cmd := fmt.Sprintf("x%d", seq)
			_ = s.Call(id, func() string { return "Propose(" + cmd + ")" }, func(n node.Node) string {
				i, t, ok := n.(raft.Node).Propose([]byte(cmd))
				return fmt.Sprintf("index=%d term=%d isLeader=%v", i, t, ok)
			})
		}
		s.After(100*time.Millisecond, client)
	}
	s.At(400*time.Millisecond, client)
	s.RunUntil(time.Second)
	crashAndRestart(s, follower(s, 0), 2*time.Second, 3*time.Second)
	return nil
}

// follower returns the first running node, other than except, that does not
// believe it leads.
func follower(s *sim.Sim, except node.ID) node.ID {
	for _, id := range s.IDs() {
		if n := s.Node(id); n != nil && id != except {
			if _, lead := n.(raft.Node).State(); !lead {
				return id
			}
		}
	}
	return 0
}

// crashAndRestart crashes follower id now, restarts it from its disk at
// restart, and runs on until end.
func crashAndRestart(s *sim.Sim, id node.ID, restart, end time.Duration) {
	s.Notef("crash follower %v", id)
	s.Crash(id)
	s.RunUntil(restart)
	s.Notef("restart %v from its disk: it catches up", id)
	s.Restart(id)
	s.RunUntil(end)
}

// newDemoSim builds a reliable cluster of reference nodes whose roles and
// terms show in the trace.
func newDemoSim(nodes int, seed uint64, sink trace.Sink, scenario string) (*sim.Sim, error) {
	if demoFactory == nil {
		return nil, edition.NoReference("the " + scenario + " demo, which runs the reference Raft,")
	}
	s, err := sim.New(sim.Config{Nodes: nodes, Seed: seed, Factory: demoFactory, Faults: faults.Reliable(),
		Trace: sink, Lab: "raft", Scenario: scenario})
	if err != nil {
		return nil, err
	}
	s.ObserveState(func(_ node.ID, n node.Node) any { return observe(n) })
	return s, nil
}

// leaderOf returns the first running node that believes it leads, or 0.
func leaderOf(s *sim.Sim) node.ID {
	for _, id := range s.IDs() {
		if n := s.Node(id); n != nil {
			if _, lead := n.(raft.Node).State(); lead {
				return id
			}
		}
	}
	return 0
}
