// Package queue is the queue lab's interface: an overloaded server that
// decides which requests to accept, queue, run or reject.
//
// The lab owns the workers and the work. It calls the student's Server
// with Arrive for each request (its client, priority and deadline) and with
// Done when a worker finishes one; the server answers each request exactly
// once, by starting it on a free worker (Workers.Start) or by rejecting it
// at once (Workers.Reject). The lab draws every request's service time from
// a seeded stream and measures, in virtual time, what the clients got:
// goodput (requests finished before their deadline), latency, wasted work,
// rejections and timeouts.
//
//	func (s *server) Arrive(r queue.Request) {
//		if s.w.Free() > 0 {
//			s.w.Start(r.ID)
//			return
//		}
//		if len(s.waiting) >= limit {
//			s.w.Reject(r.ID, queue.Overloaded) // fast: the client learns now
//			return
//		}
//		s.waiting = append(s.waiting, r)
//	}
//
// The lesson is "Queues, backpressure and load shedding"
// (faultline read queues-and-load-shedding); the suite is in queuelab.
package queue
