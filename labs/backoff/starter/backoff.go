// Package backoff is where you implement the backoff lab's client. Read the
// lesson "Retries and backoff" (faultline read retries-and-backoff) and the
// lab's task (faultline task backoff) first.
package backoff

import (
	"time"

	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

// TODO: define your timers, for example one for an attempt's timeout, one
// for the backoff before a retry, and one for a call's deadline.

type client struct {
	env    node.Env
	server node.ID
	done   backoff.Done
	// TODO: remember the calls in progress: key, deadline, attempt count,
	// timers. And a retry budget (a token bucket).
}

// NewClient builds the client node id, whose server is server. Answer every
// call with done, exactly once.
func NewClient(id, server node.ID, done backoff.Done) backoff.Client {
	return &client{server: server, done: done}
}

func (c *client) Start(env node.Env) { c.env = env }

// Call is called by the test with a new call, due by deadline (a reading of
// c.env.Now()).
func (c *client) Call(id int, deadline time.Duration) {
	// TODO: send a backoff.Request with a key that identifies the call (the
	// same for every attempt), and set timers for the attempt's timeout and
	// for the deadline.
}

func (c *client) HandleTimer(t any) {
	// TODO: on an attempt's timeout, retry after a capped, jittered,
	// exponential backoff, if the retry budget allows and the deadline is
	// not too close; at the deadline, answer backoff.DeadlineExceeded.
}

func (c *client) HandleMessage(from node.ID, m node.Message) {
	// TODO: on a backoff.Reply with StatusOK, answer the call backoff.OK
	// once and stop its timers. On StatusOverloaded or StatusUnavailable,
	// back off before retrying: retrying at once makes overload worse.
}
