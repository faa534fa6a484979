package pingpong

// misbehave keeps 64 MB per message and never lets go: the heap grows
// past the runner's limit over a few handlers.
func misbehave(s *server) {
	for range 8 {
		b := make([]byte, 8<<20)
		for i := range b {
			b[i] = byte(i)
		}
		s.sink = append(s.sink, b)
	}
}
