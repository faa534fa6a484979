package shared

import (
	"errors"
	"fmt"
	. "strings" // want `dot-import of "strings"`
)

type node struct{}

type iface interface{}

var _ iface = (*node)(nil) // a compile-time check holds no state

var ErrGone = errors.New("gone") // a sentinel error holds no state

var errWrapped = fmt.Errorf("wrapped: %w", ErrGone)

var seen = map[int]bool{} // want `package-level variable seen is not allowed`

var (
	count int    // want `package-level variable count is not allowed`
	name  string // want `package-level variable name is not allowed`
)

func init() { // want `func init is not allowed in lab code`
	count = 1 // want `assignment to package-level variable shared.count`
}

//go:linkname now time.now // want `//go:linkname is not allowed`
func now() int64

func handler() {
	println("hi") // want `builtin println writes to the grader's error stream`
	_ = ToUpper("x")
	_ = errWrapped
	_ = seen
	_ = name
}
