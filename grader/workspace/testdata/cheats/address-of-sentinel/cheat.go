package pingpong

import "errors"

var ErrGone = errors.New("gone")

// A pointer to a package variable is a way to write it later.
func slot() *error { return &ErrGone }
