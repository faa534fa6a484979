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
//
// # Crash points
//
// A scheduled crash (faults.Crash, Within a handler or not) lands where the
// seed puts it. Crash exploration needs the worst instants instead: right
// after a node's k-th Sync, or during it with only some of its writes
// durable (a torn multi-key Sync). A CrashPoint names one such instant;
// Config.Crashes crashes the node there and restarts it at once or Down
// later:
//
//	cfg.RecordSyncs = true
//	probe, _ := sim.New(cfg) // run the scenario once, recording Syncs
//	probe.RunFor(time.Second)
//	points := sim.CrashPoints(probe.Syncs(), sim.Exploration{
//		Downs: []time.Duration{0, 300 * time.Millisecond}, // at once, and after a delay
//	})
//	for _, p := range points {
//		cfg.RecordSyncs, cfg.Crashes = false, []sim.CrashPoint{p}
//		s, _ := sim.New(cfg) // the same seed and point replay this run
//		s.RunFor(time.Second)
//		// check what the restarted node recovered
//	}
//
// Syncs are counted per node over the whole run (CrashPoint.Sync, from 1;
// Sim.SyncCount), so a point means the same instant in every run of the
// same seed up to the crash. Without Torn the Sync completes and the crash
// strikes right after it: the rest of the handler (a reply, a delete) has
// no effect, and the node goes down as the handler (or the test's Call)
// returns. With Torn the writes whose bit is set in Keep (bit i: the i-th
// key written since the last Sync) become durable and the others are
// lost. The restart is a fault event (EventFault, faults.Restart) at the
// same virtual instant for Down 0, after the events already due then.
// CrashPoints lists each Sync's boundary, then its tears (all of them up
// to Exploration.MaxTears, else "nothing kept", each prefix, each single
// write lost and a sample drawn from Exploration.Seed), each with every
// Down; MaxPoints keeps an evenly spaced selection. A lab's test does all
// of this with suite.T.ExploreCrashes, which also names the failing point
// in its report and traces that point's run alone.
//
// The nemesis's faults.Reboot is a crash whose nodes restart at the
// instant they are down (for one Within a handler, when the crash
// strikes); Nemesis.RestartNow draws it.
package sim
