// Package kvraftlab registers the kvraft lab with the grader: a
// linearizable key/value service on Raft, with its suite, reference,
// starter and mutants.
//
// A test builds a harness (harness.go): servers n1..nS, each given a
// raft.Factory (the Raft T.Dep("raft") hands over, else the reference
// Raft), and clerks after them. Clerks run a random workload of Get, Put
// and Append over a few keys, one request at a time, while the test
// partitions leaders, crashes servers or loses messages. Every Submit and
// every done callback is recorded in virtual time: the client-visible
// history (history.go). At the end the test heals every fault, waits for
// every request (liveness), reads every key once more, and checks that no
// written value was seen twice (exactly once) and that each key's history
// is linearizable, with porcupine. A violation names the operation whose
// return first makes the history non-linearizable and notes it in the
// trace.
//
// The reference and the mutants are set in reference.go, the only file of
// the suite that imports them; the rest reaches the reference through
// Lab.Solution, and the reference Raft through raftlab.Base.
//
// go test ./labs/kvraft/... runs the reference over the default seeds,
// every mutant against the test that catches it, the starter, and the
// checker against hand-written histories (grader/labtest); -lab.seeds 300
// runs the reference over 300 seeds a test, -lab.sweep 1000 sweeps it on
// every core.
package kvraftlab
