package backoff

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// Client is the student's client node of a service.
type Client interface {
	node.Node
	// Call asks the client to get call id done by the server before
	// deadline, a reading of env.Now(). The client must answer every call
	// exactly once, through the Done it was built with, at or before the
	// deadline. ids are distinct for one client. The test calls Call between
	// events, like any handler; the client may Send and SetTimer from it.
	Call(id int, deadline time.Duration)
}

// Result is how a call ended.
type Result int

// Results of a call.
const (
	// OK: the server executed the call and the client heard so.
	OK Result = iota + 1
	// DeadlineExceeded: the deadline came before a success.
	DeadlineExceeded
	// Unavailable: the client gave up before the deadline, failing fast
	// (its retry budget is spent, its circuit is open, or the next retry
	// would come after the deadline).
	Unavailable
)

var resultNames = [...]string{"", "OK", "DeadlineExceeded", "Unavailable"}

func (r Result) String() string {
	if r < OK || r > Unavailable {
		return "Result(?)"
	}
	return resultNames[r]
}

// Done answers call id with res. Call it exactly once per call.
type Done func(id int, res Result)

// Factory builds the client node id, whose server is server. It is what a
// student's package exports as NewClient.
type Factory func(id, server node.ID, done Done) Client

// Request is one attempt of a call, sent by a client to the server.
type Request struct {
	// ID is the call's id, as passed to Call.
	ID int
	// Key is the idempotency key. The server executes each (client, Key)
	// at most once: an attempt whose key was already executed is answered
	// OK again without running. An empty Key means "no key": every such
	// attempt runs.
	Key string
	// Attempt numbers the call's attempts from 1; the server copies it into
	// its Reply.
	Attempt int
}

// Status is the server's answer to an attempt.
type Status int

// Statuses of a Reply.
const (
	// StatusOK: the call was executed (now or by an earlier attempt).
	StatusOK Status = iota + 1
	// StatusOverloaded: the server's queue was full and it refused the
	// attempt without doing anything. Retrying at once adds to the overload.
	StatusOverloaded
	// StatusUnavailable: the server failed the attempt without executing it
	// (a transient error). A later attempt may succeed.
	StatusUnavailable
)

var statusNames = [...]string{"", "OK", "Overloaded", "Unavailable"}

func (s Status) String() string {
	if s < StatusOK || s > StatusUnavailable {
		return "Status(?)"
	}
	return statusNames[s]
}

// Reply is the server's answer to one attempt.
type Reply struct {
	ID      int
	Key     string
	Attempt int
	Status  Status
}
