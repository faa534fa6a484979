package pingpong

import "strings"

// misbehave panics with a 150 MB string: the report keeps a bounded part.
func misbehave(s *server) { panic(strings.Repeat("x", 150<<20)) }
