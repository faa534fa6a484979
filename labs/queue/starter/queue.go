// Package queue is where you write the queue lab's server. Read the lesson
// "Queues, backpressure and load shedding" (faultline read
// queues-and-load-shedding) first; `faultline grade queue` in your
// workspace runs the suite against NewServer, in a separate process.
//
// Work through the parts in order:
//
//   - Part A: a bounded queue; reject with queue.Overloaded, at once, what
//     does not fit; report QueueLen truthfully.
//   - Part B: deadlines: never start a request that cannot finish before
//     its deadline (Config.MaxService says how long work can take); drop
//     such requests from the queue, with queue.Expired, before the client
//     gives up.
//   - Part C: overload control: keep goodput near capacity at 2× and 5×
//     load. Choose LIFO under overload, a CoDel-style queue-delay target,
//     or something else, and say in a comment why, citing your source.
//   - Part D: serve critical requests before best-effort ones, and share
//     the workers fairly between clients.
//
// Rules: no goroutines, channels, locks, wall clock or global randomness,
// and no package-level variables. Use only the Env you get in Start.
package queue

import (
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/queue"
)

// Server is the server node.
type Server struct {
	cfg queue.Config
	w   queue.Workers
	env node.Env
	// TODO(part A): the waiting requests, and how many there are.
}

// NewServer builds the server. The lab calls it once per run.
func NewServer(cfg queue.Config, w queue.Workers) queue.Server {
	return &Server{cfg: cfg, w: w}
}

// Start is called when the server boots.
func (s *Server) Start(env node.Env) { s.env = env }

// HandleMessage is not used in this lab: requests come through Arrive.
func (s *Server) HandleMessage(node.ID, node.Message) {}

// HandleTimer is called when a timer you set with s.env.SetTimer fires.
func (s *Server) HandleTimer(timer any) {
	// TODO(part B): a periodic check that drops waiting requests whose
	// deadline can no longer be met, so that their clients hear at once.
}

// Arrive is called for each new request. Answer it exactly once: now or
// later, with s.w.Start(r.ID) on a free worker (s.w.Free() > 0) or with
// s.w.Reject(r.ID, reason).
func (s *Server) Arrive(r queue.Request) {
	// TODO(part A): start it if a worker is free; otherwise queue it, or
	// reject it with queue.Overloaded if the queue is full.
}

// Done is called when a worker has finished request id and is free again.
func (s *Server) Done(id int) {
	// TODO(part A): start the next waiting request on the free worker.
}

// QueueLen returns how many requests are waiting: arrived, and neither
// started nor rejected.
func (s *Server) QueueLen() int {
	return 0 // TODO(part A): the truth; the lab checks it with Little's law.
}
