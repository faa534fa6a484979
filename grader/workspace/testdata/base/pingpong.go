// A correct pingpong package, as a student might write it. Each case of
// the isolation test adds one file, misbehave.go, defining misbehave: what
// the server does when its ID is n4, which happens only in the Chaos test
// (three clients).
package pingpong

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/pingpong"
)

// Request asks the server to execute Op as the client's request Seq.
type Request struct {
	Seq int
	Op  string
}

// Ack tells the client its request Seq was executed.
type Ack struct{ Seq int }

type retry struct{ Seq int }

const retryAfter = 100 * time.Millisecond

type client struct {
	env     node.Env
	server  node.ID
	done    pingpong.Done
	pending map[int]string
	timers  map[int]node.TimerID
}

// NewClient builds a client.
func NewClient(id, server node.ID, done pingpong.Done) pingpong.Client {
	return &client{server: server, done: done, pending: map[int]string{}, timers: map[int]node.TimerID{}}
}

func (c *client) Start(env node.Env) { c.env = env }

func (c *client) Submit(seq int, op string) {
	c.pending[seq] = op
	c.send(seq)
}

func (c *client) send(seq int) {
	c.env.Send(c.server, Request{Seq: seq, Op: c.pending[seq]})
	c.timers[seq] = c.env.SetTimer(retryAfter, retry{Seq: seq})
}

func (c *client) HandleTimer(t any) {
	if r := t.(retry); c.pending[r.Seq] != "" {
		c.send(r.Seq)
	}
}

func (c *client) HandleMessage(from node.ID, m node.Message) {
	a, ok := m.(Ack)
	if !ok || c.pending[a.Seq] == "" {
		return
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
	id   node.ID
	env  node.Env
	exec pingpong.Exec
	seen map[key]bool
	sink [][]byte
	n    int
}

// NewServer builds the server.
func NewServer(id node.ID, exec pingpong.Exec) pingpong.Server {
	return &server{id: id, exec: exec, seen: map[key]bool{}}
}

func (s *server) Start(env node.Env) { s.env = env }
func (s *server) HandleTimer(any)    {}

func (s *server) HandleMessage(from node.ID, m node.Message) {
	r, ok := m.(Request)
	if !ok {
		return
	}
	if s.id == 4 {
		misbehave(s)
	}
	k := key{from, r.Seq}
	if !s.seen[k] {
		s.seen[k] = true
		s.exec(from, r.Seq, r.Op)
	}
	s.env.Send(from, Ack{Seq: r.Seq})
}
