package compileonly

// go/types accepts this; only the compiler refuses it.
func F() byte {
	var a [1 << 50]byte
	return a[0]
}
