// Package pingpong is where you implement the pingpong lab. Read the lesson
// "The network is not reliable" (faultline read unreliable-networks) first.
package pingpong

import (
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/pingpong"
)

// TODO: define your message types, for example a request carrying the
// sequence number and the op, and an acknowledgement.

type client struct {
	env    node.Env
	server node.ID
	done   pingpong.Done
	// TODO: remember which requests are still waiting for an ack.
}

// NewClient builds a client.
func NewClient(id, server node.ID, done pingpong.Done) pingpong.Client {
	return &client{server: server, done: done}
}

func (c *client) Start(env node.Env) { c.env = env }

// Submit is called by the test with a new request.
func (c *client) Submit(seq int, op string) {
	// TODO: send the request to c.server, and set a timer so that you send
	// it again if no ack arrives (the network may lose either message).
}

func (c *client) HandleTimer(t any) {
	// TODO: retransmit the request whose timer fired, if it is still waiting.
}

func (c *client) HandleMessage(from node.ID, m node.Message) {
	// TODO: on an ack, stop retransmitting and call c.done(seq) once.
}

type server struct {
	env  node.Env
	exec pingpong.Exec
	// TODO: remember which (client, seq) requests were executed.
}

// NewServer builds the server.
func NewServer(id node.ID, exec pingpong.Exec) pingpong.Server {
	return &server{exec: exec}
}

func (s *server) Start(env node.Env) { s.env = env }
func (s *server) HandleTimer(any)    {}

func (s *server) HandleMessage(from node.ID, m node.Message) {
	// TODO: execute a request with s.exec the first time it arrives, and
	// acknowledge every copy (an earlier ack may have been lost).
}
