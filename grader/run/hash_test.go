package run

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sumOf fingerprints v as the digester fingerprints a message.
func sumOf(v any) uint64 { return uint64(hashAny(newFNV(), unsafe.Pointer(&v), 0)) }

// noisy's methods must never run while it is hashed.
type noisy struct {
	n    int
	tags map[string][]byte
}

func (noisy) String() string               { panic("hashed by calling String") }
func (noisy) MarshalJSON() ([]byte, error) { panic("hashed by calling MarshalJSON") }

type chain struct {
	V    int
	Next *chain
}

type shown struct{ S fmt.Stringer }

func ascending(n int) map[int]string {
	m := map[int]string{}
	for i := range n {
		m[i] = fmt.Sprint(i)
	}
	return m
}

func descending(n int) map[int]string {
	m := map[int]string{}
	for i := n - 1; i >= 0; i-- {
		m[i] = fmt.Sprint(i)
	}
	return m
}

func cycle(v int) *chain {
	c := &chain{V: v}
	c.Next = c
	return c
}

func TestEqualValuesHashEqual(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b any
	}{
		{"ints", 7, 7},
		{"strings", "raft", "raft"},
		{"byte slices in new memory", []byte("abc"), []byte("abc")},
		{"nil and empty slices", benchAppend{Entries: nil}, benchAppend{Entries: []benchEntry{}}},
		{"entries", benchAppend{Term: 2, Entries: []benchEntry{{1, []byte("x")}}}, benchAppend{Term: 2, Entries: []benchEntry{{1, []byte("x")}}}},
		{"pointers to equal values, not the same address", &chain{V: 1}, &chain{V: 1}},
		{"maps filled in different orders", ascending(200), descending(200)},
		{"map values holding slices", noisy{tags: map[string][]byte{"a": {1}, "b": {2}}}, noisy{tags: map[string][]byte{"b": {2}, "a": {1}}}},
		{"cycles end", cycle(3), cycle(3)},
		{"arrays of bytes", [3]byte{1, 2, 3}, [3]byte{1, 2, 3}},
		{"non-empty interfaces", shown{noisy{n: 1}}, shown{noisy{n: 1}}},
		{"funcs are not looked into", func() {}, func() {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, sumOf(tc.a), sumOf(tc.b))
		})
	}
}

func TestChangedValuesHashDifferently(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b any
	}{
		{"ints", 7, 8},
		{"bools", true, false},
		{"floats", 1.5, 2.5},
		{"strings", "raft", "paxos"},
		{"where strings split", [2]string{"ab", "c"}, [2]string{"a", "bc"}},
		{"a byte of a command", benchAppend{Entries: []benchEntry{{1, []byte("x")}}}, benchAppend{Entries: []benchEntry{{1, []byte("y")}}}},
		{"a term", benchAppend{Term: 1}, benchAppend{Term: 2}},
		{"one entry more", benchAppend{Entries: []benchEntry{{}}}, benchAppend{Entries: []benchEntry{{}, {}}}},
		{"what a pointer points to", &chain{V: 1}, &chain{V: 2}},
		{"nil and non-nil pointers", &chain{}, &chain{Next: &chain{}}},
		{"an unexported field", noisy{n: 1}, noisy{n: 2}},
		{"a map value", noisy{tags: map[string][]byte{"a": {1}}}, noisy{tags: map[string][]byte{"a": {2}}}},
		{"a map key", map[int]string{1: "x"}, map[int]string{2: "x"}},
		{"the type in an interface", int32(1), int64(1)},
		{"inside an interface", shown{noisy{n: 1}}, shown{noisy{n: 2}}},
		{"an array of bytes", [3]byte{1, 2, 3}, [3]byte{1, 2, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.NotEqual(t, sumOf(tc.a), sumOf(tc.b))
		})
	}
}

// TestHashIsFNVOfTheContents checks the encoding against the standard
// library's FNV-1a over the bytes it should write: fixed, so that
// fingerprints are the same in every process and on every machine.
func TestHashIsFNVOfTheContents(t *testing.T) {
	m := benchAppend{Term: 2, Leader: 1, PrevLogIndex: 3, PrevLogTerm: 1, Entries: []benchEntry{{2, []byte("set x 1")}}, LeaderCommit: 4}
	var want []byte
	word := func(v int64) { want = binary.LittleEndian.AppendUint64(want, uint64(v)) }
	typ := fnv.New64a()
	typ.Write([]byte("run.benchAppend"))
	want = append(want, 1) // not nil
	word(int64(typ.Sum64()))
	word(2)
	word(1)
	word(3)
	word(1)
	word(1) // one entry
	word(2)
	word(7)
	want = append(want, "set x 1"...)
	word(4)
	h := fnv.New64a()
	h.Write(want)
	assert.Equal(t, h.Sum64(), sumOf(m))
}

// Types that refer to themselves more than once.
type (
	treeH struct {
		L, R *treeH
		V    int
	}
	wideH struct {
		P00 *wideH
		P01 *wideH
		P02 *wideH
		P03 *wideH
		P04 *wideH
		P05 *wideH
		P06 *wideH
		P07 *wideH
		P08 *wideH
		P09 *wideH
		P10 *wideH
		P11 *wideH
		P12 *wideH
		P13 *wideH
		P14 *wideH
		P15 *wideH
		P16 *wideH
		P17 *wideH
		P18 *wideH
		P19 *wideH
		P20 *wideH
		P21 *wideH
		P22 *wideH
		P23 *wideH
		P24 *wideH
		P25 *wideH
		P26 *wideH
		P27 *wideH
		P28 *wideH
		P29 *wideH
	}
	evenH struct {
		Odd *oddH
		V   int
	}
	oddH struct {
		Evens []evenH
		Odds  map[string]*oddH
	}
)

// chainH returns a value of depth levels in which every field of a level
// points to the one next level: 30^depth paths to hash as a tree.
func chainH(depth int) *wideH {
	w := &wideH{}
	for range depth {
		next := &wideH{}
		v := reflect.ValueOf(next).Elem()
		for i := range v.NumField() {
			v.Field(i).Set(reflect.ValueOf(w))
		}
		w = next
	}
	return w
}

func ringH(n int) *treeH {
	nodes := make([]*treeH, n)
	for i := range nodes {
		nodes[i] = &treeH{V: i}
	}
	for i, t := range nodes {
		t.R, t.L = nodes[(i+1)%n], nodes[(i+n-1)%n]
	}
	return nodes[0]
}

// visits returns how many values hashing v visited.
func visits(v any) int {
	_, left := walkAny(newFNV(), unsafe.Pointer(&v), 0, hashBudget)
	return hashBudget - left
}

// TestSelfReferringValuesHashInBoundedSteps: trees, rings, and values whose
// parts share memory (30^6 paths) hash within the budget, the same way
// every time, and their contents still count.
func TestSelfReferringValuesHashInBoundedSteps(t *testing.T) {
	selfish := &wideH{}
	sv := reflect.ValueOf(selfish).Elem()
	for i := range sv.NumField() {
		sv.Field(i).Set(reflect.ValueOf(selfish))
	}
	for _, tc := range []struct {
		name    string
		a, b, c any // a and b equal, c different
		most    int
	}{
		{"a doubly linked ring", ringH(5), ringH(5), ringH(6), 200},
		{"a tree", &treeH{L: &treeH{V: 1}, R: &treeH{V: 2}}, &treeH{L: &treeH{V: 1}, R: &treeH{V: 2}}, &treeH{L: &treeH{V: 1}, R: &treeH{V: 3}}, 10},
		{"30 pointers to itself", selfish, selfish, &wideH{}, hashBudget},
		{"30^6 paths through shared memory", chainH(6), chainH(6), chainH(5), hashBudget},
		{"mutually recursive", evenH{Odd: &oddH{Evens: []evenH{{V: 1}}, Odds: map[string]*oddH{"a": {}}}}, evenH{Odd: &oddH{Evens: []evenH{{V: 1}}, Odds: map[string]*oddH{"a": {}}}}, evenH{Odd: &oddH{Evens: []evenH{{V: 2}}}}, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.LessOrEqual(t, visits(tc.a), tc.most)
			assert.Equal(t, sumOf(tc.a), sumOf(tc.b))
			assert.NotEqual(t, sumOf(tc.a), sumOf(tc.c))
		})
	}
}

// TestAMapCutShortHashesTheSameInAnyOrder: when a map's entries need more
// than the budget, which ones were hashed first must not show.
func TestAMapCutShortHashesTheSameInAnyOrder(t *testing.T) {
	build := func(keys []int) map[int]*wideH {
		m := map[int]*wideH{}
		for _, k := range keys {
			m[k] = chainH(3 + k%2)
		}
		return m
	}
	asc, desc := build([]int{0, 1, 2, 3, 4, 5, 6, 7}), build([]int{7, 6, 5, 4, 3, 2, 1, 0})
	require.Equal(t, hashBudget, visits(asc), "the budget runs out")
	want := sumOf(asc)
	for range 5 { // a map's order differs from one range to the next
		assert.Equal(t, want, sumOf(asc))
		assert.Equal(t, want, sumOf(desc))
	}
}
