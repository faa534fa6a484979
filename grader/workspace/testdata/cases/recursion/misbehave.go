package pingpong

// misbehave recurses without end: a stack overflow, which no recover sees.
func misbehave(s *server) {
	s.n++
	misbehave(s)
}
