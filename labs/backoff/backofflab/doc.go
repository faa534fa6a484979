// Package backofflab registers the backoff lab with the grader: its server,
// workloads and graded figures, the reference client, the starter, the
// mutants, and the backoff-storm demo.
//
// A test builds a harness (harness.go): clients n1..nK built by the
// implementation under test, and the lab's server n(K+1) (server.go), whose
// hooks tell the harness about every arrival and execution. It checks the
// call invariants after every event, and its meter (meter.go) records the
// time series in virtual time. A test drives a workload, then grades
// figures computed from the meter against bounds stated in task.md:
//
//	h := newHarness(t, scenario{clients: 10, server: cfg, net: network(0)})
//	h.openLoop(70, 0, 10*suite.Sec, 1*suite.Sec) // 70 calls/s, 1 s deadlines
//	h.finish(10 * suite.Sec)                     // every call answered?
//	h.checkRecovery(trigEnd, 10*suite.Sec)       // goodput back within 2 s?
//
// Storm runs the backoff-storm demo and returns its series for charts.
package backofflab
