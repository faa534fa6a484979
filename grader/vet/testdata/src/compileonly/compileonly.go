package compileonly

// go/types accepts this; only the compiler refuses it. Check passing it
// shows that the rule check never runs the compiler on lab code (the
// runner build does, under its limits, and reports the error).
func F() byte {
	var a [1 << 50]byte
	return a[0]
}
