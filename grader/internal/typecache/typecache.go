// Package typecache keeps one value per Go type, built the first time the
// type is asked for and shared by every goroutine after: the simulator's
// compiled message copiers and the grader's compiled hashers.
//
//	var copiers typecache.Cache[copier]
//	c := copiers.Get(t, buildCopier) // built once per type
//	next := copiers.Lazy(t.Elem(), buildCopier) // for a type that may hold itself
package typecache

import (
	"reflect"
	"sync"
	"sync/atomic"
)

// Cache maps a reflect.Type to its *T. The zero Cache is ready to use.
type Cache[T any] struct{ m sync.Map }

// Get returns t's value, calling build the first time. Two goroutines may
// both build a type's value at once; one result is kept and returned to
// both. build may call Get for other types, but not for t itself: a type
// that holds itself (through a pointer, slice or map) must refer to its
// own value through Lazy.
func (c *Cache[T]) Get(t reflect.Type, build func(reflect.Type) *T) *T {
	if v, ok := c.m.Load(t); ok {
		return v.(*T)
	}
	actual, _ := c.m.LoadOrStore(t, build(t))
	return actual.(*T)
}

// Peek returns t's value if it has been built, without building it.
func (c *Cache[T]) Peek(t reflect.Type) (*T, bool) {
	v, ok := c.m.Load(t)
	if !ok {
		return nil, false
	}
	return v.(*T), true
}

// Put keeps v as t's value unless t has one already, and returns the one
// kept: for a builder that finds the values of several types at once (a
// type and every type it refers to).
func (c *Cache[T]) Put(t reflect.Type, v *T) *T {
	actual, _ := c.m.LoadOrStore(t, v)
	return actual.(*T)
}

// Lazy returns a function that returns t's value, built on the function's
// first call rather than now: what a builder uses for the types inside the
// one it builds, which may be the same type.
func (c *Cache[T]) Lazy(t reflect.Type, build func(reflect.Type) *T) func() *T {
	var p atomic.Pointer[T]
	return func() *T {
		if v := p.Load(); v != nil {
			return v
		}
		v := c.Get(t, build)
		p.Store(v)
		return v
	}
}
