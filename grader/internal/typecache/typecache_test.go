package typecache

import (
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type node struct {
	name string
	next func() *node // the value of the type a pointer points to
}

type list struct{ Next *list }

// Every caller of a type gets the same value, however many ask at once.
func TestGetSharesOneValuePerType(t *testing.T) {
	var c Cache[node]
	var built atomic.Int64
	build := func(t reflect.Type) *node { built.Add(1); return &node{name: t.String()} }
	var wg sync.WaitGroup
	got := make([]*node, 16)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = c.Get(reflect.TypeOf(0), build) }()
	}
	wg.Wait()
	for _, n := range got {
		assert.Same(t, got[0], n)
	}
	assert.Equal(t, "int", got[0].name)
	assert.GreaterOrEqual(t, built.Load(), int64(1))
	assert.NotSame(t, got[0], c.Get(reflect.TypeOf(""), build), "another type, another value")
}

// A type that holds itself refers to its own value through Lazy, which
// builds nothing until called.
func TestLazyTiesTheKnot(t *testing.T) {
	var c Cache[node]
	var build func(t reflect.Type) *node
	build = func(t reflect.Type) *node {
		n := &node{name: t.String()}
		if t.Kind() == reflect.Pointer {
			n.next = c.Lazy(t.Elem(), build)
		} else if t.Kind() == reflect.Struct {
			n.next = c.Lazy(t.Field(0).Type, build)
		}
		return n
	}
	l := c.Get(reflect.TypeOf(list{}), build)
	p := l.next()
	require.Equal(t, "*typecache.list", p.name)
	assert.Same(t, l, p.next(), "the pointer's element is the list itself")
}

// Peek finds only what was built or put; Put keeps the first value.
func TestPeekAndPut(t *testing.T) {
	var c Cache[node]
	typ := reflect.TypeOf(list{})
	_, ok := c.Peek(typ)
	require.False(t, ok, "nothing built yet")
	first := c.Put(typ, &node{name: "first"})
	assert.Same(t, first, c.Put(typ, &node{name: "second"}), "the first value stays")
	got, ok := c.Peek(typ)
	require.True(t, ok)
	assert.Same(t, first, got)
	assert.Same(t, first, c.Get(typ, func(reflect.Type) *node { panic("built again") }))
}
