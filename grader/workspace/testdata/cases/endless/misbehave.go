package pingpong

// misbehave never returns.
func misbehave(s *server) {
	for {
		s.n++
	}
}
