package pingpong

func background(f func()) {
	go func() {
		for {
			f()
		}
	}()
}
