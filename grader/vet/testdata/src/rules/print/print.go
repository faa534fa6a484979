package print

func Say() {
	println("hi")
}
