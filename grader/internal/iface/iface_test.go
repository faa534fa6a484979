package iface

import (
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestDirectFollowsTheCompilersRule(t *testing.T) {
	type node struct{ next *node }
	for _, tc := range []struct {
		name   string
		v      any
		direct bool
	}{
		{"pointer", (*int)(nil), true},
		{"map", map[int]int(nil), true},
		{"chan", (chan int)(nil), true},
		{"func", (func())(nil), true},
		{"unsafe pointer", unsafe.Pointer(nil), true},
		{"struct of one pointer", struct{ p *int }{}, true},
		{"array of one pointer", [1]*int{}, true},
		{"nested one-field struct", struct{ s struct{ m map[string]int } }{}, true},
		{"array of one one-field struct", [1]struct{ p *int }{}, true},
		{"recursive one-field struct", node{}, true},
		{"int", 0, false},
		{"string", "", false},
		{"slice", []int(nil), false},
		{"interface field", struct{ x any }{}, false},
		{"two ints", struct{ a, b int }{}, false},
		{"pointer and int", struct {
			p *int
			n int
		}{}, false},
		{"pointer and empty struct", struct {
			p *int
			_ struct{}
		}{}, false},
		{"array of two pointers", [2]*int{}, false},
		{"string-only struct", struct{ s string }{}, false},
		{"empty struct", struct{}{}, false},
		{"empty array", [0]*int{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ := reflect.TypeOf(tc.v)
			assert.Equal(t, tc.direct, Direct(typ))
		})
	}
}

func TestOfReadsAndWritesTheDataWord(t *testing.T) {
	n, m := 7, 8
	var x any = &n
	assert.Equal(t, unsafe.Pointer(&n), Of(&x).Data, "a pointer is its own data word")
	Of(&x).Data = unsafe.Pointer(&m)
	assert.Same(t, &m, x.(*int))

	var y any = [2]int{1, 2}
	assert.Equal(t, [2]int{1, 2}, *(*[2]int)(Of(&y).Data), "an indirect value is pointed to")
}

// TestNewAllocatesTheType: memory from Type.New holds a value of the type,
// zeroed, and the collector knows its pointers (a value reachable only
// through it is not collected).
func TestNewAllocatesTheType(t *testing.T) {
	type block struct {
		n    int
		next *[64]byte
		s    string
	}
	for _, rt := range []reflect.Type{
		reflect.TypeFor[block](),
		reflect.StructOf([]reflect.StructField{{Name: "A", Type: reflect.TypeFor[[]byte]()}, {Name: "B", Type: reflect.TypeFor[[3]int]()}}),
	} {
		p := TypeOf(rt).New()
		v := reflect.NewAt(rt, p).Elem()
		assert.True(t, v.IsZero(), "%v: new memory is zeroed", rt)
	}
	p := (*block)(TypeOf(reflect.TypeFor[block]()).New())
	var collected atomic.Bool
	func() {
		x := new([64]byte)
		copy(x[:], "kept alive only by the block")
		runtime.AddCleanup(x, func(c *atomic.Bool) { c.Store(true) }, &collected)
		p.next = x
	}()
	for range 3 {
		runtime.GC()
	}
	time.Sleep(10 * time.Millisecond) // cleanups run on their own goroutine
	assert.False(t, collected.Load(), "a value the block points to was collected")
	assert.Equal(t, "kept alive only by the block", string(p.next[:28]))
	runtime.KeepAlive(p)
}
