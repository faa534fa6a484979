package sim

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/internal/iface"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type (
	celsius float64
	names   []string
	entries []benchEntry
	byName  map[string][]byte
	wrapped struct{ p *int }
	onePtr  [1]*int
	list    struct {
		V    int
		Next *list
	}
	loop   struct{ Next *loop }
	padded struct {
		a byte
		b int64
		c []byte
		d byte
		e int16
		s string
		z struct{}
	}
	private struct {
		n     int
		data  []byte
		words []string
		inner *private
	}
	named  struct{ First, Last string }
	holder struct{ X any }
	shower struct{ S fmt.Stringer }
	text   []byte
)

func (b text) String() string { return string(b) }

func intPtr(n int) *int { return &n }

// copyCases are messages of many shapes. Each must copy deeply, with the
// size the reflect.Value implementation (the oracle) counted.
func copyCases() []struct {
	name string
	msg  any
} {
	shared := intPtr(5)
	return []struct {
		name string
		msg  any
	}{
		{"int", 42},
		{"string", "hello"},
		{"named float", celsius(21.5)},
		{"complex", complex(1, 2)},
		{"byte array", [4]byte{1, 2, 3, 4}},
		{"empty struct", struct{}{}},
		{"empty array", [0]int{}},
		{"string-only struct", named{"Ada", "Lovelace"}},
		{"two ints", struct{ a, b int }{1, 2}},
		{"array of strings", [2]string{"x", "yz"}},
		{"byte slice", []byte("0123456789")},
		{"empty byte slice", []byte{}},
		{"nil byte slice", []byte(nil)},
		{"int slice", []int{1, 2, 3}},
		{"named string slice", names{"a", "bc"}},
		{"slice of byte slices", [][]byte{[]byte("ab"), nil, {}}},
		{"slice of structs with bytes", entries{{1, []byte("set x")}, {2, nil}}},
		{"empty slice of structs", entries{}},
		{"heartbeat", benchAppend{Term: 2, Entries: entries{}}},
		{"array of slices", [3][]int{{1}, nil, {2, 3}}},
		{"pointer", intPtr(7)},
		{"nil pointer", (*int)(nil)},
		{"pointer to struct", &benchAppend{Term: 2, Entries: entries{{2, []byte("c")}}}},
		{"pointer-shaped struct", wrapped{intPtr(3)}},
		{"pointer-shaped array", onePtr{intPtr(4)}},
		{"slice of pointers to one int", []*int{shared, shared}},
		{"linked list", &list{1, &list{2, &list{3, nil}}}},
		{"padded struct", padded{a: 1, b: 2, c: []byte("cc"), d: 4, e: 5, s: "six"}},
		{"unexported fields", private{n: 1, data: []byte("d"), words: []string{"w"}, inner: &private{n: 2, data: []byte("e")}}},
		{"nil slices, maps and pointers", Batch{}},
		{"batch", Batch{Items: []int{1, 2}, Tags: map[string][]byte{"k": []byte("vv"), "l": nil}, Next: &Batch{Items: []int{3}}, inner: []string{"i"}}},
		{"map", map[string]int{"a": 1, "b": 2}},
		{"nil map", map[string]int(nil)},
		{"named map of slices", byName{"a": []byte("x"), "b": {}}},
		{"map with struct keys", map[named][]int{{"a", "b"}: {1}}},
		{"interface holding a slice", holder{[]int{1, 2}}},
		{"interface holding a pointer", holder{intPtr(9)}},
		{"interface holding a map", holder{map[int][]byte{1: []byte("z")}}},
		{"nil interface", holder{}},
		{"non-empty interface", shower{text("shown")}},
		{"slice of interfaces", []any{1, "two", []byte("three"), nil, wrapped{intPtr(4)}}},

		// Copied in one block (copy_block.go), or too big for one.
		{"1 entry", appendWith(1, 7)},
		{"2 entries", appendWith(2, 7)},
		{"16 entries", appendWith(maxBlockElems, 7)},
		{"17 entries", appendWith(maxBlockElems+1, 7)},
		{"a command over the byte limit", appendWith(1, maxBlockBytes+1)},
		{"commands over the byte limit together", appendWith(maxBlockElems, maxBlockBytes/maxBlockElems+1)},
		{"commands at the byte limit", appendWith(maxBlockElems, maxBlockBytes/maxBlockElems)},
		{"empty commands", appendWith(3, 0)},
		{"nil commands", benchAppend{Term: 4, Entries: entries{{1, nil}, {2, nil}}}},
		{"nil, empty and odd commands", benchAppend{Term: 4, Entries: entries{{1, nil}, {2, []byte{}}, {3, []byte("abc")}, {4, []byte("defgh")}}}},
		{"pointer to entries", &benchAppend{Term: 5, Entries: entries{{5, []byte("p")}, {5, nil}}}},
		{"entries in an interface", holder{benchAppend{Term: 6, Entries: entries{{6, []byte("i")}}}}},
		{"flat elements", flatBlock{Name: "f", Items: []int32{1, 2, 3}}},
		{"string elements", stringBlock{N: 1, Names: []string{"a", "", "bcd"}}},
		{"elements with strings and slices", mixedBlock{Entries: []mixedEntry{
			{ID: "x", Key: []byte("kk"), Vals: []int64{1, 2}, Pad: 1},
			{ID: "y", Key: []byte("k"), Vals: nil},
			{ID: "z", Key: nil, Vals: []int64{}},
		}}},
	}
}

type (
	flatBlock struct {
		Name  string
		Items []int32
		Done  bool
	}
	stringBlock struct {
		N     int
		Names []string
	}
	mixedEntry struct {
		ID   string
		Key  []byte
		Pad  byte
		Vals []int64
	}
	mixedBlock struct{ Entries []mixedEntry }
)

// appendWith returns an AppendEntries of n entries, each with a command of
// cmdLen bytes.
func appendWith(n, cmdLen int) benchAppend {
	m := benchAppend{Term: 7, Leader: 2, PrevLogIndex: 40, PrevLogTerm: 6, LeaderCommit: 39, Entries: make(entries, n)}
	for i := range m.Entries {
		m.Entries[i] = benchEntry{Term: 7, Command: make([]byte, cmdLen)}
		for j := range m.Entries[i].Command {
			m.Entries[i].Command[j] = byte(i + j)
		}
	}
	return m
}

func TestCopyMessageIsDeepAndSizedAsBefore(t *testing.T) {
	for _, tc := range copyCases() {
		t.Run(tc.name, func(t *testing.T) {
			want, wantSize, err := oldCopyMessage(oldPlanFor(typeOf(tc.msg)), tc.msg)
			require.NoError(t, err)
			measured, err := sizeMessage(planFor(typeOf(tc.msg)), tc.msg, testWalk())
			require.NoError(t, err)
			assert.Equal(t, wantSize, measured, "size measured without copying")
			got, size, err := copyMessage(planFor(typeOf(tc.msg)), tc.msg, testWalk())
			require.NoError(t, err)
			assert.Equal(t, wantSize, size, "size")
			require.Equal(t, typeOf(tc.msg), typeOf(got))
			assert.True(t, reflect.DeepEqual(tc.msg, got), "copy differs from the original: %#v", got)

			// A receiver that appends to a copied slice must not write
			// into memory the copy holds elsewhere (a block's next command).
			assertFullSlices(t, reflect.ValueOf(got), 0)

			// Change everything reachable from the original: the copy
			// must not see it.
			scribble(reflect.ValueOf(&tc.msg).Elem(), 0)
			assert.True(t, reflect.DeepEqual(want, got), "copy changed with the original: %#v", got)
		})
	}
}

// assertFullSlices checks that every slice reachable from v has a capacity
// equal to its length.
func assertFullSlices(t *testing.T, v reflect.Value, depth int) {
	t.Helper()
	if depth > 20 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			assertFullSlices(t, v.Elem(), depth+1)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice {
			assert.Equal(t, v.Len(), v.Cap(), "capacity of a %s", v.Type())
		}
		for i := range v.Len() {
			assertFullSlices(t, v.Index(i), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			assertFullSlices(t, v.Field(i), depth+1)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			assertFullSlices(t, it.Value(), depth+1)
		}
	}
}

// TestBlockCopiesAllocateOnce checks which messages copy_block.go copies in
// one allocation, and that the others are copied as before. The counts are
// relative to a message of one entry, for instrumented builds (checkptr)
// allocate more in copyMessage itself.
func TestBlockCopiesAllocateOnce(t *testing.T) {
	allocs := func(msg any) float64 {
		p := planFor(typeOf(msg))
		_, _, err := copyMessage(p, msg, testWalk()) // build the block's type
		require.NoError(t, err)
		w := testWalk()
		return testing.AllocsPerRun(20, func() { _, _, _ = copyMessage(p, msg, w) })
	}
	one := allocs(appendWith(1, 7))
	for _, tc := range []struct {
		name  string
		msg   any
		extra float64 // allocations more than one entry takes
	}{
		{"16 entries", appendWith(maxBlockElems, 7), 0},
		{"16 entries at the byte limit", appendWith(maxBlockElems, maxBlockBytes/maxBlockElems), 0},
		{"nil and empty commands", benchAppend{Entries: entries{{1, nil}, {2, []byte{}}}}, 0},
		{"flat elements", flatBlock{Items: []int32{1}}, 0},
		{"elements with strings and slices", mixedBlock{Entries: []mixedEntry{{Key: []byte("k"), Vals: []int64{1}}}}, 0},
		{"17 entries", appendWith(maxBlockElems+1, 7), 1 + maxBlockElems + 1}, // the array, each command
		{"over the byte limit", appendWith(1, maxBlockBytes+1), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, one+tc.extra, allocs(tc.msg))
		})
	}
}

// scribble changes every number, string and element reachable from v that
// can be changed without replacing v itself.
func scribble(v reflect.Value, depth int) {
	if depth > 20 {
		return
	}
	if v.CanAddr() {
		v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem() // unexported too
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.CanSet() {
			v.SetInt(v.Int() + 1)
		}
	case reflect.Uint8:
		if v.CanSet() {
			v.SetUint(v.Uint() + 1)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(v.String() + "!")
		}
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem(), depth+1)
		}
	case reflect.Interface:
		if v.IsNil() || !v.CanSet() {
			return
		}
		// Change what the value refers to, then the interface itself.
		c := reflect.New(v.Elem().Type()).Elem()
		c.Set(v.Elem())
		scribble(c, depth+1)
		v.Set(c)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			scribble(v.Field(i), depth+1)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for _, k := range v.MapKeys() {
			c := reflect.New(v.Type().Elem()).Elem()
			c.Set(v.MapIndex(k))
			scribble(c, depth+1)
			v.SetMapIndex(k, c)
		}
		v.SetMapIndex(reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem())
	}
}

func TestCopyMessageRefusesWhatCannotBeSent(t *testing.T) {
	cyclic := &loop{}
	cyclic.Next = cyclic
	var selfish holder
	selfish.X = &selfish
	for _, tc := range []struct {
		name string
		msg  any
	}{
		{"chan", make(chan int)},
		{"func", func() {}},
		{"unsafe pointer", unsafe.Pointer(nil)},
		{"struct with a chan", struct{ C chan int }{}},
		{"slice of funcs", []func(){}},
		{"map of chans", map[string]chan int{}},
		{"chan in an interface", holder{make(chan int)}},
		{"cyclic pointers", cyclic},
		{"cycle through an interface", &selfish},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, want := oldCopyMessage(oldPlanFor(typeOf(tc.msg)), tc.msg)
			require.Error(t, want)
			_, _, err := copyMessage(planFor(typeOf(tc.msg)), tc.msg, testWalk())
			require.Error(t, err)
			_, merr := sizeMessage(planFor(typeOf(tc.msg)), tc.msg, testWalk())
			require.Error(t, merr, "measuring")
			if errors.Is(want, errTooDeep) {
				// The oracle went round a cycle until it was too deep;
				// the copier sees the cycle and says so.
				var ce *cycleError
				assert.ErrorAs(t, err, &ce)
				assert.ErrorAs(t, merr, &ce)
			} else {
				assert.Equal(t, want.Error(), err.Error())
				assert.Equal(t, want.Error(), merr.Error())
			}
		})
	}
}

// TestCopyKeepsPointerShapedValuesInTheDataWord checks the interface that
// copyMessage builds: a pointer-shaped copy is the data word itself.
func TestCopyKeepsPointerShapedValuesInTheDataWord(t *testing.T) {
	n := 3
	var m any = wrapped{&n}
	got, _, err := copyMessage(planFor(typeOf(m)), m, testWalk())
	require.NoError(t, err)
	p := got.(wrapped).p
	require.NotSame(t, &n, p)
	assert.Equal(t, unsafe.Pointer(p), iface.Of(&got).Data)
	assert.Equal(t, 3, *p)
}

// TestCopyFromManyGoroutines builds and uses plans concurrently, as
// simulators running in parallel do (run it with -race).
func TestCopyFromManyGoroutines(t *testing.T) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				for _, tc := range copyCases() {
					got, _, err := copyMessage(planFor(typeOf(tc.msg)), tc.msg, testWalk())
					if assert.NoError(t, err) {
						assert.True(t, reflect.DeepEqual(tc.msg, got), tc.name)
					}
				}
			}
		}()
	}
	wg.Wait()
}

// A value that reaches no memory that could change is its own copy, as a
// value of an immutable type is: the copy is the same box, sized as ever.
// One that reaches any (a slice with spare capacity the receiver could
// append into, a non-nil map or pointer, an interface holding anything) is
// copied.
func TestBareValuesAreTheirOwnCopy(t *testing.T) {
	backing := make([]benchEntry, 0, 4)
	for _, tc := range []struct {
		name string
		msg  any
		same bool
	}{
		{"nil slice", benchAppend{Term: 3}, true},
		{"empty slice without capacity", benchAppend{Term: 3, Entries: []benchEntry{}}, true},
		{"nil pointer, map, interface", private{n: 1}, true},
		{"array of nil pointers", [2]*int{}, true},
		{"a string beside a nil slice", taggedAppend{Tag: "from n3", Term: 2}, true},
		{"strings in an array beside nil slices", [2]taggedAppend{{Tag: "a"}, {Tag: "bcd"}}, true},
		{"empty slice with spare capacity", benchAppend{Term: 3, Entries: backing[:0]}, false},
		{"one entry", benchAppend{Term: 3, Entries: []benchEntry{{Term: 1}}}, false},
		{"a pointer", wrapped{p: intPtr(1)}, false},
		{"an interface holding a number", holder{X: 1}, false},
		{"an empty map", byNameHolder{M: byName{}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planFor(typeOf(tc.msg))
			_, want, err := oldCopyMessage(oldPlanFor(typeOf(tc.msg)), tc.msg)
			require.NoError(t, err)
			got, size, err := copyMessage(p, tc.msg, testWalk())
			require.NoError(t, err)
			assert.Equal(t, want, size)
			assert.True(t, reflect.DeepEqual(tc.msg, got))
			same := iface.Of(&got).Data == iface.Of(&tc.msg).Data
			assert.Equal(t, tc.same, same, "shares the box")
		})
	}
}

type byNameHolder struct{ M byName }

// taggedAppend is bare when its slice is, but its size depends on its
// string: it cannot take a bare value's size from its type alone.
type taggedAppend struct {
	Tag     string
	Term    int
	Entries []benchEntry
}

// testWalk returns a walk bounded as a run's is by default.
func testWalk() *walk { return newWalk(DefaultMaxMessageBytes) }
