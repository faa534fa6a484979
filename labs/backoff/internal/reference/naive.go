package reference

import (
	"strconv"
	"time"

	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

// NaiveTimeout is the naive client's attempt timeout: short, because the
// healthy server answers in tens of milliseconds.
const NaiveTimeout = 100 * time.Millisecond

// NewNaive is the client most services start with: it keeps one key per
// call and honours the deadline, but it retries the moment an attempt times
// out or is refused, with no backoff and no budget. Under load near
// capacity, a short trigger turns it into a retry storm that outlives the
// trigger.
func NewNaive(id, server node.ID, done backoff.Done) backoff.Client {
	return &naive{server: server, done: done, calls: map[int]*naiveCall{}}
}

type naiveCall struct {
	attempt int
	timer   node.TimerID
	due     node.TimerID
}

type (
	naiveTimeout  struct{ ID, Attempt int }
	naiveDeadline struct{ ID int }
)

type naive struct {
	env    node.Env
	server node.ID
	done   backoff.Done
	calls  map[int]*naiveCall
}

func (c *naive) Start(env node.Env) { c.env = env }

func (c *naive) Call(id int, deadline time.Duration) {
	cl := &naiveCall{}
	c.calls[id] = cl
	cl.due = c.env.SetTimer(max(0, deadline-c.env.Now()), naiveDeadline{ID: id})
	c.send(id, cl)
}

func (c *naive) send(id int, cl *naiveCall) {
	cl.attempt++
	c.env.Send(c.server, backoff.Request{ID: id, Key: strconv.Itoa(id), Attempt: cl.attempt})
	cl.timer = c.env.SetTimer(NaiveTimeout, naiveTimeout{ID: id, Attempt: cl.attempt})
}

func (c *naive) HandleTimer(t any) {
	switch t := t.(type) {
	case naiveTimeout:
		if cl := c.calls[t.ID]; cl != nil && cl.attempt == t.Attempt {
			c.send(t.ID, cl)
		}
	case naiveDeadline:
		if cl := c.calls[t.ID]; cl != nil {
			c.env.CancelTimer(cl.timer)
			delete(c.calls, t.ID)
			c.done(t.ID, backoff.DeadlineExceeded)
		}
	}
}

func (c *naive) HandleMessage(_ node.ID, m node.Message) {
	r, ok := m.(backoff.Reply)
	if !ok {
		return
	}
	cl := c.calls[r.ID]
	if cl == nil {
		return
	}
	if r.Status == backoff.StatusOK {
		c.env.CancelTimer(cl.timer)
		c.env.CancelTimer(cl.due)
		delete(c.calls, r.ID)
		c.done(r.ID, backoff.OK)
		return
	}
	if r.Attempt == cl.attempt {
		c.env.CancelTimer(cl.timer)
		c.send(r.ID, cl)
	}
}
