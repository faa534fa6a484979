package shardkvlab

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// capacity models a group server's limited processing: it hands the
// server the messages of throttled senders (the clerks) one at a time, at
// most one per service time, in arrival order; every other message and
// every timer passes at once. It is the test's model of a machine, not an
// observer: the hot-shard test measures what it allows.
type capacity struct {
	inner     node.Node
	service   time.Duration
	throttled func(node.ID) bool

	env   node.Env
	queue []queued
	busy  bool
}

type queued struct {
	from node.ID
	msg  node.Message
}

// served is capacity's own timer: the server is free again.
type served struct{}

func (c *capacity) Start(env node.Env) {
	c.env, c.queue, c.busy = env, nil, false
	c.inner.Start(env)
}

func (c *capacity) HandleMessage(from node.ID, m node.Message) {
	if !c.throttled(from) {
		c.inner.HandleMessage(from, m)
		return
	}
	c.queue = append(c.queue, queued{from, m})
	c.serve()
}

func (c *capacity) HandleTimer(t any) {
	if _, ok := t.(served); ok {
		c.busy = false
		c.serve()
		return
	}
	c.inner.HandleTimer(t)
}

func (c *capacity) serve() {
	if c.busy || len(c.queue) == 0 {
		return
	}
	q := c.queue[0]
	c.queue = c.queue[1:]
	c.busy = true
	c.env.SetTimer(c.service, served{})
	c.inner.HandleMessage(q.from, q.msg)
}
