package pingpong

import "errors"

// ErrGone looks like a sentinel, but is written later: shared memory.
var ErrGone = errors.New("gone")

func park(s string) { ErrGone = errors.New(s) }
