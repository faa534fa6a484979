package pingpong

// misbehave writes one map from many goroutines (vet refuses this; the
// test builds it unvetted to show the runner survives it anyway).
func misbehave(s *server) {
	m := map[int]int{}
	for g := range 8 {
		go func() {
			for i := 0; ; i++ {
				m[i%1000+g] = i
			}
		}()
	}
	for i := 0; ; i++ {
		m[i%1000] = i
	}
}
