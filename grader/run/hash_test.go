package run

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
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
