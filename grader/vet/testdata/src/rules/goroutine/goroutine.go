package goroutine

func Start() {
	go func() {}()
}
