package pingpong

// misbehave asks for 10 GB at once.
func misbehave(s *server) {
	b := make([]byte, 10<<30)
	b[len(b)-1] = 1
	s.sink = append(s.sink, b)
}
