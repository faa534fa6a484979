package search

import (
	"sync/atomic"
	"unsafe"
)

// wordCache maps an interface's first word (a type, or an itab: both live
// as long as the program) to a compiled plan, without the hashing and
// locking of a sync.Map: a boxed value's plan is looked up for every
// message and every node copied. It is direct-mapped; a collision only
// costs the slower lookup it replaces.
type wordCache[T any] struct {
	slots [1024]atomic.Pointer[wordEntry[T]]
}

type wordEntry[T any] struct {
	word unsafe.Pointer
	v    *T
}

func (c *wordCache[T]) get(word unsafe.Pointer, build func() *T) *T {
	i := (uintptr(word) >> 3) % uintptr(len(c.slots))
	if e := c.slots[i].Load(); e != nil && e.word == word {
		return e.v
	}
	v := build()
	c.slots[i].Store(&wordEntry[T]{word, v})
	return v
}
