// Package reference is the reference implementation of the pingpong lab,
// parameterized by Bugs so that each mutant is the reference with one
// realistic mistake switched on. The zero Bugs is the solution.
package reference

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/pingpong"
)

// Bugs switches on one mistake each.
type Bugs struct {
	NoRetransmit bool // the client sends each request once
	NoDedup      bool // the server executes every copy it receives
	DedupBySeq   bool // the server forgets which client a seq came from
	HotRetry     bool // the client retransmits every millisecond
}

// New returns the implementation with bugs.
func New(bugs Bugs) pingpong.Impl {
	return pingpong.Impl{
		NewClient: func(id, server node.ID, done pingpong.Done) pingpong.Client {
			return &client{bugs: bugs, server: server, done: done, pending: map[int]string{}, timers: map[int]node.TimerID{}}
		},
		NewServer: func(id node.ID, exec pingpong.Exec) pingpong.Server {
			return &server{bugs: bugs, exec: exec, seen: map[key]bool{}}
		},
	}
}

// Request asks the server to execute Op as the client's request Seq.
type Request struct {
	Seq int
	Op  string
}

// Ack tells the client its request Seq was executed.
type Ack struct{ Seq int }

// retry is the timer that retransmits request Seq.
type retry struct{ Seq int }

// RetryAfter is how long a client waits for an ack before sending again. It
// should exceed a round trip, or every request is sent at least twice.
const RetryAfter = 100 * time.Millisecond

type client struct {
	bugs    Bugs
	env     node.Env
	server  node.ID
	done    pingpong.Done
	pending map[int]string       // requests not yet acknowledged
	timers  map[int]node.TimerID // their retransmission timers
}

func (c *client) Start(env node.Env) { c.env = env }

func (c *client) Submit(seq int, op string) {
	c.pending[seq] = op
	c.send(seq)
}

// send transmits request seq and arms its retransmission: the client cannot
// tell a lost request from a lost ack or a slow server, so it keeps trying
// until an ack arrives (at-least-once delivery).
func (c *client) send(seq int) {
	c.env.Send(c.server, Request{Seq: seq, Op: c.pending[seq]})
	if c.bugs.NoRetransmit {
		return
	}
	after := RetryAfter
	if c.bugs.HotRetry {
		after = time.Millisecond
	}
	c.timers[seq] = c.env.SetTimer(after, retry{Seq: seq})
}

func (c *client) HandleTimer(t any) {
	r := t.(retry)
	if _, waiting := c.pending[r.Seq]; waiting {
		c.env.Logf("no ack for %d after %v: retransmitting", r.Seq, RetryAfter)
		c.send(r.Seq)
	}
}

func (c *client) HandleMessage(from node.ID, m node.Message) {
	a, ok := m.(Ack)
	if !ok {
		return
	}
	if _, waiting := c.pending[a.Seq]; !waiting {
		return // a duplicate ack, or the ack of a retransmission
	}
	delete(c.pending, a.Seq)
	c.env.CancelTimer(c.timers[a.Seq])
	delete(c.timers, a.Seq)
	c.done(a.Seq)
}

type key struct {
	client node.ID
	seq    int
}

type server struct {
	bugs Bugs
	env  node.Env
	exec pingpong.Exec
	seen map[key]bool // requests executed: a duplicate is acked, not run
}

func (s *server) Start(env node.Env) { s.env = env }
func (s *server) HandleTimer(any)    {}

func (s *server) HandleMessage(from node.ID, m node.Message) {
	r, ok := m.(Request)
	if !ok {
		return
	}
	// Deduplicate by (client, seq): sequence numbers are per client, so two
	// clients' request 1 are different requests.
	k := key{from, r.Seq}
	if s.bugs.DedupBySeq {
		k.client = 0
	}
	if !s.seen[k] || s.bugs.NoDedup {
		s.seen[k] = true
		s.exec(from, r.Seq, r.Op)
	} else {
		s.env.Logf("duplicate of %v's request %d: acking again without executing", from, r.Seq)
	}
	// Ack every copy: the previous ack may have been lost.
	s.env.Send(from, Ack{Seq: r.Seq})
}
