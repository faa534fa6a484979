package queuelab

import (
	"fmt"
	"math"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/queue"
)

// The graded bounds. task.md states each of them with its derivation: the
// worst case over 1,000 seeds of the reference and of a server written
// from the task alone, and a margin (TestCalibration re-derives them).
// Keep the two in step.
const (
	runFor = 4 * suite.Sec  // open-loop arrivals in most tests
	warmUp = 200 * suite.Ms // goodput is counted over [warmUp, runFor)

	underloadSuccess = 0.97  // at 0.5× load, of requests offered
	maxTimeouts      = 0.01  // of requests offered: answered after their deadline
	rejectP99        = 150.0 // ms, p99 of the time to reject: half the longest deadline
	littleTolerance  = 0.10  // relative, plus littleSlack requests
	littleSlack      = 0.5
	maxWasted        = 0.03  // of worker time, in every test
	goodputAt1x      = 0.78  // of capacity
	goodputOverload  = 0.85  // of capacity, at 2×, 3×, 5×, in the closed loop and under a flood
	latencyP99       = 170.0 // ms, admitted work under overload
	criticalSuccess  = 0.98
	floodedSuccess   = 0.90 // the well-behaved clients' success under a flood, together
	floodedEach      = 0.70 // and each one's
	floodShare       = 0.65 // the flooding client's share of goodput
	recoveryAfter    = 300 * suite.Ms
	recoverySuccess  = 0.95
)

// maxQueue is the longest a queue may get: the work the workers can finish
// within the longest deadline. A request behind more than that cannot be
// served in time, so holding it only defers the pain.
func maxQueue() int { return int(labConfig().Capacity() * maxBudget.Seconds()) }

var tests = []suite.Test{
	// Part A: 20 points.
	{Name: "Underload", Part: "A", Points: 6, Seeds: 20, Limit: 40 * suite.Sec, Run: testUnderload,
		Description: "at half of capacity every request is answered once and almost all finish in time", Lesson: "queues-and-load-shedding#utilization-and-latency"},
	{Name: "FastRejection", Part: "A", Points: 8, Seeds: 20, Limit: 40 * suite.Sec, Run: testFastRejection,
		Description: "at 2× capacity rejected clients hear at once, not at their deadline (the queue stays bounded in every test)", Lesson: "queues-and-load-shedding#bounded-queues-and-backpressure"},
	{Name: "LittlesLaw", Part: "A", Points: 6, Seeds: 20, Limit: 40 * suite.Sec, Run: testLittlesLaw,
		Description: "the queue length the server reports agrees with Little's law, L = λW, on the lab's λ and W", Lesson: "queues-and-load-shedding#littles-law"},

	// Part B: 25 points.
	{Name: "NoWastedWork", Part: "B", Points: 12, Seeds: 20, Limit: 40 * suite.Sec, Run: testNoWastedWork,
		Description: "at 2× capacity almost no worker time goes to work that finishes after its deadline (none starts after it, in any test)", Lesson: "queues-and-load-shedding#goodput-not-throughput"},
	{Name: "Recovery", Part: "B", Points: 13, Seeds: 20, Limit: 40 * suite.Sec, Run: testRecovery,
		Description: "after a second at 5× capacity the queue drains at once: no stale backlog is served", Lesson: "queues-and-load-shedding#queues-defer-pain"},

	// Part C: 35 points.
	{Name: "Goodput1x", Part: "C", Points: 7, Seeds: 20, Limit: 40 * suite.Sec, Run: goodputTest("Goodput1x", 1, goodputAt1x),
		Description: "at capacity, goodput stays near capacity", Lesson: "queues-and-load-shedding#goodput-not-throughput"},
	{Name: "Goodput2x", Part: "C", Points: 10, Seeds: 20, Limit: 40 * suite.Sec, Run: goodputTest("Goodput2x", 2, goodputOverload),
		Description: "at 2× capacity, goodput stays near capacity and admitted work is fast", Lesson: "queues-and-load-shedding#load-shedding"},
	{Name: "Goodput5x", Part: "C", Points: 10, Seeds: 20, Limit: 40 * suite.Sec, Run: goodputTest("Goodput5x", 5, goodputOverload),
		Description: "at 5× capacity, goodput stays near capacity and admitted work is fast", Lesson: "queues-and-load-shedding#load-shedding"},
	{Name: "ClosedLoop", Part: "C", Points: 8, Seeds: 20, Limit: 40 * suite.Sec, Run: testClosedLoop,
		Description: "120 clients that each wait for an answer before thinking and asking again: goodput near capacity", Lesson: "queues-and-load-shedding#load-shedding"},

	// Part D: 20 points.
	{Name: "CriticalFirst", Part: "D", Points: 6, Seeds: 20, Limit: 40 * suite.Sec, Run: testCriticalFirst,
		Description: "at 3× capacity critical requests nearly all succeed while best-effort ones are shed", Lesson: "queues-and-load-shedding#load-shedding"},
	{Name: "CriticalOverload", Part: "D", Points: 4, Seeds: 20, Limit: 40 * suite.Sec, Run: testCriticalOverload,
		Description: "critical work alone at 3× capacity: it is shed too, the queue stays bounded and goodput near capacity", Lesson: "queues-and-load-shedding#load-shedding"},
	{Name: "FloodingClient", Part: "D", Points: 10, Seeds: 20, Limit: 40 * suite.Sec, Run: testFloodingClient,
		Description: "one client sends 3× capacity on its own: the nine others still get their requests served", Lesson: "queues-and-load-shedding#load-shedding"},
}

// factory returns the implementation under test: a queue.Factory, or a
// plain function of its type, as a test may pass.
func factory(t *suite.T) queue.Factory {
	if f, ok := t.Impl().(func(queue.Config, queue.Workers) queue.Server); ok {
		return f
	}
	return suite.ImplAs[queue.Factory](t)
}

// run runs sc against the implementation under test, failing the run at
// the first protocol violation or if a request is never answered, and
// checks what holds at every load: critical work is shed last, the queue
// stays bounded, nothing starts after its deadline, and little worker time
// goes to work that finishes late.
func run(t *suite.T, sc scenario) *figures {
	h, err := newHarness(func(cfg sim.Config) (*sim.Sim, error) { return t.NewSim(cfg), nil }, sc, factory(t))
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Invariant("protocol", h.protocol.Err)
	// The run's own curves, drawn when it fails (issue 25.5).
	t.Record(func() series.Set {
		return series.Set{Series: h.rec.series(), Headline: []string{"goodput", "queue length", "latency p99", "rejected"}}
	})
	t.Invariant(criticalLast, h.priority.Err)
	t.Check("every request answered", h.run())
	f := h.figures()
	if runHook != nil {
		runHook(f)
	}
	t.Logf("%s", f.summary(warmUp, sc.end()))
	t.Guide(series.Guide{Metric: "queue length", Label: fmt.Sprintf("bound ≤ %d", maxQueue()), V: float64(maxQueue())})
	check(t, "bounded queue", f.within("most requests waiting", float64(f.maxQueue), float64(maxQueue()), true),
		"%d requests waited at once %s; want ≤ %d, the work the workers finish within the longest deadline (%v): a longer queue holds only requests that cannot be served in time",
		f.maxQueue, sc.desc, maxQueue(), maxBudget)
	all := f.tally(all)
	check(t, "no expired starts", all.startedLate == 0,
		"%d requests were started after their deadline had passed %s; want none: the client has given up, so the work is wasted", all.startedLate, sc.desc)
	check(t, "wasted work", f.within("wasted (share of worker time)", f.wastedShare(), maxWasted, true),
		"%.1f%% of worker time went to work that finished after its deadline (%d requests) %s; want ≤ %.1f%%: do not start what cannot finish in time (Config.MaxService)",
		100*f.wastedShare(), all.late, sc.desc, 100*maxWasted)
	return f
}

// runHook, if set, sees the figures of every run: how the calibration test
// reads them. Only that test sets it, never while runs go on in other
// goroutines; grading leaves it nil.
var runHook func(*figures)

// summary is a one-line account of a run, for the test log.
func (f *figures) summary(from, to time.Duration) string {
	all := f.tally(all)
	return fmt.Sprintf("%d requests: %d in time, %d late, %d rejected, %d timed out; goodput %.0f/s of capacity %.0f/s; p99 latency %.0f ms; wasted %.1f%% of worker time; queue at most %d",
		all.offered, all.good, all.late, all.rejected, all.timeouts, f.goodput(from, to), f.capacity, all.p99(), 100*f.wastedShare(), f.maxQueue)
}

func (f *figures) wastedShare() float64 {
	if f.busy == 0 {
		return 0
	}
	return f.wasted.Seconds() / f.busy.Seconds()
}

func check(t *suite.T, name string, ok bool, format string, args ...any) {
	if ok {
		t.Check(name, nil)
		return
	}
	t.Fail(suite.Failure{Check: name, Msg: fmt.Sprintf(format, args...)})
}

func checkTimeouts(t *suite.T, f *figures, all tally, load float64) {
	check(t, "fast answers", f.within("timeouts (share of offered)", float64(all.timeouts)/float64(max(all.offered, 1)), maxTimeouts, true),
		"%d of %d requests at %g× load were answered only after their deadline (the client had timed out); want at most %.0f%%: reject work you cannot do while the client still waits",
		all.timeouts, all.offered, load, 100*maxTimeouts)
}

func testUnderload(t *suite.T) {
	f := run(t, scenarios["Underload"]())
	all := f.tally(all)
	check(t, "underload success", f.within("success rate", all.successRate(), underloadSuccess, false),
		"only %d of %d requests (%.1f%%) finished by their deadline at 0.5× load; want ≥ %.0f%%: below capacity a server should serve nearly everything (%d rejected, %d late)",
		all.good, all.offered, 100*all.successRate(), 100*underloadSuccess, all.rejected+all.timeouts, all.late)
	checkTimeouts(t, f, all, 0.5)
}

func testFastRejection(t *suite.T) {
	f := run(t, scenarios["FastRejection"]())
	all := f.tally(all)
	checkTimeouts(t, f, all, 2)
	p := 0.0
	if len(all.rejectTimes) > 0 {
		p = quantile(all.rejectTimes, 0.99)
	}
	check(t, "fast rejection", f.within("p99 time to reject (ms)", p, rejectP99, true),
		"p99 time to reject was %.0f ms at 2× load; want ≤ %.0f ms: tell a client you are overloaded at once instead of letting its request wait to be dropped", p, rejectP99)
}

func testLittlesLaw(t *suite.T) {
	f := run(t, scenarios["LittlesLaw"]())
	want := f.lambda * f.w
	check(t, "little's law", f.within("|L − λW| − tolerance", math.Abs(f.reportedL-want)-littleTolerance*want, littleSlack, true),
		"QueueLen averaged %.2f over the run, but Little's law gives L = λW = %.1f/s × %.1f ms = %.2f (the lab's count averaged %.2f); want within %.0f%% + %.1f: count every request that waits, and stop counting it when it is started or rejected",
		f.reportedL, f.lambda, 1000*f.w, want, f.trueL, 100*littleTolerance, littleSlack)
}

// testNoWastedWork is the scenario of the "wasted work" check, which run
// makes in every test: 2× load, best-effort work alone.
func testNoWastedWork(t *suite.T) {
	run(t, scenarios["NoWastedWork"]())
}

func testRecovery(t *suite.T) {
	sc := scenarios["Recovery"]()
	f := run(t, sc)
	after := f.tally(arrivedIn(burstEnd+recoveryAfter, sc.end()))
	check(t, "recovery", f.within("success rate after the burst", after.successRate(), recoverySuccess, false),
		"of the %d requests that arrived from %v after a 5× burst ended, only %.1f%% finished in time (p99 latency %.0f ms); want ≥ %.0f%%: when the overload ends, drop the stale backlog instead of serving it first",
		after.offered, recoveryAfter, 100*after.successRate(), after.p99(), 100*recoverySuccess)
	stale := 0
	for _, j := range f.jobs {
		if j.Arrived < burstEnd && j.state == finished && j.answered >= burstEnd+recoveryAfter {
			stale++
		}
	}
	check(t, "recovery", stale == 0,
		"%d requests from the burst were started %v or more after it ended; want none: the longest deadline is %v, so that backlog was stale", stale, recoveryAfter, maxBudget)
}

func goodputTest(name string, load, bound float64) func(*suite.T) {
	return func(t *suite.T) {
		f := run(t, scenarios[name]())
		g := f.goodput(warmUp, runFor)
		t.Guide(series.Guide{Metric: "goodput", Label: fmt.Sprintf("bound ≥ %.0f%% of capacity", 100*bound), Points: []series.Point{{T: warmUp, V: bound * f.capacity}, {T: runFor, V: bound * f.capacity}}})
		check(t, "goodput", f.within("goodput (share of capacity)", g/f.capacity, bound, false),
			"goodput %.0f/s at %g× load; want ≥ %.0f%% of capacity, %.0f/s: keep every worker busy with work that will finish in time: shed what cannot, but queue what can",
			g, load, 100*bound, bound*f.capacity)
		if load > 1 {
			all := f.tally(all)
			t.Guide(series.Guide{Metric: "latency p99", Label: fmt.Sprintf("bound ≤ %.0f ms", latencyP99), V: latencyP99})
			check(t, "latency", f.within("p99 latency (ms)", all.p99(), latencyP99, true),
				"p99 latency of admitted requests %.0f ms at %g× load; want ≤ %.0f ms: under overload, work that is admitted should not wait long",
				all.p99(), load, latencyP99)
			checkTimeouts(t, f, all, load)
		}
	}
}

func testClosedLoop(t *suite.T) {
	f := run(t, scenarios["ClosedLoop"]())
	g := f.goodput(warmUp, runFor)
	t.Guide(series.Guide{Metric: "goodput", Label: fmt.Sprintf("bound ≥ %.0f%% of capacity", 100*goodputOverload), Points: []series.Point{{T: warmUp, V: goodputOverload * f.capacity}, {T: runFor, V: goodputOverload * f.capacity}}})
	check(t, "goodput", f.within("goodput (share of capacity)", g/f.capacity, goodputOverload, false),
		"goodput %.0f/s with 120 closed-loop clients (each thinks 200 ms on average); want ≥ %.0f%% of capacity, %.0f/s: a client that is rejected at once comes back sooner than one left to time out",
		g, 100*goodputOverload, goodputOverload*f.capacity)
}

func testCriticalFirst(t *suite.T) {
	f := run(t, scenarios["CriticalFirst"]())
	crit := f.tally(ofPriority(queue.Critical))
	check(t, "critical success", f.within("critical success rate", crit.successRate(), criticalSuccess, false),
		"%d of %d critical requests (%.1f%%) finished in time at 3× load, 10%% of it critical; want ≥ %.0f%%: serve critical work first and shed best-effort work instead (%d critical rejected, %d late)",
		crit.good, crit.offered, 100*crit.successRate(), 100*criticalSuccess, crit.rejected+crit.timeouts, crit.late)
	g := f.goodput(warmUp, runFor)
	check(t, "goodput", f.within("goodput (share of capacity)", g/f.capacity, goodputOverload, false),
		"goodput %.0f/s at 3× load; want ≥ %.0f%% of capacity, %.0f/s", g, 100*goodputOverload, goodputOverload*f.capacity)
}

// testCriticalOverload overloads the server with critical work alone
// (3× capacity, besides 0.5× of best-effort): critical work must get
// through first, but not all of it can, so the server sheds critical work
// too, and the bounds that hold at every load still hold.
func testCriticalOverload(t *suite.T) {
	f := run(t, scenarios["CriticalOverload"]())
	all := f.tally(all)
	g := f.goodput(warmUp, runFor)
	check(t, "goodput", f.within("goodput (share of capacity)", g/f.capacity, goodputOverload, false),
		"goodput %.0f/s with critical work alone at 3× capacity; want ≥ %.0f%% of capacity, %.0f/s: shed the critical work that cannot be served in time, and keep every worker busy with the rest",
		g, 100*goodputOverload, goodputOverload*f.capacity)
	checkTimeouts(t, f, all, 3.5)
}

// criticalLast is the invariant, checked in every test, that critical
// work is shed last: no critical request is rejected Overloaded while a
// best-effort request waits.
const criticalLast = "critical shed last"

func testFloodingClient(t *suite.T) {
	sc := scenarios["FloodingClient"]()
	f := run(t, sc)
	flood := sc.clients + 1
	others := f.tally(func(j *job) bool { return j.Client != flood })
	check(t, "fairness", f.within("the nine's success rate", others.successRate(), floodedSuccess, false),
		"the nine well-behaved clients got only %d of their %d requests (%.1f%%) served in time while client %d flooded the server with 3× capacity; want ≥ %.0f%%: share the workers between clients, and shed the flood's excess",
		others.good, others.offered, 100*others.successRate(), flood, 100*floodedSuccess)
	for c := 1; c <= sc.clients; c++ {
		tc := f.tally(ofClient(c))
		check(t, "fairness", f.within("each one's success rate", tc.successRate(), floodedEach, false),
			"client %d got only %d of its %d requests (%.1f%%) served in time while client %d flooded the server with 3× capacity; want ≥ %.0f%% for each of the nine others: share the workers between clients, and shed the flood's excess",
			c, tc.good, tc.offered, 100*tc.successRate(), flood, 100*floodedEach)
	}
	fl := f.tally(ofClient(flood))
	share := float64(fl.good) / float64(max(1, fl.good+others.good))
	check(t, "flood share", f.within("the flood's share of goodput", share, floodShare, true),
		"client %d, which sent 3× capacity on its own, got %.0f%% of the goodput (%d of %d requests served in time); want ≤ %.0f%%: the nine others ask for half of capacity, so its fair share is the other half",
		flood, 100*share, fl.good, fl.good+others.good, 100*floodShare)
	g := f.goodput(warmUp, runFor)
	check(t, "goodput", f.within("goodput (share of capacity)", g/f.capacity, goodputOverload, false),
		"goodput %.0f/s under the flood; want ≥ %.0f%% of capacity, %.0f/s", g, 100*goodputOverload, goodputOverload*f.capacity)
}
