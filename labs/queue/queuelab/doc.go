// Package queuelab is the queue lab's suite: eleven tests in four parts (A
// bounded queue and fast rejection, B deadlines, C overload control, D
// priorities and fairness; 100 points), the workload and books they share,
// and the figures of a run. It registers itself with grader/suite from
// init; labs/all imports it. The reference and the mutants the suite must
// catch are set in reference.go, the one file that imports them.
//
// A run has one node, the student's server (n1). The clients are the
// lab's (harness.go): open-loop Poisson arrivals drawn up front from the
// seed, bursts, a closed-loop population, and a flooding client. The lab
// owns the workers: a request's service time is drawn when the request is
// made, Workers.Start runs it, and the lab calls Done when it finishes.
// The books (figures.go) say what became of every request — finished in
// time, finished late (wasted), rejected, or rejected after its deadline
// (a timeout) — and every graded figure is computed from them in virtual
// time and counts: goodput, p99 latency of admitted work, wasted worker
// time, the most requests waiting at once, and L = λW against the mean of
// the server's QueueLen samples. Protocol violations (starting with no
// free worker, answering twice) fail the run at the event ("protocol");
// every test checks that the queue stays bounded and that nothing starts
// after its deadline, at whatever load it runs.
//
// Every run records time series (series.go) in 50 ms buckets: offered,
// admitted, goodput, wasted and rejected requests per second, the queue
// length by the lab's count and by QueueLen, and p50 and p99 latency.
// curves.go draws the classic curves: GoodputCurve (goodput against
// offered load), NumberInSystem (against M/M/1's ρ/(1−ρ)) and BurstQueue
// (the queue during a burst); Measure returns any graded workload's
// series, in grader/series like every lab's: over virtual time, or over
// offered load and utilization for the classic curves (series.AtX).
//
// To run one test by hand:
//
//	test, _ := queuelab.Lab.Test("Goodput5x")
//	o := suite.NewT(suite.Options{Lab: queuelab.Lab, Test: test, Seed: 7,
//		Impl: queuelab.Lab.Solution, ImplName: "solution"}).Run()
//
// To check the reference over many seeds, and to re-derive the bounds:
//
//	go test ./labs/queue/queuelab -run TestLab/Sweep -lab.sweep=300
//	go test ./labs/queue/queuelab -run TestCalibration -lab.sweep=1000 -v
package queuelab
