// Package run is the grading engine: it runs a lab's tests over their seeds
// in parallel, judges them, explains failures, and produces one
// result.Result.
//
//	res, err := run.Grade(ctx, run.Options{Lab: lab, Impl: "solution"})
//
// Seeds derive from the lab and test names (SeedFor), so two gradings run
// the same runs, and Options.Seed replays one exactly. For a failing test
// the engine re-runs the first failing seed to check it is deterministic,
// writes its trace, and shrinks it: it delta-debugs the run's scheduled
// faults and workload steps (suite.Item) down to a smaller run that fails
// the same way. A handler that panics, never returns, or floods the network
// fails its test with an explanation; it never stops the grader.
package run
