// Package backofflab registers the backoff lab with the grader: its server,
// workloads and graded figures, the reference client, the starter, the
// mutants, and the backoff-storm demo.
//
// A test builds a run (harness.go): clients n1..nK built by the
// implementation under test, and the lab's server n(K+1) (server.go), whose
// hooks tell the run about every arrival and execution. The run checks the
// call invariants after every event, and its meter (meter.go) records the
// time series in virtual time. A test drives a workload, then grades
// figures computed from the meter against bounds stated in task.md:
//
//	r := newRun(t, scenario{clients: 10, server: cfg, net: network(0)})
//	r.openLoop(70, 0, 10*sec, 1*sec) // 70 calls/s, 1 s deadlines
//	r.finish(10 * sec)               // every call answered?
//	r.checkRecovery(trigEnd, 10*sec) // goodput back within 2 s?
//
// Storm runs the backoff-storm demo and returns its series for charts.
package backofflab
