package pingpong

// A blank variable whose initializer runs student code at init, outside
// any run.
var _ = setup()

func setup() int { return 1 }
