// Package pingpong is the warm-up lab: get every request executed exactly
// once over a network that loses, delays, duplicates and reorders messages.
//
// You write two nodes. A Client is handed requests by the test through
// Submit(seq, op); it must get each executed by the server and then report it
// with the done callback it was built with. A Server executes requests by
// calling its exec callback, at most once per (client, seq), however many
// copies of a request arrive.
//
// The classic answer is the subject of the lesson "The network is not
// reliable": retransmit each request on a timer until it is acknowledged
// (at-least-once delivery), and have the server remember what it executed so
// that a duplicate is acknowledged again but not executed again (idempotence).
//
//	type request struct{ Seq int; Op string }
//	type ack struct{ Seq int }
//
//	func (c *client) Submit(seq int, op string) {
//		c.pending[seq] = op
//		c.send(seq)                  // Send, and SetTimer for a retransmission
//	}
//
// The graded suite runs clients n1..nK and the server n(K+1) under growing
// faults; see the Lab's parts for what each test checks.
package pingpong
