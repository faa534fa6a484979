package backofflab

import (
	"strconv"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

// The ladder: clients written from task.md alone, each adding one thing
// the task asks for to the one before. Graded at the default seeds, each
// must score strictly more than the one below it, and fail where it does
// for the reason it lacks (issue 23, item 6): a suite whose ranking is
// upside down rewards the wrong design.
type rung struct {
	name            string
	backoff, jitter bool // capped exponential backoff; drawn at random
	budget          bool // a retry budget and adaptive throttling
}

var ladder = []rung{
	{name: "no backoff"},
	{name: "backoff without jitter", backoff: true},
	{name: "jitter without budget", backoff: true, jitter: true},
	{name: "full", backoff: true, jitter: true, budget: true},
}

// The ladder clients' policy, from task.md: an attempt timeout well above
// the healthy latency and well below a deadline; waits drawn from
// [0, min(cap, base·2ⁿ)]; a bucket of 10 tokens, 0.1 per success, one per
// retry; throttling with K = 2 over the last second.
const (
	ladderTimeout = 250 * time.Millisecond
	ladderBase    = 20 * time.Millisecond
	ladderCap     = time.Second
	ladderTokens  = 10.0
	ladderRatio   = 0.1
	ladderK       = 2.0
	ladderWindow  = time.Second
)

func (rg rung) factory() backoff.Factory {
	return func(id, server node.ID, done backoff.Done) backoff.Client {
		return &ladderClient{rung: rg, server: server, done: done, calls: map[int]*ladderCall{}, tokens: ladderTokens}
	}
}

type ladderCall struct {
	deadline time.Duration
	attempt  int
	timer    node.TimerID // the attempt's timeout, or the wait before the next
	due      node.TimerID
	waiting  bool // an attempt is out
}

type (
	ladderTimeoutT struct{ ID, Attempt int }
	ladderRetryT   struct{ ID int }
	ladderDueT     struct{ ID int }
)

// ended is an attempt that ended, for throttling.
type ended struct {
	at       time.Duration
	accepted bool
}

type ladderClient struct {
	rung   rung
	env    node.Env
	server node.ID
	done   backoff.Done
	calls  map[int]*ladderCall
	tokens float64
	recent []ended
}

func (c *ladderClient) Start(env node.Env) { c.env = env }

func (c *ladderClient) Call(id int, deadline time.Duration) {
	now := c.env.Now()
	if deadline <= now {
		c.done(id, backoff.DeadlineExceeded) // no time for an attempt
		return
	}
	if c.rung.budget && c.throttled(now) {
		c.done(id, backoff.Unavailable)
		return
	}
	cl := &ladderCall{deadline: deadline}
	c.calls[id] = cl
	cl.due = c.env.SetTimer(deadline-now, ladderDueT{id})
	c.send(id, cl)
}

func (c *ladderClient) throttled(now time.Duration) bool {
	var attempts, accepts float64
	kept := c.recent[:0]
	for _, e := range c.recent {
		if now-e.at < ladderWindow {
			kept = append(kept, e)
			attempts++
			if e.accepted {
				accepts++
			}
		}
	}
	c.recent = kept
	p := (attempts - ladderK*accepts) / (attempts + 1)
	return p > 0 && c.env.Rand().Float64() < p
}

func (c *ladderClient) send(id int, cl *ladderCall) {
	cl.attempt++
	cl.waiting = true
	c.env.Send(c.server, backoff.Request{ID: id, Key: strconv.Itoa(id), Attempt: cl.attempt})
	cl.timer = c.env.SetTimer(min(ladderTimeout, cl.deadline-c.env.Now()), ladderTimeoutT{id, cl.attempt})
}

// retry waits before the call's next attempt, or fails it fast.
func (c *ladderClient) retry(id int, cl *ladderCall) {
	cl.waiting = false
	c.recent = append(c.recent, ended{at: c.env.Now()})
	var wait time.Duration
	if c.rung.backoff {
		wait = ladderCap
		if cl.attempt < 30 {
			wait = min(ladderCap, ladderBase<<cl.attempt)
		}
		if c.rung.jitter {
			wait = time.Duration(c.env.Rand().Int64N(int64(wait) + 1))
		}
	}
	if c.env.Now()+wait >= cl.deadline {
		c.finish(id, cl, backoff.Unavailable)
		return
	}
	if c.rung.budget {
		if c.tokens < 1 {
			c.finish(id, cl, backoff.Unavailable)
			return
		}
		c.tokens--
	}
	cl.timer = c.env.SetTimer(wait, ladderRetryT{id})
}

func (c *ladderClient) finish(id int, cl *ladderCall, res backoff.Result) {
	c.env.CancelTimer(cl.timer)
	c.env.CancelTimer(cl.due)
	delete(c.calls, id)
	c.done(id, res)
}

func (c *ladderClient) HandleTimer(t any) {
	switch t := t.(type) {
	case ladderTimeoutT:
		if cl := c.calls[t.ID]; cl != nil && cl.waiting && cl.attempt == t.Attempt {
			c.retry(t.ID, cl)
		}
	case ladderRetryT:
		if cl := c.calls[t.ID]; cl != nil && !cl.waiting {
			c.send(t.ID, cl)
		}
	case ladderDueT:
		if cl := c.calls[t.ID]; cl != nil {
			c.finish(t.ID, cl, backoff.DeadlineExceeded)
		}
	}
}

func (c *ladderClient) HandleMessage(_ node.ID, m node.Message) {
	r, ok := m.(backoff.Reply)
	if !ok {
		return
	}
	cl := c.calls[r.ID]
	if cl == nil {
		return
	}
	switch {
	case r.Status == backoff.StatusOK:
		c.recent = append(c.recent, ended{at: c.env.Now(), accepted: true})
		c.tokens = min(ladderTokens, c.tokens+ladderRatio)
		c.finish(r.ID, cl, backoff.OK)
	case cl.waiting && r.Attempt == cl.attempt:
		c.env.CancelTimer(cl.timer)
		c.retry(r.ID, cl)
	}
}

// TestLadder grades the ladder: scores strictly increase from no backoff
// to the full client, and each rung fails for what it lacks.
func TestLadder(t *testing.T) {
	if testing.Short() {
		t.Skip("grades four clients over every test's default seeds")
	}
	// Where each rung must fail, and with which check: the real cause.
	want := map[string]map[string]string{
		"no backoff": {
			"ThunderingHerd": amplificationChk, "ManyAttempts": amplificationChk,
			"LowFailureRate": backoffChk, "ServerFailsEverything": amplificationChk,
		},
		"backoff without jitter": {"ThunderingHerd": jitterChk, "ManyAttempts": jitterChk},
		"jitter without budget":  {"ServerFailsEverything": "load on a failing server"},
		"full":                   {},
	}
	var rungs []labtest.Rung
	for _, rg := range ladder {
		rungs = append(rungs, labtest.Rung{Name: rg.name, Impl: rg.factory(), Fails: want[rg.name]})
	}
	labtest.Ladder(t, Lab, rungs)
}
