package pingpong

import "github.com/faultline-dev/faultline/labs/node"

// misbehave sends without end to a node that does not exist: no event is
// ever queued, so only a count of the handler's Env calls can stop it.
func misbehave(s *server) {
	for {
		s.env.Send(node.ID(99), Request{})
	}
}
