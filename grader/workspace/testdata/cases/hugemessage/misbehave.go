package pingpong

import "github.com/faultline-dev/faultline/labs/node"

// Blob is a message far larger than any the lab needs.
type Blob struct{ Data []byte }

// misbehave sends a 300 MiB message: judged by its counted size, before
// the simulator copies it, the same on any machine.
func misbehave(s *server) { s.env.Send(node.ID(1), Blob{Data: make([]byte, 300<<20)}) }
