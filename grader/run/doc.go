// Package run is the grading engine: it runs a lab's tests over their seeds
// in parallel, judges them, explains failures, and produces one
// result.Result.
//
//	res, err := run.Grade(ctx, run.Options{Lab: lab, Impl: "solution"})
//
// Grade goes in stages, each in grade.go: select the tests and plan their
// runs (selectTests, plan), run them all in batches (runAll), build each
// test's result beside its reported run (collect), judge it after the
// determinism check (judgeAll: verify.go, judge.go), and score. How a run
// ended is typed (status.go: a runStatus and a failKind, each hint beside
// its kind); a report's strings are those types' values.
//
// Seeds derive from the lab and test names (SeedFor), so two gradings run
// the same runs, and Options.Seed replays one exactly; Test.Replay is the
// command that does, with every flag that changes the run.
//
// Every test's reported run and two more of its seeds, fingerprinted as
// they ran, run again in a runner of the test's own that ran none of them
// (a fresh runner process; in-process, a fresh runner): a run that differs
// makes the test an error ("nondeterministic"), named by the first event
// where two traces of it part. For a failing test the engine then writes
// the trace and shrinks it: it delta-debugs the run's scheduled faults and
// workload steps (suite.Item) down to a smaller run that fails the same
// way.
//
// A test that records its series (suite.T.Record: the overload and
// hot-shard tests) sends them back with a failing run's outcome, and with
// Options.Charts with the run a passing test reports; the grader pairs
// them with the reference's run of the same seed (charts.go) in
// result.Test.Charts.
//
// A handler that panics, floods the network or never returns fails its
// test with an explanation; it never stops the grader. Verdicts come from
// counts (events, bytes, CPU time: Options.Watchdog), never from the wall
// clock, which only gives up on a run that makes no progress at all, as an
// error of the grading. A runner process answers on a pipe of its own,
// each line with a token drawn for that process and each outcome with its
// request's key: the grader refuses anything else (proc.go, child.go).
package run
