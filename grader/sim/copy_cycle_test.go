package sim

import (
	"math"
	"reflect"
	"runtime"
	"testing"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Types that refer to themselves more than once: classifying them followed
// every path to a depth, 2^64 steps for a tree.
type (
	tree struct {
		L, R *tree
		V    int
	}
	even struct {
		Odd *odd
		V   int
	}
	odd struct {
		Even  *even
		Evens []even
		Odds  map[string]*odd
	}
	// wide is a struct of 30 pointers to its own type.
	wide struct {
		P00 *wide
		P01 *wide
		P02 *wide
		P03 *wide
		P04 *wide
		P05 *wide
		P06 *wide
		P07 *wide
		P08 *wide
		P09 *wide
		P10 *wide
		P11 *wide
		P12 *wide
		P13 *wide
		P14 *wide
		P15 *wide
		P16 *wide
		P17 *wide
		P18 *wide
		P19 *wide
		P20 *wide
		P21 *wide
		P22 *wide
		P23 *wide
		P24 *wide
		P25 *wide
		P26 *wide
		P27 *wide
		P28 *wide
		P29 *wide
	}
	// kids nests through a slice of its own type.
	kids struct{ K []kids }
)

// The same shapes, classified only by TestClassifyingVisitsEachTypeOnce,
// so that no other test has classified them first.
type (
	treeC struct {
		L, R *treeC
		V    int
	}
	evenC struct {
		Odd *oddC
		V   int8
	}
	oddC struct {
		Even  *evenC
		Evens []evenC
		Odds  map[uint16]*oddC
	}
	wideC struct {
		P00 *wideC
		P01 *wideC
		P02 *wideC
		P03 *wideC
		P04 *wideC
		P05 *wideC
		P06 *wideC
		P07 *wideC
		P08 *wideC
		P09 *wideC
		P10 *wideC
		P11 *wideC
		P12 *wideC
		P13 *wideC
		P14 *wideC
		P15 *wideC
		P16 *wideC
		P17 *wideC
		P18 *wideC
		P19 *wideC
		P20 *wideC
		P21 *wideC
		P22 *wideC
		P23 *wideC
		P24 *wideC
		P25 *wideC
		P26 *wideC
		P27 *wideC
		P28 *wideC
		P29 *wideC
	}
	forest struct {
		T00 *treeC
		T01 *treeC
		T02 *treeC
		T03 *treeC
		T04 *treeC
		T05 *treeC
		T06 *treeC
		T07 *treeC
		T08 *treeC
		T09 *treeC
		T10 *treeC
		T11 *treeC
		T12 *treeC
		T13 *treeC
		T14 *treeC
		T15 *treeC
		T16 *treeC
		T17 *treeC
		T18 *treeC
		T19 *treeC
		T20 *treeC
		T21 *treeC
		T22 *treeC
		T23 *treeC
		T24 *treeC
		T25 *treeC
		T26 *treeC
		T27 *treeC
		T28 *treeC
		T29 *treeC
	}
)

// TestClassifyingVisitsEachTypeOnce: classification is linear in the
// types a type reaches, however they refer to each other.
func TestClassifyingVisitsEachTypeOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  reflect.Type
		most int // the types it reaches, itself included
	}{
		{"tree", reflect.TypeFor[treeC](), 3},                  // treeC, *treeC, int
		{"mutually recursive", reflect.TypeFor[evenC](), 9},    // evenC, *oddC, oddC, int8, *evenC, []evenC, map, uint16, *oddC
		{"30 pointers to itself", reflect.TypeFor[wideC](), 2}, // wideC, *wideC
		{"30 pointers to a tree", reflect.TypeFor[forest](), 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, visits := classifyCounting(tc.typ)
			require.NoError(t, k.err)
			assert.False(t, k.immutable)
			assert.LessOrEqual(t, visits, tc.most)
			assert.Positive(t, visits, "classified here first")
			_, again := classifyCounting(tc.typ)
			assert.Zero(t, again, "kept")
		})
	}
}

// TestClassifyingFindsWhatCannotBeSentThroughACycle: a type that reaches
// a chan only through a cycle is refused, and so is every type on it.
func TestClassifyingFindsWhatCannotBeSentThroughACycle(t *testing.T) {
	type withChan struct {
		Self *withChan
		C    chan int
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[withChan](), reflect.TypeFor[*withChan](), reflect.TypeFor[[]withChan]()} {
		_, _, _, err := classify(typ)
		assert.ErrorContains(t, err, "chan cannot be sent", typ.String())
	}
}

func fullTree(depth, v int) *tree {
	if depth == 0 {
		return nil
	}
	return &tree{L: fullTree(depth-1, 2*v), R: fullTree(depth-1, 2*v+1), V: v}
}

// TestCopyOfSelfReferringTypes copies values of those types deeply: as
// trees, a value reached twice copied twice.
func TestCopyOfSelfReferringTypes(t *testing.T) {
	leaf := &tree{V: 9}
	var w wide
	w.P03, w.P29 = &wide{}, &wide{}
	for _, tc := range []struct {
		name string
		msg  any
		size int
	}{
		{"binary tree", fullTree(5, 1), 31 * 8},
		{"shared leaf, copied twice", &tree{L: leaf, R: leaf}, 3 * 8},
		{"mutually recursive", even{V: 1, Odd: &odd{Even: &even{V: 2}, Evens: []even{{V: 3}}, Odds: map[string]*odd{"x": {}}}}, 3*8 + 1},
		{"30 pointers", w, 0},
		{"nested through a slice", kids{K: []kids{{}, {K: []kids{}}}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, size, err := copyMessage(planFor(typeOf(tc.msg)), tc.msg, testWalk())
			require.NoError(t, err)
			assert.Equal(t, tc.size, size)
			assert.True(t, reflect.DeepEqual(tc.msg, got))
			scribble(reflect.ValueOf(&tc.msg).Elem(), 0)
			assert.False(t, reflect.DeepEqual(tc.msg, got) && tc.size > 0, "the copy shares memory with the original")
		})
	}
	t.Run("a value reached twice is copied twice", func(t *testing.T) {
		got, _, err := copyMessage(planFor(typeOf(&tree{})), &tree{L: leaf, R: leaf}, testWalk())
		require.NoError(t, err)
		c := got.(*tree)
		assert.NotSame(t, c.L, c.R)
		assert.NotSame(t, leaf, c.L)
	})
}

// TestCyclicValuesAreRefused: a cycle has no copy as a tree; the copier
// says so at once, however many ways lead round it.
func TestCyclicValuesAreRefused(t *testing.T) {
	self := &tree{V: 1}
	self.L = self
	a, b, c := &tree{V: 1}, &tree{V: 2}, &tree{V: 3} // a doubly linked ring
	a.R, b.R, c.R = b, c, a
	a.L, b.L, c.L = c, a, b
	var round wide
	ws := reflect.ValueOf(&round).Elem()
	for i := range ws.NumField() {
		ws.Field(i).Set(reflect.ValueOf(&round))
	}
	m := map[string]any{}
	m["self"] = m
	ks := make([]kids, 2)
	ks[1].K = ks
	for _, tc := range []struct {
		name string
		msg  any
	}{
		{"a node that is its own child", self},
		{"a doubly linked ring", a},
		{"30 pointers to itself", &round},
		{"a map that holds itself", m},
		{"a slice whose element holds it", kids{K: ks}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := testWalk()
			_, _, err := copyMessage(planFor(typeOf(tc.msg)), tc.msg, w)
			var ce *cycleError
			require.ErrorAs(t, err, &ce)
			assert.Greater(t, w.room, w.limit-1<<20, "found before walking far")
			_, err = sizeMessage(planFor(typeOf(tc.msg)), tc.msg, testWalk())
			assert.ErrorAs(t, err, &ce, "measuring")
		})
	}
}

// chain returns a value of depth levels in which every field of a level
// points to the one next level: 30^depth paths, copied as a tree.
func chain(depth int) *wide {
	w := &wide{}
	for range depth {
		next := &wide{}
		v := reflect.ValueOf(next).Elem()
		for i := range v.NumField() {
			v.Field(i).Set(reflect.ValueOf(w))
		}
		w = next
	}
	return w
}

// TestLargeMessagesAreRefusedBeforeTheyAreCopied: a message over the limit,
// counted or as its copy would take (sharing copied as a tree), is refused
// before the copy allocates more than the limit.
func TestLargeMessagesAreRefusedBeforeTheyAreCopied(t *testing.T) {
	type bigArray struct {
		A [1 << 16]byte
		P *int
	}
	for _, tc := range []struct {
		name  string
		limit int
		msg   any
	}{
		{"a byte slice", 1 << 10, []byte(string(make([]byte, 2<<10)))},
		{"a byte slice in a struct", 1 << 10, benchAppend{Entries: []benchEntry{{Command: make([]byte, 2<<10)}}}},
		{"a string", 1 << 10, string(make([]byte, 2<<10))},
		{"a large array beside a pointer", 1 << 10, &bigArray{}},
		{"a map", 1 << 10, map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 10: 10, 11: 11, 12: 12, 13: 13, 14: 14, 15: 15, 16: 16, 17: 17, 18: 18, 19: 19, 20: 20, 21: 21, 22: 22, 23: 23, 24: 24, 25: 25, 26: 26, 27: 27, 28: 28, 29: 29, 30: 30, 31: 31, 32: 32, 33: 33, 34: 34, 35: 35, 36: 36, 37: 37, 38: 38, 39: 39, 40: 40, 41: 41, 42: 42, 43: 43, 44: 44, 45: 45, 46: 46, 47: 47, 48: 48, 49: 49, 50: 50, 51: 51, 52: 52, 53: 53, 54: 54, 55: 55, 56: 56, 57: 57, 58: 58, 59: 59, 60: 60, 61: 61, 62: 62, 63: 63, 64: 64, 65: 65}},
		{"shared memory, 30^6 paths", DefaultMaxMessageBytes, chain(6)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, w := planFor(typeOf(tc.msg)), newWalk(tc.limit)
			_, _, err := copyMessage(p, tc.msg, w)
			require.ErrorIs(t, err, errTooLarge)
			_, err = sizeMessage(p, tc.msg, w)
			require.ErrorIs(t, err, errTooLarge, "measuring")
			if tc.limit < 1<<20 {
				// Refused before the copy allocates: a few words a call,
				// where the message is more than twice the limit.
				// TotalAlloc counts every goroutine's allocations (a
				// finished test's leftovers, the race detector's): the
				// least of five tries is the copier's own.
				least := uint64(math.MaxUint64)
				for range 5 {
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					for range 8 {
						_, _, _ = copyMessage(p, tc.msg, w)
					}
					runtime.ReadMemStats(&after)
					least = min(least, after.TotalAlloc-before.TotalAlloc)
				}
				assert.Less(t, least, uint64(tc.limit), "allocated before refusing")
			}
		})
	}
}

// TestSendOfALargeMessageStopsTheRun: the limit is a verdict, counted the
// same on every machine, whether the network would have dropped the
// message or not.
func TestSendOfALargeMessageStopsTheRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    faults.Model
	}{{"delivered", faults.Reliable()}, {"lost", faults.Model{Loss: 1}}} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newSim(t, Config{Nodes: 2, Faults: tc.f, MaxMessageBytes: 1 << 10}, func(id node.ID) *recorder {
				return &recorder{onStart: func(env node.Env) {
					if id == 1 {
						env.Send(2, make([]byte, 1<<10-24)) // with its slice header, at the limit: fine
						env.Send(2, make([]byte, 1<<10-23))
					}
				}}
			})
			defer func() {
				le, ok := recover().(*LimitError)
				require.True(t, ok, "stopped with a *LimitError")
				assert.Equal(t, LimitMessageBytes, le.What)
				assert.Equal(t, node.ID(1), le.Node)
				assert.Equal(t, "[]uint8", le.Type)
				assert.Contains(t, le.Error(), "more than 1024 bytes")
				assert.Equal(t, int64(1), s.Stats().Sent, "the first message was sent")
			}()
			s.RunFor(1)
			t.Fatal("the run went on")
		})
	}
}
