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

// Limit names a bound of Config that a run exceeded. Its text is the
// failure's kind in a report ("limit:rate"): the strings are part of the
// report's format.
type Limit string

// The bounds a LimitError names.
const (
	LimitEvents  Limit = "events"         // Config.MaxEvents in the whole run
	LimitPending Limit = "pending events" // Config.MaxPending waiting at once
	LimitRate    Limit = "rate"           // Config.MaxRate events per node per virtual second
	// LimitMessageBytes: a single message over Config.MaxMessageBytes.
	LimitMessageBytes Limit = "message bytes"
	// LimitCalls: more than Config.MaxCallsPerHandler Env calls in one handler.
	LimitCalls Limit = "Env calls in one handler"
)

// Storm reports whether l is one of the event bounds a message storm hits
// (events sent or timers set in a loop), rather than a bound on bytes or
// calls.
func (l Limit) Storm() bool { return l == LimitEvents || l == LimitPending || l == LimitRate }

// LimitError is what a run panics with when it exceeds a bound of Config:
// too many events, too many events waiting at once (a message storm), too
// many events at one node in a virtual second, a message too large, or a
// handler that calls its Env without end. Every bound is a count, so the
// same run stops at the same event on any machine (DESIGN decision 11).
type LimitError struct {
	What  Limit // the bound exceeded
	Limit int
	Time  time.Duration
	Top   string // the busiest message types, as "Ping×40000, Pong×39000"
	// Node is the node that exceeded a rate, sent a message too large or
	// called its Env too often; From, for a rate, the virtual second it
	// exceeded the rate in.
	Node node.ID
	From time.Duration
	// Type is the type of a message too large; Event what the node was
	// handling when it sent it or called its Env once too often; Call the
	// Env method it called last ("Send", "Logf", "Storage().Save").
	Type, Event, Call string
}

func (e *LimitError) Error() string {
	switch e.What {
	case LimitRate:
		msg := fmt.Sprintf("%v handled more than %d events (deliveries and timers) in the virtual second from %v, stopped at %v", e.Node, e.Limit, e.From, e.Time)
		return msg + e.busiest() + "; look for a handler that sends or sets timers in a loop"
	case LimitMessageBytes:
		return fmt.Sprintf("%v sent a %s of more than %d bytes at %v while handling %s (counted, or in memory to copy it, each value reached through a pointer counted every time it is reached)"+
			"; send less at once (split a snapshot into chunks) and make a message a tree of values, with no two pointers to the same value",
			e.Node, e.Type, e.Limit, e.Time, e.Event)
	case LimitCalls:
		return fmt.Sprintf("%v made more than %d Env calls (the last: %s) while handling %s at %v"+
			"; look for a loop that never ends, sending, setting timers or logging (a send to a node that is down, cut off or unknown queues no event, so only this bound stops it)",
			e.Node, e.Limit, e.Call, e.Event, e.Time)
	}
	msg := fmt.Sprintf("run stopped at %v: more than %d %s", e.Time, e.Limit, e.What)
	return msg + e.busiest() + "; look for a handler that sends or sets timers in a loop"
}

func (e *LimitError) busiest() string {
	if e.Top == "" {
		return ""
	}
	return " (busiest messages: " + e.Top + ")"
}
