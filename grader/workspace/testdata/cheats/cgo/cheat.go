package pingpong

import "C"

func cgo() {}
