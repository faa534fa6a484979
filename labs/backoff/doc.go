// Package backoff is the retries-and-backoff lab: a client that calls an
// overloaded, sometimes failing server without making things worse.
//
// You write the client node (Client). The test asks it to make calls with
// Call(id, deadline); it sends attempts (Request) to the lab's server and
// answers each call exactly once with its Done callback: OK,
// DeadlineExceeded, or Unavailable when it fails fast.
//
// The server has a few workers and a bounded queue. It answers an attempt
// with a Reply: StatusOK when the call ran, StatusOverloaded when its queue
// was full, StatusUnavailable on a transient error. Each attempt it takes
// from its queue costs a worker some time, even when its idempotency key was
// already executed, and it never learns that a client gave up: an attempt
// left in its queue is still worked on, and that work is wasted.
//
// The lab's parts build up the classic answer:
//
//   - A: a timeout per attempt, a deadline per call, one idempotency key
//     per call so that a retried call never runs twice;
//   - B: capped exponential backoff with full jitter between attempts;
//   - C: a retry budget (a token bucket) so that a failing server sees
//     about 1.1× the offered load, not (1 + retries)×;
//   - D: a client that lets the server recover from a trigger instead of
//     sustaining a retry storm (metastability).
//
// A call starts like this:
//
//	func (c *client) Call(id int, deadline time.Duration) {
//		c.calls[id] = &call{key: strconv.Itoa(id), deadline: deadline}
//		c.env.SetTimer(deadline-c.env.Now(), deadlineTimer{id})
//		c.send(id)                   // Send a Request, SetTimer for the attempt
//	}
package backoff
