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
// run.
//
// Messages are copied when sent (deep, by a copier compiled once per type;
// a message that reaches no memory that could change is its own copy), so a
// sender cannot change what a receiver gets. A message is copied as a tree:
// a value reached twice is copied twice, and a message that leads back to
// itself is refused (a cycle has no copy). Classifying a type visits each
// type it reaches once, however they refer to each other.
//
// Nothing a node receives outlives it or is shared (DESIGN decision 13):
// every incarnation, at the start and at each restart, gets a fresh Env, a
// fresh random source (the stream "node/<i>" for the first incarnation,
// "node/<i>/incarnation/<k>" for the k-th, split from the seed like every
// other stream) and a fresh peers slice; an Env kept past its node's crash
// does nothing. Timers saturate: one due past the end of virtual time (an
// overflowing sum, or a long delay stretched by a slow clock) never fires.
//
// A run is stopped by counts, never by the clock, so the same seed stops
// at the same event on any machine (DESIGN decision 11). A handler that
// panics stops the run with *PanicError, which keeps at most a few KiB of
// the panic's value and stack. A run stops with *LimitError when it
// exceeds Config.MaxEvents or MaxPending or MaxRate, when a node sends a
// message larger than MaxMessageBytes (checked as the copier walks it,
// before it allocates), or when one handler makes more than
// MaxCallsPerHandler Env calls (a loop sending to a node cut off queues no
// event). Log lines are cut at MaxLogLine bytes and passed on up to
// MaxLogBytes per run; logs never stop a run. A node that misuses its Env
// (sends to an unknown node, sets a negative timer, sends a cyclic message)
// does not stop the run: the misuse is recorded in the trace, counted by
// MisuseCount and, for the first MaxMisuseNotes of a run, described by
// Misuses.
package sim
