// Package kvraftlab registers the kvraft lab with the grader: a
// linearizable key/value service on Raft, with its suite, reference,
// starter and mutants.
//
// A test builds a cluster (harness.go): servers n1..nS, each given a
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
// go test ./labs/kvraft/... runs the reference over the default seeds,
// every mutant against the test that catches it, the starter, and the
// checker against hand-written histories; -kvraft.seeds 300 sweeps the
// reference over 300 seeds a test.
package kvraftlab
