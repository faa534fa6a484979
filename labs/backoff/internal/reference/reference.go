// Package reference is the reference client of the backoff lab: a timeout per
// attempt and a deadline per call, one idempotency key per call, capped
// exponential backoff with full jitter, a token-bucket retry budget, and
// client-side adaptive throttling. Bugs switches on one realistic mistake
// each, for the lab's mutants; the zero Bugs is the reference. NewNaive
// (naive.go) is a separate buggy client: the retry storm of part D.
package reference

import (
	"strconv"
	"time"

	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

// The reference's policy.
const (
	// AttemptTimeout bounds one attempt. It is well above the server's
	// latency when healthy (tens of milliseconds), so a healthy server
	// sees no needless retries, and well below a call's deadline, so a lost
	// message costs one timeout and not the call.
	AttemptTimeout = 250 * time.Millisecond
	// BaseBackoff and MaxBackoff bound the wait before retry n (n = 1, 2,
	// ...): uniform in [0, min(MaxBackoff, BaseBackoff·2^n)] ("full
	// jitter", Brooker, "Exponential Backoff And Jitter", AWS Architecture
	// Blog, 2015).
	BaseBackoff = 20 * time.Millisecond
	MaxBackoff  = time.Second
	// BudgetRatio and BudgetMax are the retry budget, a token bucket: each
	// call that succeeds deposits BudgetRatio tokens, each retry takes one,
	// and the bucket holds at most BudgetMax (it starts full). This is the
	// bucket of Marc Brooker, "Fixing retries with token buckets and
	// circuit breakers" (2022), and of gRPC's retry throttling (gRFC A6,
	// which adds token_ratio per successful RPC). Retries are then at most
	// about 10% of successful calls, the SRE book's figure ("Handling
	// Overload"). Depositing per success rather than per call is what makes
	// the budget a brake: a server that fails everything earns its clients
	// no tokens, so once their full buckets are spent it sees only first
	// attempts, about 1× the offered load instead of (1 + retries)×.
	BudgetRatio = 0.1
	BudgetMax   = 10.0
	// ThrottleK and ThrottleWindow are client-side adaptive throttling (SRE
	// book, "Handling Overload"): over the last ThrottleWindow the client
	// counts the attempts that ended (answered, refused or timed out) and
	// those the server accepted, and fails a new call locally with
	// probability
	// max(0, (attempts − K·accepts) / (attempts + 1)). While the server
	// accepts at least one attempt in K, nothing is throttled. Unlike the
	// book, attempts count when they end, not when they are sent, and calls
	// failed locally do not count: with a few calls a second per client,
	// attempts in flight would throttle a client that just started, and
	// counting local failures keeps the throttle shut for many windows after
	// the server has recovered.
	ThrottleK      = 2.0
	ThrottleWindow = time.Second
)

// Bugs switches on one mistake each.
type Bugs struct {
	NoJitter          bool // wait exactly min(cap, base·2^n): retries synchronize
	NoCap             bool // wait base·2^n with no cap, so a long outage stalls calls
	Overflow          bool // compute base·2^n by shifting before capping: it overflows past ~40 attempts
	NoBudget          bool // retry until the deadline, however many attempts fail
	RetryAfterSuccess bool // leave the attempt timer running after a success; it sends again
	NoIdempotencyKey  bool // a fresh key for every attempt, so a retry may run again
	IgnoreDeadline    bool // keep retrying past the deadline and answer late
	HotOverloadRetry  bool // retry at once on StatusOverloaded, backing off only after timeouts
	NoThrottle        bool // no adaptive throttling
}

// NewClient is the reference client.
func NewClient(id, server node.ID, done backoff.Done) backoff.Client {
	return New(Bugs{})(id, server, done)
}

// New returns a client factory with bugs switched on.
func New(bugs Bugs) backoff.Factory {
	return func(id, server node.ID, done backoff.Done) backoff.Client {
		return &client{bugs: bugs, server: server, done: done, calls: map[int]*call{}, tokens: BudgetMax}
	}
}

// call is a call in progress. Exactly one of its attempt and backoff timers
// runs at a time, besides its deadline timer.
type call struct {
	id       int
	key      string
	deadline time.Duration
	attempt  int          // attempts sent so far
	timer    node.TimerID // the current attempt's timeout, or the backoff before the next
	due      node.TimerID // the deadline
	inFlight bool         // an attempt is out and not yet timed out or refused
}

// Timers.
type (
	attemptTimeout struct{ ID, Attempt int }
	retryNow       struct{ ID int }
	deadlineTimer  struct{ ID int }
)

type client struct {
	bugs   Bugs
	env    node.Env
	server node.ID
	done   backoff.Done
	calls  map[int]*call
	tokens float64 // the retry budget
	window throttleWindow
}

func (c *client) Start(env node.Env) { c.env = env }

func (c *client) Call(id int, deadline time.Duration) {
	now := c.env.Now()
	// A call due already is DeadlineExceeded, whatever the throttle says:
	// the deadline came first.
	if deadline <= now && !c.bugs.IgnoreDeadline {
		c.done(id, backoff.DeadlineExceeded)
		return
	}
	if !c.bugs.NoThrottle && c.throttled(now) {
		c.done(id, backoff.Unavailable)
		return
	}
	cl := &call{id: id, key: strconv.Itoa(id), deadline: deadline}
	c.calls[id] = cl
	if !c.bugs.IgnoreDeadline {
		cl.due = c.env.SetTimer(deadline-now, deadlineTimer{ID: id})
	}
	c.send(cl)
}

// throttled draws whether to fail a new call locally: the server accepted
// too few of the recent calls, so sending more would only add to its load.
func (c *client) throttled(now time.Duration) bool {
	attempts, accepts := c.window.sums(now)
	p := (attempts - ThrottleK*accepts) / (attempts + 1)
	return p > 0 && c.env.Rand().Float64() < p
}

// send sends the call's next attempt. Every attempt carries the call's one
// key, so the server runs the call at most once however many attempts it
// gets.
func (c *client) send(cl *call) {
	cl.attempt++
	key := cl.key
	if c.bugs.NoIdempotencyKey {
		key = cl.key + "/" + strconv.Itoa(cl.attempt)
	}
	c.env.Send(c.server, backoff.Request{ID: cl.id, Key: key, Attempt: cl.attempt})
	timeout := AttemptTimeout
	if left := cl.deadline - c.env.Now(); left < timeout && !c.bugs.IgnoreDeadline {
		timeout = left
	}
	cl.inFlight = true
	cl.timer = c.env.SetTimer(timeout, attemptTimeout{ID: cl.id, Attempt: cl.attempt})
}

func (c *client) HandleTimer(t any) {
	switch t := t.(type) {
	case attemptTimeout:
		cl := c.calls[t.ID]
		if c.bugs.RetryAfterSuccess && cl == nil {
			// The bug: the call is over, but its timer was never cancelled.
			c.env.Send(c.server, backoff.Request{ID: t.ID, Key: strconv.Itoa(t.ID), Attempt: t.Attempt + 1})
			return
		}
		if cl == nil || !cl.inFlight || cl.attempt != t.Attempt {
			return
		}
		// The attempt may still succeed; its reply is accepted if it comes.
		c.window.add(c.env.Now(), 1, 0)
		c.retry(cl, false)
	case retryNow:
		if cl := c.calls[t.ID]; cl != nil && !cl.inFlight {
			c.send(cl)
		}
	case deadlineTimer:
		if cl := c.calls[t.ID]; cl != nil {
			c.finish(cl, backoff.DeadlineExceeded)
		}
	}
}

func (c *client) HandleMessage(from node.ID, m node.Message) {
	r, ok := m.(backoff.Reply)
	if !ok {
		return
	}
	cl := c.calls[r.ID]
	if cl == nil {
		return // the call is over: a late or duplicate reply
	}
	switch r.Status {
	case backoff.StatusOK:
		// Any attempt's success is the call's: they share one key.
		c.window.add(c.env.Now(), 1, 1)
		// A success earns the retry budget its deposit.
		c.tokens = min(BudgetMax, c.tokens+BudgetRatio)
		if c.bugs.IgnoreDeadline && c.env.Now() > cl.deadline {
			c.finish(cl, backoff.DeadlineExceeded)
			return
		}
		c.finish(cl, backoff.OK)
	case backoff.StatusOverloaded, backoff.StatusUnavailable:
		if !cl.inFlight || r.Attempt != cl.attempt {
			return // the refusal of an attempt already given up on
		}
		c.env.CancelTimer(cl.timer)
		c.window.add(c.env.Now(), 1, 0)
		c.retry(cl, r.Status == backoff.StatusOverloaded)
	}
}

// retry arranges the call's next attempt after a backoff, or fails the call
// fast when the budget is spent or the retry would come after the deadline.
func (c *client) retry(cl *call, overloaded bool) {
	cl.inFlight = false
	now := c.env.Now()
	if c.bugs.HotOverloadRetry && overloaded {
		c.send(cl)
		return
	}
	wait := c.backoff(cl.attempt)
	if now+wait >= cl.deadline && !c.bugs.IgnoreDeadline {
		c.finish(cl, backoff.Unavailable)
		return
	}
	if !c.bugs.NoBudget {
		if c.tokens < 1 {
			c.finish(cl, backoff.Unavailable)
			return
		}
		c.tokens--
	}
	cl.timer = c.env.SetTimer(wait, retryNow{ID: cl.id})
}

// backoff returns the wait before the retry that follows attempt n (n ≥ 1):
// full jitter, uniform over [0, backoffCeiling(n)].
func (c *client) backoff(n int) time.Duration {
	var ceiling time.Duration
	switch {
	case c.bugs.Overflow:
		ceiling = min(BaseBackoff<<n, MaxBackoff) // the bug: shifts first
	case c.bugs.NoCap:
		ceiling = BaseBackoff << min(n, 38) // grows to days; no overflow
	default:
		ceiling = backoffCeiling(n)
	}
	if c.bugs.NoJitter {
		return ceiling
	}
	return time.Duration(c.env.Rand().Int64N(int64(ceiling) + 1))
}

// backoffCeiling returns min(MaxBackoff, BaseBackoff·2^n) for any n. The
// exponent is compared before shifting, so no attempt count can overflow
// it: BaseBackoff << n wraps around past n ≈ 38.
func backoffCeiling(n int) time.Duration {
	switch {
	case n <= 0:
		return min(BaseBackoff, MaxBackoff)
	case n >= 30 || BaseBackoff<<n > MaxBackoff:
		return MaxBackoff
	}
	return BaseBackoff << n
}

// finish answers the call and forgets it.
func (c *client) finish(cl *call, res backoff.Result) {
	if !c.bugs.RetryAfterSuccess || res != backoff.OK {
		c.env.CancelTimer(cl.timer)
	}
	c.env.CancelTimer(cl.due)
	delete(c.calls, cl.id)
	c.done(cl.id, res)
}

// throttleWindow counts attempts and accepts in buckets of a tenth of
// ThrottleWindow, for sums over the last ThrottleWindow.
type throttleWindow struct {
	start    time.Duration // start of the newest bucket
	attempts [10]float64
	accepts  [10]float64
	head     int // index of the newest bucket
}

const throttleBucket = ThrottleWindow / 10

// advance moves the window so that its newest bucket holds now.
func (w *throttleWindow) advance(now time.Duration) {
	for steps := 0; now >= w.start+throttleBucket; steps++ {
		if steps >= len(w.attempts) {
			// Everything is older than the window: start afresh.
			w.attempts, w.accepts = [10]float64{}, [10]float64{}
			w.start = now - now%throttleBucket
			return
		}
		w.head = (w.head + 1) % len(w.attempts)
		w.attempts[w.head], w.accepts[w.head] = 0, 0
		w.start += throttleBucket
	}
}

func (w *throttleWindow) add(now time.Duration, attempts, accepts float64) {
	w.advance(now)
	w.attempts[w.head] += attempts
	w.accepts[w.head] += accepts
}

func (w *throttleWindow) sums(now time.Duration) (attempts, accepts float64) {
	w.advance(now)
	for i := range w.attempts {
		attempts += w.attempts[i]
		accepts += w.accepts[i]
	}
	return attempts, accepts
}
