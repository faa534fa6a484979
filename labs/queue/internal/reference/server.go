// Package reference is the reference server of the queue lab, written as a
// student's package would be (it passes `faultline vet queue`), and
// parameterized by Bugs so that each mutant is the reference with one
// realistic mistake switched on. NewServer is the reference: the zero Bugs.
//
// The policy is Facebook's adaptive LIFO with a CoDel-style queue-time
// limit (Maurer, "Fail at Scale", ACM Queue 13(8), 2015, after Nichols and
// Jacobson, "Controlling Queue Delay", ACM Queue 10(5), 2012), with two
// additions the lab asks for: priority classes and per-client round robin.
//
// Fairness follows FQ-CoDel (Hoeiland-Joergensen et al., RFC 8290): each
// client is a flow with its own queue and its own CoDel state; a client
// whose queue was empty goes on a list of new flows served before the old
// ones, so a light client's request waits behind at most one request of
// each flood, and only a client whose own queue stands is held to the
// short target. Critical work is never held to the target: it is shed
// only when its deadline cannot be met, or when the queue is full of it.
//
// Why this and not a fixed queue bound alone, or an adaptive concurrency
// limit: the lab owns the workers, so concurrency is fixed and what the
// server controls is how long work may wait. A fixed bound on the queue's
// length is a bound on its delay only while service times stay as they
// are; CoDel bounds the delay itself. It tells a burst (the queue empties
// again within an interval: let it wait up to an interval, it is the good
// queue that absorbs the burst) from a standing queue (it has not emptied
// for an interval: let work wait only a short target, shed the rest).
// Under a standing queue the server switches to LIFO: the newest request
// has the most of its deadline left and its client is still waiting,
// while the oldest is the one most likely to be abandoned, so serving
// newest first keeps goodput near capacity where FIFO would serve only
// requests that are about to expire.
package reference

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/queue"
)

// Bugs switches on one mistake each.
type Bugs struct {
	Unbounded        bool // no length limit and no queue-time limit: work waits until its deadline cannot be met
	NoDeadlines      bool // never looks at deadlines: expired work is started, and always FIFO
	NoQueue          bool // rejects every request that finds all workers busy
	PriorityInverted bool // serves and keeps best-effort work before critical work
	NoFairness       bool // one queue per class, shared by every client
	LyingQueueLen    bool // counts a request out of the queue only when it starts, not when it is rejected
	Naive            bool // an unbounded FIFO that never looks at deadlines: the server without a policy

	// Not mistakes: the other designs the lab accepts, which the suite
	// must pass too.
	FIFOOnly bool // CoDel's queue-time limit alone, always FIFO
	LIFOOnly bool // always LIFO, no queue-time limit: only the length limit and deadlines
}

// NewServer builds the reference server.
func NewServer(cfg queue.Config, w queue.Workers) queue.Server { return New(Bugs{})(cfg, w) }

// New returns a server factory with bugs.
func New(bugs Bugs) queue.Factory {
	return func(cfg queue.Config, w queue.Workers) queue.Server {
		s := &server{bugs: bugs, cfg: cfg, w: w}
		for i := range s.classes {
			s.classes[i].flows = map[int]*flow{}
		}
		// CoDel's interval and target are 100 ms and 5 ms for packets
		// whose service is microseconds; what matters is their ratio to
		// the work. Here: an interval of five mean services (a burst that
		// clears within it is absorbed) and a target of one.
		s.interval = 5 * cfg.MeanService
		s.target = cfg.MeanService
		// No more waiting work than the workers finish in an interval:
		// more could not start within the queue-time limit anyway.
		s.limit = max(1, int(float64(cfg.Workers)*float64(s.interval)/float64(cfg.MeanService)))
		if bugs.NoQueue {
			s.limit = 0
		}
		if bugs.LIFOOnly {
			// Without a queue-time limit, the length limit is what bounds
			// how long the oldest request waits before it is evicted: half
			// an interval's work.
			s.limit /= 2
		}
		return s
	}
}

// Class indexes: critical work is served first and shed last.
const (
	critical   = 0
	bestEffort = 1
)

type server struct {
	bugs Bugs
	cfg  queue.Config
	w    queue.Workers
	env  node.Env

	classes [2]class
	n       int // requests waiting, in every class
	limit   int // most requests that may wait

	interval, target time.Duration
	sweep            node.TimerID // the pending sweep, or 0

	reported int // LyingQueueLen's count
}

// class is one priority's waiting work: a flow per client, and the flows
// with waiting work in the order they will be served (RFC 8290 §4.2: new
// flows first, then old flows round robin).
type class struct {
	flows              map[int]*flow
	newFlows, oldFlows []int
}

// flow is one client's waiting work in one class.
type flow struct {
	reqs      []queue.Request
	lastEmpty time.Duration // when this queue was last empty
	listed    bool          // on newFlows or oldFlows, perhaps empty
}

type sweepTimer struct{}

func (s *server) Start(env node.Env) { s.env = env }

func (s *server) HandleMessage(node.ID, node.Message) {}

func (s *server) HandleTimer(t any) {
	if _, ok := t.(sweepTimer); !ok {
		return
	}
	s.sweep = 0
	s.dropStale()
	s.settle()
}

func (s *server) QueueLen() int {
	if s.bugs.LyingQueueLen {
		return s.reported
	}
	return s.n
}

func (s *server) checksDeadlines() bool { return !s.bugs.NoDeadlines && !s.bugs.Naive }

func (s *server) Arrive(r queue.Request) {
	now := s.env.Now()
	if s.checksDeadlines() && !s.feasible(r, now) {
		s.w.Reject(r.ID, queue.Expired)
		s.settle()
		return
	}
	s.push(r, now)
	s.dispatch()
	if s.n > s.limit && !s.bugs.Unbounded && !s.bugs.Naive {
		s.evict(now)
	}
	s.settle()
}

func (s *server) Done(int) {
	s.dispatch()
	s.settle()
}

// feasible reports whether r, started now, will finish by its deadline,
// near enough. Waiting for certainty (Config.MaxService left, four mean
// service times here) would shed requests with short deadlines that would
// have made it; with exponential service, work started with 3.5 mean
// service times left is late e⁻³·⁵ ≈ 3% of the time, and only work started
// that late risks it, so little is wasted. Critical work gets the benefit
// of the doubt down to two mean service times (late at most e⁻² ≈ 14% of
// the time).
func (s *server) feasible(r queue.Request, now time.Duration) bool {
	need := 7 * s.cfg.MeanService / 2
	if r.Priority == queue.Critical {
		need = 2 * s.cfg.MeanService
	}
	return now+min(need, s.cfg.MaxService) <= r.Deadline
}

// standing reports whether f's queue has not been empty for a whole
// interval ("Fail at Scale": "if the queue has not been empty for the last
// N ms, then time spent in the queue is limited to M ms").
func (s *server) standing(f *flow, now time.Duration) bool {
	return len(f.reqs) > 0 && now-f.lastEmpty > s.interval
}

// tooOld reports whether r, waiting in class ci's flow f, has waited past
// its limit: the target if f stands, an interval otherwise. Critical work
// has no limit but its deadline.
func (s *server) tooOld(ci int, f *flow, r queue.Request, now time.Duration) bool {
	if s.bugs.Unbounded || s.bugs.LIFOOnly || ci == critical {
		return false
	}
	limit := s.interval
	if s.standing(f, now) {
		limit = s.target
	}
	return now-r.Arrived > limit
}

// dispatch starts waiting work on free workers, dropping what waited too
// long or can no longer finish in time.
func (s *server) dispatch() {
	for s.w.Free() > 0 && s.n > 0 {
		now := s.env.Now()
		ci, f, r := s.pop(now)
		switch {
		case !s.checksDeadlines():
			s.w.Start(r.ID)
		case !s.feasible(r, now):
			s.w.Reject(r.ID, queue.Expired)
		case s.tooOld(ci, f, r, now):
			s.w.Reject(r.ID, queue.Overloaded)
		default:
			s.w.Start(r.ID)
		}
	}
}

// dropStale rejects every waiting request that waited past its limit or
// can no longer finish in time, so that its client learns now rather than
// at its deadline.
func (s *server) dropStale() {
	if !s.checksDeadlines() {
		return
	}
	now := s.env.Now()
	for ci := range s.classes {
		c := &s.classes[ci]
		for _, k := range c.newFlows {
			s.dropFrom(ci, c.flows[k], now)
		}
		for _, k := range c.oldFlows {
			s.dropFrom(ci, c.flows[k], now)
		}
	}
}

func (s *server) dropFrom(ci int, f *flow, now time.Duration) {
	kept := f.reqs[:0]
	for _, r := range f.reqs {
		switch {
		case !s.feasible(r, now):
			s.rejectWaiting(r, queue.Expired)
		case s.tooOld(ci, f, r, now):
			s.rejectWaiting(r, queue.Overloaded)
		default:
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 && len(f.reqs) > 0 {
		f.lastEmpty = now
	}
	f.reqs = kept
}

// settle keeps a sweep pending while work waits.
func (s *server) settle() {
	if s.n == 0 {
		if s.sweep != 0 {
			s.env.CancelTimer(s.sweep)
			s.sweep = 0
		}
		return
	}
	if s.sweep == 0 && s.checksDeadlines() {
		// Sweep a few times per target, so that a request is dropped well
		// before its deadline and its client hears of it at once.
		s.sweep = s.env.SetTimer(s.target/4, sweepTimer{})
	}
}

func (s *server) classOf(r queue.Request) int {
	switch {
	case s.bugs.Naive:
		return 0 // one queue for everything
	case s.bugs.PriorityInverted == (r.Priority == queue.Critical):
		return bestEffort
	}
	return critical
}

func (s *server) clientOf(r queue.Request) int {
	if s.bugs.NoFairness || s.bugs.Naive {
		return 0
	}
	return r.Client
}

func (s *server) push(r queue.Request, now time.Duration) {
	c := &s.classes[s.classOf(r)]
	k := s.clientOf(r)
	f := c.flows[k]
	if f == nil {
		f = &flow{}
		c.flows[k] = f
	}
	if len(f.reqs) == 0 {
		f.lastEmpty = now
	}
	if !f.listed {
		// A flow that is not listed had nothing waiting when its last
		// turn came: it is sparse, and goes first (RFC 8290 §4.1).
		f.listed = true
		c.newFlows = append(c.newFlows, k)
	}
	f.reqs = append(f.reqs, r)
	s.n++
	s.reported++
}

// pop takes the next request to serve: the first class with waiting work,
// its first new flow or else its next old flow, and that flow's oldest
// request, or its newest if the flow's queue stands (adaptive LIFO). As in
// RFC 8290 §4.2, a flow whose turn comes while it is empty moves from the
// new list to the old one, or leaves the old one: a flow that empties
// often does not go first every time.
func (s *server) pop(now time.Duration) (int, *flow, queue.Request) {
	for ci := range s.classes {
		c := &s.classes[ci]
		for len(c.newFlows) > 0 || len(c.oldFlows) > 0 {
			var k int
			fromNew := len(c.newFlows) > 0
			if fromNew {
				k, c.newFlows = c.newFlows[0], c.newFlows[1:]
			} else {
				k, c.oldFlows = c.oldFlows[0], c.oldFlows[1:]
			}
			f := c.flows[k]
			if len(f.reqs) == 0 {
				if fromNew {
					c.oldFlows = append(c.oldFlows, k)
				} else {
					f.listed = false
				}
				continue
			}
			var r queue.Request
			lifo := s.standing(f, now) && s.checksDeadlines() && !s.bugs.Unbounded && !s.bugs.FIFOOnly
			if lifo || s.bugs.LIFOOnly {
				r, f.reqs = f.reqs[len(f.reqs)-1], f.reqs[:len(f.reqs)-1]
			} else {
				r, f.reqs = f.reqs[0], f.reqs[1:]
			}
			if len(f.reqs) == 0 {
				f.lastEmpty = now
			}
			c.oldFlows = append(c.oldFlows, k) // to the back: the others go first
			s.n--
			s.reported--
			return ci, f, r
		}
	}
	panic("reference: pop from an empty queue")
}

// evict makes room by rejecting one request from the longest flow of the
// least important class with waiting work: a flood overflows its own
// queue, not its neighbours'. Of that flow it drops the oldest request,
// the one least likely to finish in time.
func (s *server) evict(now time.Duration) {
	for ci := len(s.classes) - 1; ci >= 0; ci-- {
		c := &s.classes[ci]
		var longest *flow
		for _, k := range append(c.newFlows[:len(c.newFlows):len(c.newFlows)], c.oldFlows...) {
			if f := c.flows[k]; longest == nil || len(f.reqs) > len(longest.reqs) {
				longest = f
			}
		}
		if longest == nil {
			continue
		}
		if len(longest.reqs) == 0 {
			continue
		}
		r := longest.reqs[0]
		longest.reqs = longest.reqs[1:]
		if len(longest.reqs) == 0 {
			longest.lastEmpty = now
		}
		s.rejectWaiting(r, queue.Overloaded)
		return
	}
}

// rejectWaiting answers a request being removed from its queue.
func (s *server) rejectWaiting(r queue.Request, why queue.Reason) {
	s.n--
	if !s.bugs.LyingQueueLen {
		s.reported--
	}
	s.w.Reject(r.ID, why)
}
