// Package sim is faultline's deterministic discrete-event simulator.
//
// One goroutine pops events from a priority queue ordered by (virtual time,
// sequence number) and hands each to a node: a delivered message, a fired
// timer, a boot. Nothing reads the wall clock and every random choice comes
// from a stream seeded from the run's seed and split by purpose (the network,
// each node, the test's workload), so a run is a pure function of its
// configuration: the same seed replays the same run, event for event.
//
// A test builds a Sim, drives it, and inspects it between events:
//
//	s, err := sim.New(sim.Config{
//		Nodes:   3,
//		Seed:    42,
//		Factory: func(id node.ID) node.Node { return &myNode{} },
//		Faults:  faults.Unreliable(),
//	})
//	s.OnEvent(func(ev *sim.Event) { /* check an invariant */ })
//	s.RunFor(time.Second)
//	s.Call(1, func() string { return "Put(x)" }, func(n node.Node) string { ... })
//	s.Crash(2)
//	s.RunUntilTrue(5*time.Second, func() bool { return done })
//
// Step dispatches one event at a time, which is how the TUI steps through a
// run. Messages are copied when sent (deep, by a copier compiled once per
// type; a message that reaches no memory that could change is its own
// copy), so a sender cannot change what a receiver gets. A handler that panics stops the run with *PanicError; a run
// that exceeds Config.MaxEvents or MaxPending stops with *LimitError. A node
// that misuses its Env (sends to an unknown node, sets a negative timer) does
// not stop the run: the misuse is recorded in the trace, counted by
// MisuseCount and, for the first MaxMisuseNotes of a run, described by Misuses.
package sim
