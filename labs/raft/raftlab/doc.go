// Package raftlab is the Raft lab's suite: 45 tests in four parts (A
// election, B replication, C persistence, D snapshots; 100 points; the
// table is in tests.go), the checks they share, and two demos. It
// registers itself with grader/suite from init; labs/all imports it.
// reference.go alone hands it the reference and the mutants it must catch.
//
// Beyond scripted scenarios, each part has a swarm test (swarm.go: 3 to 7
// nodes, the network and the faults drawn per seed), parts C and D a crash
// exploration (explore.go: a short scenario crashed at every Sync and
// every tear of it), and every test waits for leaders and commits within
// bounds calibrated on the reference (bounds.go, bounds.txt).
//
// Every test builds a harness (harness.go): the simulator, plus one
// service per node that receives the node's ApplyMsgs (service.go). The
// harness never reads a node's internals, only what State, Propose and
// apply say (and, when the node implements the optional raft.LogReader,
// its log's terms), and checks after every event (one invariant, "raft
// safety", invariants.go and appendonly.go):
//
//   - election safety: at most one node reports isLeader for a term;
//   - terms never go back, across restarts too (persistence);
//   - applied order: each service sees index applied+1 next, or a snapshot
//     past what it has, never a repeat or a gap;
//   - state machine safety and log matching: no two nodes apply different
//     commands (or terms) at an index, terms along the applied log never
//     decrease, and a command applies where its leader put it;
//   - validity: only proposed commands are applied;
//   - leader completeness (§5.4): a leader holds every entry committed
//     before its term. With raft.LogReader it is checked when a node first
//     reports that it leads (each committed index, its term) and after each
//     of its events (its log reaches the last such index); for every node,
//     also at each Propose (the new index lies past them);
//   - snapshots: an installed snapshot matches the state some service had
//     at that index.
//
// A violation names the nodes, term and index, and the suite adds the
// event after which it was seen. Workload steps and crashes a test could
// do without go through T.Keep, and nemesis schedules through T.Schedule
// (in NewSim), so that the grader can shrink a failing run.
//
// To run one test by hand:
//
//	test, _ := raftlab.Lab.Test("Figure8")
//	o := suite.NewT(suite.Options{Lab: raftlab.Lab, Test: test, Seed: 7,
//		Impl: raftlab.Lab.Solution, ImplName: "solution"}).Run()
package raftlab
