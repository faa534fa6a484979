// Package suite is how a lab plugs into the engine: its tests with points,
// its implementations (reference solution, starter, mutants) and its demo
// scenarios, all in one registry that the CLI, TUI and site read.
//
// A lab package registers itself from init:
//
//	func init() {
//		suite.Register(&suite.Lab{
//			Name: "pingpong", Title: "Exactly-once over a lossy network",
//			Parts: []suite.Part{{ID: "A", Title: "Retransmit and deduplicate"}},
//			Tests: []suite.Test{{
//				Name: "LossyNetwork", Part: "A", Points: 10, Seeds: 20,
//				Limit: 30 * time.Second,
//				Run:   testLossy,
//			}},
//			Solution: solution.Impl, Starter: starter.Impl,
//			Mutants:  []suite.Mutant{{Name: "no-retransmit", Impl: ...}},
//		})
//	}
//
// A test's Run gets a *T for one seed. It builds a simulator with T.NewSim,
// drives a workload and faults, checks invariants on every event with
// T.Invariant, and fails with T.Fatalf. Implementations are opaque to the
// engine (Impl is `any`): each lab's tests assert the type they expect.
//
// A lab's Label (or a demo's, for a demo of no lab) gives each message a
// short label with its key fields for the viewer and the site's diagrams;
// Labeler finds the one for a trace from its header.
//
// So that the grader can shrink a failing run, a test routes its fault
// schedule through T.Schedule and asks T.Keep before each workload step;
// the shrinker replays the run with some of them removed.
package suite
