package pingpong

import "github.com/faultline-dev/faultline/labs/node"

// Tree has two pointers to its own type: classifying it for copying must
// take time linear in the type, not exponential.
type Tree struct {
	L, R *Tree
	Up   *Tree
	V    int
}

// misbehave sends a small tree, which the client ignores.
func misbehave(s *server) {
	t := &Tree{V: 1, L: &Tree{V: 2}, R: &Tree{V: 3}}
	s.env.Send(node.ID(1), t)
}
