package backofflab

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

const (
	// bucket is the width of the recorded time series.
	bucket = 100 * suite.Ms
	// lateSlack is how long after a call's answer one of its attempts may
	// still reach the server: the network's largest latency plus a margin.
	// Anything later was sent after the answer.
	lateSlack = 5 * suite.Ms
)

// network is every test's network: 1–3 ms each way, nothing lost unless a
// test says so.
func network(loss float64) faults.Model {
	return faults.Model{Latency: faults.Between(netMin, netMax), Loss: loss}
}

// netMin and netMax bound every message's latency, each way.
const (
	netMin = 1 * suite.Ms
	netMax = 3 * suite.Ms
)

type callKey struct {
	client node.ID
	id     int
}

// call is the lab's record of one call.
type call struct {
	start, deadline time.Duration
	answered        bool
	res             backoff.Result
	at              time.Duration   // when it was answered
	attempts        int             // attempts that reached the server
	arrivals        []time.Duration // when, for the storm guard
	executions      int
	// expired: the call was made at its deadline, to see that it is
	// answered at once without an attempt. Figures leave it out.
	expired bool
	// refused is the number, among the call's attempts that reached the
	// server, of the last one, if the server refused it at once (0 if
	// not), and refusedAt when.
	refused   int
	refusedAt time.Duration
}

// scenario is what a test sets up: clients n1..nK and the server n(K+1).
type scenario struct {
	clients int
	server  serverConfig
	net     faults.Model
}

// harness is one test run: the simulator, the lab's server, the workload,
// and the bookkeeping that checks every call and records the time series.
type harness struct {
	t        *suite.T
	s        *sim.Sim
	serverID node.ID
	clients  []node.ID

	calls      map[callKey]*call
	order      []callKey
	nextID     map[node.ID]int
	lastDue    time.Duration  // the latest deadline of any call
	retries    []retry        // every retry after an attempt the server refused at once
	figs       []suite.Figure // every graded figure, in the order checked
	onAnswer   func(client node.ID, id int)
	violations map[string]*suite.FirstViolation // of each invariant, by name
	// stormGuard stops a run as soon as attempts exceed stormFactor per
	// call made so far, or one call's attempts exceed stormFactor within
	// a second: a retry storm is caught at once instead of being simulated
	// attempt by attempt to the end (or stopped by the simulator's event
	// bound, which would not say why). The second rule catches a storm
	// that follows a long healthy period, whose calls dilute the first.
	// The lab's own tests switch it off to measure a storm.
	stormGuard bool
	// fixedLoad keeps every call of the workload out of the shrinker's
	// reach: for a test whose premise is the load itself (the calls that
	// earn the retry budget), a shrunk run without them tests nothing.
	fixedLoad bool
	// loadClients, if not 0, is how many of the clients (the first ones)
	// the open loop draws from: the others make only the calls the test
	// makes by hand, with their own retry budget.
	loadClients int

	*meter
}

func newHarness(t *suite.T, sc scenario) *harness {
	factory := suite.ImplAs[backoff.Factory](t)
	r := &harness{t: t, serverID: node.ID(sc.clients + 1),
		calls: map[callKey]*call{}, nextID: map[node.ID]int{}, meter: newMeter()}
	for i := 1; i <= sc.clients; i++ {
		r.clients = append(r.clients, node.ID(i))
	}
	srv := newServer(sc.server, r)
	maxRate := 0 // the lab's bound
	if newHarnessHook != nil && unguarded {
		maxRate = -1 // a test that watches a storm run its course
	}
	r.s = t.NewSim(sim.Config{Nodes: sc.clients + 1, Faults: sc.net, MaxRate: maxRate, Factory: func(id node.ID) node.Node {
		if id == r.serverID {
			return srv
		}
		return factory(id, r.serverID, func(cid int, res backoff.Result) { r.answer(id, cid, res) })
	}})
	r.violations, r.stormGuard = map[string]*suite.FirstViolation{}, true
	for _, name := range invariants {
		v := &suite.FirstViolation{}
		r.violations[name] = v
		t.Invariant(name, v.Err)
	}
	// The run's own curves, drawn when it fails (issue 25.5).
	t.Record(func() series.Set {
		return series.Set{Series: r.meter.Series(), Headline: []string{"goodput", "server arrivals", "queue", "p99 latency"}}
	})
	if newHarnessHook != nil {
		newHarnessHook(r)
	}
	return r
}

// newHarnessHook, if set, sees every run as it is built: how the lab's
// own tests read a run's figures. Only those tests set it, and never while
// runs go on in other goroutines; grading leaves it nil.
var newHarnessHook func(*harness)

// unguarded, set with newHarnessHook by the lab's own tests, lifts the
// simulator's storm bound too, so that a naive client's storm can be
// measured to the end.
var unguarded bool

// The invariants checked after every event of every test.
const (
	answeredOnce   = "every call answered once"
	answeredInTime = "answered by the deadline"
	honestSuccess  = "OK only when executed"
	executedOnce   = "executed at most once"
	noLateAttempts = "no attempt after the answer"
	knownCalls     = "attempts for calls made"
	// answerCause: DeadlineExceeded only when the deadline came, at the
	// deadline; Unavailable only when the client gave up before it.
	answerCause = "the answer names its cause"
	// noExpiredAttempts: a call made at its deadline has no time for an
	// attempt; sending one is work the caller can no longer use.
	noExpiredAttempts = "no attempt for an expired call"
)

// amplificationChk is the check that bounds attempts per call, and
// stormFactor the attempts per call, on average or by one call within a
// second, that stop a run at once.
const (
	amplificationChk = "work amplification"
	stormFactor      = 20
)

var invariants = []string{answeredOnce, answeredInTime, honestSuccess, answerCause, executedOnce, noLateAttempts, noExpiredAttempts, knownCalls, cappedBackoff}

// fail records a violation of the invariant check, reported after the
// event that caused it.
func (r *harness) fail(check string, nodes []node.ID, format string, args ...any) {
	r.violations[check].Record(nodes, format, args...)
}

// issue makes client call the next of its calls with the given time to its
// deadline.
func (r *harness) issue(client node.ID, timeout time.Duration) {
	if !r.fixedLoad && !r.t.Keep("call") {
		return
	}
	r.issueNow(client, timeout)
}

// issueNow makes a call that the shrinker may not remove: one the test
// checks by name.
func (r *harness) issueNow(client node.ID, timeout time.Duration) {
	r.call(client, timeout, false)
}

// expiredCalls makes n calls at random times in [from, until), each to a
// client drawn at random and due at the instant it is made: a caller
// whose own deadline ran out upstream. Each must be answered
// DeadlineExceeded at once, without an attempt.
func (r *harness) expiredCalls(n int, from, until time.Duration) {
	rng := r.s.Rand("expired calls")
	for range n {
		at := from + time.Duration(rng.Int64N(int64(until-from)))
		client := r.clients[rng.IntN(len(r.clients))]
		r.s.At(at, func() {
			if r.t.Keep("expired call") {
				r.call(client, 0, true)
			}
		})
	}
}

// call makes client's next call, due timeout from now; an expired call
// (timeout 0) is left out of the offered load and of the figures.
func (r *harness) call(client node.ID, timeout time.Duration, expired bool) {
	r.nextID[client]++
	id := r.nextID[client]
	now := r.s.Now()
	deadline := now + timeout
	err := r.s.Call(client, func() string { return fmt.Sprintf("Call(%d, %v)", id, deadline) }, func(n node.Node) string {
		k := callKey{client, id}
		r.calls[k] = &call{start: now, deadline: deadline, expired: expired}
		r.order = append(r.order, k)
		if !expired {
			r.offer(now)
		}
		r.lastDue = max(r.lastDue, deadline)
		n.(backoff.Client).Call(id, deadline)
		return ""
	})
	if err != nil {
		r.t.Fatalf("cannot call into %v: %v", client, err)
	}
}

// answer is every client's Done.
func (r *harness) answer(client node.ID, id int, res backoff.Result) {
	now := r.s.Now()
	c := r.calls[callKey{client, id}]
	switch {
	case c == nil:
		r.fail(answeredOnce, []node.ID{client}, "%v answered call %d, which it was never given", client, id)
		return
	case c.answered:
		r.fail(answeredOnce, []node.ID{client}, "%v answered call %d twice: %v at %v, then %v (answer each call exactly once)", client, id, c.res, c.at, res)
		return
	case res < backoff.OK || res > backoff.Unavailable:
		r.fail(answeredOnce, []node.ID{client}, "%v answered call %d with %d, which is not a backoff.Result", client, id, int(res))
	case now > c.deadline:
		r.fail(answeredInTime, []node.ID{client}, "%v answered call %d (%v) at %v, after its deadline %v: give up at the deadline", client, id, res, now, c.deadline)
	case res == backoff.OK && c.executions == 0:
		r.fail(honestSuccess, []node.ID{client, r.serverID}, "%v answered call %d OK at %v, but the server never executed it", client, id, now)
	case res == backoff.DeadlineExceeded && now < c.deadline:
		r.fail(answerCause, []node.ID{client}, "%v answered call %d DeadlineExceeded at %v, %v before its deadline %v: DeadlineExceeded means the deadline came; a call you give up on before it (budget spent, throttled, the next retry would come too late) is Unavailable",
			client, id, now, c.deadline-now, c.deadline)
	case res == backoff.Unavailable && now == c.deadline:
		r.fail(answerCause, []node.ID{client}, "%v answered call %d Unavailable at its deadline %v: the deadline came first, so the answer is DeadlineExceeded (Unavailable is for failing fast, before the deadline); when a timer fires at the deadline, check the deadline first",
			client, id, now)
	}
	c.answered, c.res, c.at = true, res, now
	if !c.expired {
		r.meter.answer(now, now-c.start, res == backoff.OK)
	}
	if r.onAnswer != nil {
		r.onAnswer(client, id)
	}
}

func (r *harness) arrived(from node.ID, req backoff.Request, now time.Duration) {
	r.arrive(now)
	if n := len(r.arrivalTimes); r.stormGuard && n > stormFactor*len(r.order)+100 {
		r.t.Fail(suite.Failure{Check: amplificationChk, Nodes: []node.ID{r.serverID},
			Msg: fmt.Sprintf("retry storm: %d attempts reached the server for the %d calls made so far, more than %d a call: back off between attempts, and retry only within a budget",
				n, len(r.order), stormFactor)})
	}
	c := r.calls[callKey{from, req.ID}]
	if c == nil {
		r.fail(knownCalls, []node.ID{from, r.serverID}, "an attempt from %v for call %d reached the server, but %v was never given call %d", from, req.ID, from, req.ID)
		return
	}
	if c.expired {
		r.fail(noExpiredAttempts, []node.ID{from, r.serverID}, "attempt %d of %v's call %d reached the server at %v, but the call was made at its deadline (%v): answer a call whose deadline has come DeadlineExceeded at once, without an attempt the caller can no longer use",
			req.Attempt, from, req.ID, now, c.deadline)
	}
	c.attempts++
	c.arrivals = append(c.arrivals, now)
	if n := len(c.arrivals); r.stormGuard && n > stormFactor && now-c.arrivals[n-stormFactor-1] < suite.Sec {
		r.t.Fail(suite.Failure{Check: amplificationChk, Nodes: []node.ID{from, r.serverID},
			Msg: fmt.Sprintf("retry storm: %d attempts of %v's call %d reached the server between %v and %v, more than %d within a second: back off between attempts, and retry only within a budget",
				stormFactor+1, from, req.ID, c.arrivals[n-stormFactor-1], now, stormFactor)})
	}
	r.retried(from, req, c, now)
	if c.answered && now > c.at+lateSlack {
		r.fail(noLateAttempts, []node.ID{from, r.serverID}, "attempt %d of %v's call %d reached the server at %v, but the call was answered %v at %v: stop sending attempts once a call is answered",
			req.Attempt, from, req.ID, now, c.res, c.at)
	}
}

func (r *harness) executed(from node.ID, req backoff.Request, now time.Duration) {
	c := r.calls[callKey{from, req.ID}]
	if c == nil {
		r.execute(now, true)
		return // reported by arrived
	}
	c.executions++
	if c.executions > 1 {
		r.fail(executedOnce, []node.ID{from, r.serverID}, "%v's call %d was executed %d times (this time for attempt %d with key %q): give every attempt of a call the same idempotency key",
			from, req.ID, c.executions, req.Attempt, req.Key)
	}
	r.execute(now, (c.answered && c.res != backoff.OK) || now > c.deadline)
}

// openLoop issues calls at random (Poisson) times at rate a second from
// from until until, each to a client drawn at random, each with timeout to
// its deadline. Arrivals do not wait for answers: an open system.
func (r *harness) openLoop(rate float64, from, until, timeout time.Duration) {
	rng := r.s.Rand("open-loop")
	var next func()
	next = func() {
		load := r.clients
		if r.loadClients > 0 {
			load = load[:r.loadClients]
		}
		r.issue(load[rng.IntN(len(load))], timeout)
		at := r.s.Now() + time.Duration(rng.ExpFloat64()/rate*float64(suite.Sec))
		if at < until {
			r.s.At(at, next)
		}
	}
	first := from + time.Duration(rng.ExpFloat64()/rate*float64(suite.Sec))
	if first < until {
		r.s.At(first, next)
	}
}

// closedLoop gives every client one call at a time: the next call comes a
// random think time (exponential, mean think) after the previous answer,
// until until. A closed system slows down when the server does.
func (r *harness) closedLoop(think, until, timeout time.Duration) {
	rng := r.s.Rand("closed-loop")
	pause := func() time.Duration { return time.Duration(rng.ExpFloat64() * float64(think)) }
	r.onAnswer = func(client node.ID, _ int) {
		r.s.After(pause(), func() {
			if r.s.Now() < until {
				r.issue(client, timeout)
			}
		})
	}
	for _, c := range r.clients {
		r.s.At(pause(), func() { r.issue(c, timeout) })
	}
}

// burst issues n calls at time at, spread over the clients in turn.
func (r *harness) burst(n int, at, timeout time.Duration) {
	r.s.At(at, func() {
		for i := range n {
			r.issue(r.clients[i%len(r.clients)], timeout)
		}
	})
}

// finish runs until every deadline has passed and checks that every call
// was answered.
func (r *harness) finish(workloadEnd time.Duration) {
	r.s.RunUntil(workloadEnd)
	r.s.RunUntil(r.lastDue + 10*suite.Ms)
	for _, k := range r.order {
		if c := r.calls[k]; !c.answered {
			r.t.Fail(suite.Failure{Check: answeredOnce, Nodes: []node.ID{k.client},
				Msg: fmt.Sprintf("%v never answered call %d (made at %v, deadline %v; %d attempts reached the server): answer every call by its deadline",
					k.client, k.id, c.start, c.deadline, c.attempts)})
		}
	}
	r.t.Check(answeredOnce, nil)
	r.checkFailFast()
	r.checkBackoff()
}

// figures are what a run is graded on, for the calls made in [from, to).
type figures struct {
	calls, ok, failed int
	attempts          int     // attempts of these calls that reached the server
	amplification     float64 // attempts per call
	p50, p99          time.Duration
}

func (r *harness) figures(from, to time.Duration) figures {
	var f figures
	var lat []float64
	for _, k := range r.order {
		c := r.calls[k]
		if c.start < from || c.start >= to || c.expired {
			continue
		}
		f.calls++
		f.attempts += c.attempts
		if c.res == backoff.OK {
			f.ok++
			lat = append(lat, float64(c.at-c.start))
		} else {
			f.failed++
		}
	}
	if f.calls > 0 {
		f.amplification = float64(f.attempts) / float64(f.calls)
	}
	sort.Float64s(lat)
	if len(lat) > 0 {
		f.p50 = time.Duration(series.Quantile(lat, 0.5))
		f.p99 = time.Duration(series.Quantile(lat, 0.99))
	}
	return f
}

// perSec is n events over d as a rate a second.
func perSec(n float64, d time.Duration) float64 { return n / d.Seconds() }

// round prints a figure for a message: whole numbers from 10 up, two
// significant digits below.
func round(x float64) string {
	if math.Abs(x) >= 10 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2g", x)
}

// within records a graded figure and reports whether it meets its bound.
func (r *harness) within(name string, value, bound float64, upper bool) bool {
	f := suite.Figure{Name: name, Value: value, Bound: bound, Upper: upper}
	r.figs = append(r.figs, f)
	return f.Within()
}
