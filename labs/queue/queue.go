package queue

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// Priority says how much a request matters to its client.
type Priority int

// Priorities of a Request.
const (
	// BestEffort traffic may be shed when the server is overloaded.
	BestEffort Priority = iota + 1
	// Critical traffic must get through: shed best-effort work first.
	Critical
)

var priorityNames = [...]string{"", "best-effort", "critical"}

func (p Priority) String() string {
	if p < BestEffort || p > Critical {
		return "Priority(?)"
	}
	return priorityNames[p]
}

// Request is one request arriving at the server. The lab owns its service
// time: the server does not know it, only the distribution (Config).
type Request struct {
	// ID names the request; IDs are distinct within a run.
	ID int
	// Client numbers the client that sent it, from 1.
	Client int
	// Priority is Critical or BestEffort.
	Priority Priority
	// Arrived is env.Now() when the request arrived (when Arrive is called).
	Arrived time.Duration
	// Deadline is the env.Now() reading after which the client no longer
	// waits: an answer after it is a timeout, and work that finishes after
	// it is wasted.
	Deadline time.Duration
}

// Reason says why the server rejected a request.
type Reason int

// Reasons for Reject.
const (
	// Overloaded: the server has no room for the request now. The client
	// learns at once and may go elsewhere or try later.
	Overloaded Reason = iota + 1
	// Expired: the request's deadline has passed or cannot be met.
	Expired
)

var reasonNames = [...]string{"", "overloaded", "expired"}

func (r Reason) String() string {
	if r < Overloaded || r > Expired {
		return "Reason(?)"
	}
	return reasonNames[r]
}

// Config describes the server's workers and the work.
type Config struct {
	// Workers is how many requests can run at once.
	Workers int
	// MeanService is the mean time a worker takes to serve a request.
	MeanService time.Duration
	// MaxService is the longest a request can take: no request that starts
	// at least MaxService before its deadline finishes late.
	MaxService time.Duration
}

// Capacity returns the most requests per second the workers can finish.
func (c Config) Capacity() float64 {
	return float64(c.Workers) / c.MeanService.Seconds()
}

// Workers is the lab's side of the server: the worker pool, and the way to
// answer a request. The server answers every request it is given exactly
// once, by Start or by Reject, now or later.
type Workers interface {
	// Start runs request id on a free worker. The request must have
	// arrived and not been answered, and a worker must be free (Free() > 0):
	// anything else fails the run. When the work is finished the lab calls
	// the server's Done.
	Start(id int)
	// Reject answers request id at once with reason, without running it.
	// The request must have arrived and not been answered.
	Reject(id int, reason Reason)
	// Free returns how many workers are idle now.
	Free() int
}

// Server is the student's server node. The simulator calls one method at a
// time; Arrive and Done come from the lab between events, like handlers,
// and the server may call its Workers, SetTimer and CancelTimer from them.
type Server interface {
	node.Node
	// Arrive hands the server a new request.
	Arrive(r Request)
	// Done tells the server that a worker has finished request id and is
	// free again.
	Done(id int)
	// QueueLen returns how many requests are waiting now: arrived, and
	// neither started nor rejected. It must not change the server. The lab
	// samples it and checks it against Little's law.
	QueueLen() int
}

// Factory builds the server. It is what a student's package exports as
// NewServer.
type Factory func(cfg Config, w Workers) Server
