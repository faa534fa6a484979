package queuelab

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/queue"
)

// serverID is the server's node: the only node of a run. Clients are the
// lab's, not nodes: they live in the harness.
const serverID node.ID = 1

// sampleEvery is how often the lab asks the server for its QueueLen.
const sampleEvery = 5 * suite.Ms

// drainFor is how long a run may go on after the last arrival for every
// request to be answered and finished.
const drainFor = 30 * suite.Sec

type jobState uint8

const (
	waiting jobState = iota + 1
	running
	finished
	rejected
)

// job is one request and what became of it.
type job struct {
	queue.Request
	service  time.Duration // drawn by the lab when the request is made
	state    jobState
	answered time.Duration // when it was started or rejected
	done     time.Duration // when its work finished
	reason   queue.Reason
	closed   bool // sent by a closed-loop client
	resolved bool // its closed-loop client has moved on
}

// good reports whether the job's work finished by its deadline.
func (j *job) good() bool { return j.state == finished && j.done <= j.Deadline }

// harness runs a scenario against a server and keeps the books.
type harness struct {
	s      *sim.Sim
	sc     scenario
	server queue.Server
	jobs   []*job // by ID-1
	free   int
	open   int // jobs not yet finished or rejected

	wait      int           // jobs waiting now, by the lab's count
	waitArea  float64       // ∫ wait dt, in request-seconds
	waitSince time.Duration // when wait last changed
	maxWait   int

	samples    int // QueueLen samples taken
	sampledSum int // their sum
	sampledMax int

	protocol suite.FirstViolation
	// priority is the first critical request rejected Overloaded while
	// best-effort work waited: critical work is shed last.
	priority  suite.FirstViolation
	waitingBE int // best-effort jobs waiting now
	rec       *recorder
	closedRNG *rand.Rand
}

// pool is the server's Workers.
type pool struct{ h *harness }

var _ queue.Workers = pool{}

// build makes the simulator: T.NewSim in a test, sim.New outside one.
type build func(sim.Config) (*sim.Sim, error)

// newHarness builds the run: the simulator with the server on n1, and the
// scenario's open-loop arrivals and closed-loop clients scheduled.
func newHarness(mk build, sc scenario, f queue.Factory) (*harness, error) {
	h := &harness{sc: sc, free: sc.cfg.Workers, rec: newRecorder(50 * suite.Ms)}
	factory := func(id node.ID) node.Node {
		h.server = f(sc.cfg, pool{h})
		return h.server
	}
	s, err := mk(sim.Config{Nodes: 1, Factory: factory})
	if err != nil {
		return nil, err
	}
	h.s = s
	h.closedRNG = s.Rand("closed-loop")
	h.scheduleOpen(s.Rand("arrivals"))
	for c := 1; c <= sc.closed; c++ {
		s.At(h.thinkTime(), func() { h.closedSend(c) })
	}
	s.At(0, h.sample)
	return h, nil
}

// fail records the first protocol violation. It names the node of the
// event that broke the protocol (the server, in its timers and in the
// lab's calls into it), as an invariant names it for an error that names
// no node.
func (h *harness) fail(format string, args ...any) {
	var nodes []node.ID
	if id := h.s.Current().Node; id != 0 {
		nodes = []node.ID{id}
	}
	h.protocol.Record(nodes, format, args...)
}

// drawService draws a service time: exponential, cut at sc.cut means.
func (h *harness) drawService(r *rand.Rand) time.Duration {
	d := time.Duration(r.ExpFloat64() * float64(serviceExp))
	if h.sc.cut > 0 {
		d = min(d, time.Duration(h.sc.cut*float64(serviceExp)))
	}
	return max(d, time.Microsecond)
}

func (h *harness) drawBudget(r *rand.Rand) time.Duration {
	lo, hi := h.sc.budget[0], h.sc.budget[1]
	return lo + time.Duration(r.Float64()*float64(hi-lo))
}

// arrival is an open-loop request to make at a time.
type arrival struct {
	at       time.Duration
	client   int
	priority queue.Priority
	budget   time.Duration
	service  time.Duration
}

// scheduleOpen draws every open-loop arrival from r up front (the clients
// do not wait for answers) and schedules them one after another.
func (h *harness) scheduleOpen(r *rand.Rand) {
	capacity := h.sc.cfg.Capacity()
	var arrivals []arrival
	var from time.Duration
	for _, p := range h.sc.phases {
		rate := p.Load * capacity
		for t := from; rate > 0; {
			t += time.Duration(r.ExpFloat64() / rate * float64(suite.Sec))
			if t >= p.Until {
				break
			}
			a := arrival{at: t, client: 1 + r.IntN(h.sc.clients), priority: queue.BestEffort}
			if r.Float64() < h.sc.crit {
				a.priority = queue.Critical
			}
			a.budget, a.service = h.drawBudget(r), h.drawService(r)
			arrivals = append(arrivals, a)
		}
		from = p.Until
	}
	if h.sc.flood > 0 {
		rate := h.sc.flood * capacity
		var flood []arrival
		for t := time.Duration(0); ; {
			t += time.Duration(r.ExpFloat64() / rate * float64(suite.Sec))
			if t >= from {
				break
			}
			flood = append(flood, arrival{at: t, client: h.sc.clients + 1, priority: queue.BestEffort,
				budget: h.drawBudget(r), service: h.drawService(r)})
		}
		arrivals = mergeArrivals(arrivals, flood)
	}
	var next func(i int)
	next = func(i int) {
		a := arrivals[i]
		h.arrive(a.client, a.priority, a.budget, a.service, false)
		if i+1 < len(arrivals) {
			h.s.At(arrivals[i+1].at, func() { next(i + 1) })
		}
	}
	if len(arrivals) > 0 {
		h.s.At(arrivals[0].at, func() { next(0) })
	}
}

// mergeArrivals merges two time-ordered lists, a first on ties.
func mergeArrivals(a, b []arrival) []arrival {
	out := make([]arrival, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].at < a[0].at {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

func (h *harness) thinkTime() time.Duration {
	return time.Duration(h.closedRNG.ExpFloat64() * float64(h.sc.think))
}

// closedSend makes closed-loop client c's next request.
func (h *harness) closedSend(c int) {
	if h.s.Now() >= h.sc.closedUntil {
		return
	}
	j := h.arrive(c, queue.BestEffort, h.drawBudget(h.closedRNG), h.drawService(h.closedRNG), true)
	if j != nil {
		h.s.At(j.Deadline, func() { h.resolve(j) }) // the client gives up at its deadline
	}
}

// resolve moves a closed-loop job's client on to its next request, once:
// when it gets its answer in time, or at its deadline.
func (h *harness) resolve(j *job) {
	if !j.closed || j.resolved {
		return
	}
	j.resolved = true
	h.s.At(h.s.Now()+h.thinkTime(), func() { h.closedSend(j.Client) })
}

// arrive makes a request and hands it to the server.
func (h *harness) arrive(client int, p queue.Priority, budget, service time.Duration, closed bool) *job {
	now := h.s.Now()
	j := &job{Request: queue.Request{ID: len(h.jobs) + 1, Client: client, Priority: p, Arrived: now, Deadline: now + budget},
		service: service, state: waiting, closed: closed}
	h.jobs = append(h.jobs, j)
	h.open++
	h.setWait(h.wait + 1)
	if p == queue.BestEffort {
		h.waitingBE++
	}
	h.rec.arrival(now)
	req := j.Request
	err := h.s.Call(serverID, func() string {
		return fmt.Sprintf("Arrive(%d): client %d, %v, deadline %v", j.ID, client, p, j.Deadline)
	}, func(n node.Node) string {
		n.(queue.Server).Arrive(req)
		return ""
	})
	if err != nil {
		h.fail("the server could not take Arrive(%d): %v", j.ID, err)
	}
	// The queue is measured once the server has decided: a request it
	// starts or rejects at once never waited.
	h.maxWait = max(h.maxWait, h.wait)
	h.rec.queue(now, h.wait)
	return j
}

// setWait changes the lab's count of waiting jobs, integrating it over time.
func (h *harness) setWait(n int) {
	now := h.s.Now()
	h.waitArea += float64(h.wait) * (now - h.waitSince).Seconds()
	h.wait, h.waitSince = n, now
}

// take checks that id names a waiting job and returns it.
func (h *harness) take(call string, id int) *job {
	if id < 1 || id > len(h.jobs) {
		h.fail("%s: there is no request %d (%d have arrived)", call, id, len(h.jobs))
		return nil
	}
	j := h.jobs[id-1]
	switch j.state {
	case running, finished:
		h.fail("%s: request %d was already started at %v; answer each request exactly once", call, id, j.answered)
		return nil
	case rejected:
		h.fail("%s: request %d was already rejected (%v) at %v; answer each request exactly once", call, id, j.reason, j.answered)
		return nil
	}
	return j
}

func (p pool) Free() int { return p.h.free }

func (p pool) Start(id int) {
	h := p.h
	call := fmt.Sprintf("Start(%d)", id)
	if h.free == 0 {
		h.fail("%s with no free worker: all %d are busy (check Free() first, or wait for Done)", call, h.sc.cfg.Workers)
		return
	}
	j := h.take(call, id)
	if j == nil {
		return
	}
	now := h.s.Now()
	h.free--
	j.state, j.answered = running, now
	h.setWait(h.wait - 1)
	h.leftQueue(j)
	h.rec.start(now)
	h.s.Notef("request %d started after waiting %v; %d of %d workers free", id, now-j.Arrived, h.free, h.sc.cfg.Workers)
	h.s.At(now+j.service, func() { h.finish(j) })
}

func (p pool) Reject(id int, reason queue.Reason) {
	h := p.h
	call := fmt.Sprintf("Reject(%d, %v)", id, reason)
	if reason != queue.Overloaded && reason != queue.Expired {
		h.fail("%s: the reason must be queue.Overloaded or queue.Expired", call)
		return
	}
	j := h.take(call, id)
	if j == nil {
		return
	}
	now := h.s.Now()
	j.state, j.answered, j.reason = rejected, now, reason
	h.open--
	h.setWait(h.wait - 1)
	h.leftQueue(j)
	if j.Priority == queue.Critical && reason == queue.Overloaded && h.waitingBE > 0 {
		var nodes []node.ID
		if id := h.s.Current().Node; id != 0 {
			nodes = []node.ID{id}
		}
		h.priority.Record(nodes, "%s: critical request %d (client %d) was rejected as overloaded at %v while %d best-effort requests were waiting; want best-effort work shed first: reject a critical request Overloaded only when no best-effort request waits (Expired, when its deadline cannot be met, is always allowed)",
			call, id, j.Client, now, h.waitingBE)
	}
	h.rec.reject(now)
	h.s.Notef("request %d rejected (%v) after waiting %v", id, reason, now-j.Arrived)
	if now <= j.Deadline {
		h.resolve(j)
	}
}

// leftQueue updates the books when job j stops waiting.
func (h *harness) leftQueue(j *job) {
	if j.Priority == queue.BestEffort {
		h.waitingBE--
	}
}

// finish ends a job's work, frees its worker and tells the server.
func (h *harness) finish(j *job) {
	now := h.s.Now()
	j.state, j.done = finished, now
	h.free++
	h.open--
	h.rec.finish(now, j)
	if j.good() {
		h.s.Notef("request %d finished in time, %v before its deadline", j.ID, j.Deadline-now)
	} else {
		h.s.Notef("request %d finished %v after its deadline: wasted work", j.ID, now-j.Deadline)
	}
	if j.good() {
		h.resolve(j)
	}
	err := h.s.Call(serverID, func() string { return fmt.Sprintf("Done(%d)", j.ID) }, func(n node.Node) string {
		n.(queue.Server).Done(j.ID)
		return ""
	})
	if err != nil {
		h.fail("the server could not take Done(%d): %v", j.ID, err)
	}
}

// sample asks the server for its QueueLen every sampleEvery while the run
// has arrivals to come or requests open.
func (h *harness) sample() {
	var n int
	err := h.s.Call(serverID, func() string { return "QueueLen()" }, func(nd node.Node) string {
		n = nd.(queue.Server).QueueLen()
		return fmt.Sprint(n)
	})
	if err == nil {
		h.samples++
		h.sampledSum += n
		h.sampledMax = max(h.sampledMax, n)
		h.rec.reported(h.s.Now(), n)
	}
	h.rec.queue(h.s.Now(), h.wait)
	if h.s.Now() < h.sc.end() || h.open > 0 {
		h.s.At(h.s.Now()+sampleEvery, h.sample)
	}
}

// run runs the scenario to its end and until every request is answered
// and finished, or drainFor after the last arrival.
func (h *harness) run() error {
	end := h.sc.end()
	h.s.RunUntil(end)
	if err := h.protocol.Err(); err != nil {
		return err
	}
	h.s.RunUntilTrue(end+drainFor, func() bool { return h.open == 0 || h.protocol.Found() })
	if err := h.protocol.Err(); err != nil {
		return err
	}
	h.setWait(h.wait) // close the integral at the end
	if h.open > 0 {
		var first *job
		n := 0
		for _, j := range h.jobs {
			if j.state == waiting {
				n++
				if first == nil {
					first = j
				}
			}
		}
		if first != nil {
			return fmt.Errorf("%d of %d requests were never answered, %v after the last arrival; the first is request %d from client %d, arrived at %v: answer every request with Start or Reject",
				n, len(h.jobs), drainFor, first.ID, first.Client, first.Arrived)
		}
	}
	return nil
}
