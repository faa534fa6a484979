package sim

import (
	"errors"
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// Errors returned by calls into nodes.
var (
	ErrDown   = errors.New("sim: node is down")
	ErrPaused = errors.New("sim: node is paused")
)

// PanicError is what a run panics with when a node's handler panics. The
// grader recovers it and reports it as the test's failure.
type PanicError struct {
	Node  node.ID
	Time  time.Duration
	Event string // what the node was handling, such as "deliver AppendEntries from n2"
	Value any    // what the handler panicked with
	Stack string // the handler's stack
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("%v panicked at %v while handling %s: %v", e.Node, e.Time, e.Event, e.Value)
}

// LimitError is what a run panics with when it exceeds a bound of Config:
// too many events, or too many events waiting at once (a message storm).
type LimitError struct {
	What  string // "events", "pending events", or "rate" (events per node per virtual second)
	Limit int
	Time  time.Duration
	Top   string // the busiest message types, as "Ping×40000, Pong×39000"
	// Node and From, for a rate: the node and the virtual second it
	// exceeded the rate in.
	Node node.ID
	From time.Duration
}

func (e *LimitError) Error() string {
	msg := fmt.Sprintf("run stopped at %v: more than %d %s", e.Time, e.Limit, e.What)
	if e.What == "rate" {
		msg = fmt.Sprintf("%v handled more than %d events (deliveries and timers) in the virtual second from %v, stopped at %v", e.Node, e.Limit, e.From, e.Time)
	}
	if e.Top != "" {
		msg += " (busiest messages: " + e.Top + ")"
	}
	return msg + "; look for a handler that sends or sets timers in a loop"
}
