package node_test

import (
	"fmt"

	"github.com/faultline-dev/faultline/labs/node"
)

type Ping struct{ Seq int }
type Pong struct{ Seq int }

// echo answers every Ping with a Pong carrying the same sequence number.
type echo struct{ env node.Env }

func (e *echo) Start(env node.Env) { e.env = env }
func (e *echo) HandleTimer(any)    {}
func (e *echo) HandleMessage(from node.ID, m node.Message) {
	if p, ok := m.(Ping); ok {
		e.env.Send(from, Pong{Seq: p.Seq})
	}
}

// Example shows the shape of a node. The simulator (package grader/sim) drives
// it; see that package's examples for a complete run.
func Example() {
	var n node.Node = &echo{}
	_ = n
	fmt.Println(node.ID(3))
	// Output: n3
}
