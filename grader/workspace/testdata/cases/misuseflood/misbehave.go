package pingpong

import "github.com/faultline-dev/faultline/labs/node"

// misbehave sends 200,000 messages to a node that does not exist: each is
// a misuse, noted (the count and the first few) but not fatal.
func misbehave(s *server) {
	for range 200_000 {
		s.env.Send(node.ID(99), Request{})
	}
}
