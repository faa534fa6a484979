package run

import (
	"math"
	"reflect"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/internal/iface"
	"github.com/faultline-dev/faultline/grader/internal/typecache"
)

// fnv64 is 64-bit FNV-1a: fixed, so that fingerprints are the same in every
// process and on every machine. Its methods return the hash with more
// written to it, so that a hash lives in a register, not on the heap.
type fnv64 uint64

func newFNV() fnv64 { return 14695981039346656037 }

func (h fnv64) byte(c byte) fnv64 { return (h ^ fnv64(c)) * 1099511628211 }

// int writes v's 8 bytes, least significant first, whatever the machine's
// byte order and word size.
func (h fnv64) int(v int64) fnv64 {
	for i := range 8 {
		h = h.byte(byte(v >> (8 * i)))
	}
	return h
}

func (h fnv64) bytes(b []byte) fnv64 {
	for _, c := range b {
		h = h.byte(c)
	}
	return h
}

func (h fnv64) string(s string) fnv64 {
	for i := 0; i < len(s); i++ {
		h = h.byte(s[i])
	}
	return h
}

// A hashFn writes the contents of the value at p to h: numbers, strings and
// the elements of containers; pointers by what they point to; maps
// independently of their iteration order. It never calls a method of the
// value and never writes an address. depth is how deep p is nested in the
// event's value; past hashDepth nothing more is written, so cycles end.
type hashFn func(h fnv64, p unsafe.Pointer, depth int) fnv64

// A walkFn is a hashFn that spends a budget: left is how many more values
// it may visit (each element, each value a pointer or an interface leads
// to, each map entry), and it returns what is left. At 0 it writes
// nothing more, so that a value whose parts share memory (a struct of 30
// pointers to one value, itself of 30 pointers, ...) hashes in bounded
// time, not in 30^depth steps; the budget passes from one visit to the
// next in a fixed order, so the same value writes the same bytes.
type walkFn func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int)

const hashDepth = 12

// hashBudget is how many values one event's message, timer or fault may
// visit: far more than any lab's message has, and few enough that a
// hostile one costs a few milliseconds (a timer value is bounded by no
// copier's limit, and every event is hashed).
const hashBudget = 1 << 16

// A hasher fingerprints values of one type. Hashers are compiled once per
// type (compileHash) and shared by every digester in the process.
type hasher struct {
	// typeSum fingerprints the type's name, written before the contents of
	// an interface that holds a value of the type.
	typeSum int64
	// direct: an interface holding a value of the type holds it in its data
	// word (iface.Direct).
	direct bool
	hash   hashFn // walk with a whole budget
	walk   walkFn
}

var hashers typecache.Cache[hasher]

func hasherFor(t reflect.Type) *hasher { return hashers.Get(t, buildHasher) }

// lazyHasher returns a function that returns t's hasher, looked up on first
// use: a type can hold itself through a pointer, a slice or a map.
func lazyHasher(t reflect.Type) func() *hasher { return hashers.Lazy(t, buildHasher) }

func buildHasher(t reflect.Type) *hasher {
	walk := compileHash(t)
	return &hasher{typeSum: int64(newFNV().string(t.String())), direct: iface.Direct(t), walk: walk,
		hash: func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
			h, _ = walk(h, p, depth, hashBudget)
			return h
		}}
}

// hashBoxed writes a value that an interface holds, given the interface's
// words, after its type.
func (s *hasher) hashBoxed(h fnv64, w *iface.Words, depth, left int) (fnv64, int) {
	h = h.int(s.typeSum)
	if s.direct {
		return s.walk(h, unsafe.Pointer(&w.Data), depth, left)
	}
	return s.walk(h, w.Data, depth, left)
}

// hashAny writes the empty interface at p: 0 if nil, else 1, its dynamic
// type and its value.
func hashAny(h fnv64, p unsafe.Pointer, depth int) fnv64 {
	h, _ = walkAny(h, p, depth, hashBudget)
	return h
}

func walkAny(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
	x := *(*any)(p)
	if x == nil {
		return h.byte(0), left
	}
	if left <= 0 {
		return h, 0
	}
	return hasherFor(reflect.TypeOf(x)).hashBoxed(h.byte(1), (*iface.Words)(p), depth, left-1)
}

func compileHash(t reflect.Type) walkFn {
	if w := compileScalarHash(t); w != nil {
		return w
	}
	switch t.Kind() {
	case reflect.Struct:
		return compileStructHash(t)
	case reflect.Array:
		return compileArrayHash(t)
	case reflect.Slice:
		return compileSliceHash(t)
	case reflect.Pointer:
		return compilePointerHash(t)
	case reflect.Interface:
		return compileInterfaceHash(t)
	case reflect.Map:
		return compileMapHash(t)
	}
	// A chan, a func or an unsafe pointer: nothing but an address to see.
	return func(h fnv64, _ unsafe.Pointer, _, left int) (fnv64, int) { return h, left }
}

// compileScalarHash returns the walkFn of a number, a bool or a string,
// or nil for another kind.
func compileScalarHash(t reflect.Type) walkFn {
	switch t.Kind() {
	case reflect.Bool:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) {
			if *(*bool)(p) {
				return h.byte(1), left
			}
			return h.byte(0), left
		}
	case reflect.Int:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*int)(p))), left }
	case reflect.Int8:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*int8)(p))), left }
	case reflect.Int16:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*int16)(p))), left }
	case reflect.Int32:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*int32)(p))), left }
	case reflect.Int64:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(*(*int64)(p)), left }
	case reflect.Uint:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*uint)(p))), left }
	case reflect.Uint8:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*uint8)(p))), left }
	case reflect.Uint16:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*uint16)(p))), left }
	case reflect.Uint32:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*uint32)(p))), left }
	case reflect.Uint64:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*uint64)(p))), left }
	case reflect.Uintptr:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) { return h.int(int64(*(*uintptr)(p))), left }
	case reflect.Float32:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) {
			return h.int(int64(math.Float64bits(float64(*(*float32)(p))))), left
		}
	case reflect.Float64:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) {
			return h.int(int64(math.Float64bits(*(*float64)(p)))), left
		}
	case reflect.Complex64:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) {
			c := *(*complex64)(p)
			return h.int(int64(math.Float64bits(float64(real(c))))).int(int64(math.Float64bits(float64(imag(c))))), left
		}
	case reflect.Complex128:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) {
			c := *(*complex128)(p)
			return h.int(int64(math.Float64bits(real(c)))).int(int64(math.Float64bits(imag(c)))), left
		}
	case reflect.String:
		return func(h fnv64, p unsafe.Pointer, _, left int) (fnv64, int) {
			s := *(*string)(p)
			return h.int(int64(len(s))).string(s), left
		}
	}
	return nil
}

func compileStructHash(t reflect.Type) walkFn {
	type field struct {
		off  uintptr
		walk walkFn
	}
	fields := make([]field, t.NumField())
	for i := range fields {
		f := t.Field(i)
		fields[i] = field{f.Offset, hasherFor(f.Type).walk}
	}
	return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
		if depth > hashDepth || left <= 0 {
			return h, left
		}
		for _, f := range fields {
			h, left = f.walk(h, unsafe.Add(p, f.off), depth+1, left)
		}
		return h, left
	}
}

// hashElems writes the length and the n elements at p, each a visit.
func hashElems(h fnv64, p unsafe.Pointer, n int, size uintptr, elem walkFn, depth, left int) (fnv64, int) {
	h = h.int(int64(n))
	for i := range n {
		if left <= 0 {
			return h, 0
		}
		h, left = elem(h, unsafe.Add(p, uintptr(i)*size), depth+1, left-1)
	}
	return h, left
}

func compileArrayHash(t reflect.Type) walkFn {
	n := t.Len()
	if t.Elem().Kind() == reflect.Uint8 {
		return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
			if depth > hashDepth || left <= 0 {
				return h, left
			}
			return h.int(int64(n)).bytes(unsafe.Slice((*byte)(p), n)), left - 1
		}
	}
	elem, size := hasherFor(t.Elem()).walk, t.Elem().Size()
	return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
		if depth > hashDepth || left <= 0 {
			return h, left
		}
		return hashElems(h, p, n, size, elem, depth, left)
	}
}

// sliceHeader is the layout of a slice.
type sliceHeader struct {
	Data     unsafe.Pointer
	Len, Cap int
}

// compileSliceHash writes a slice's length and elements: a nil slice hashes
// as an empty one.
func compileSliceHash(t reflect.Type) walkFn {
	if t.Elem().Kind() == reflect.Uint8 {
		return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
			if depth > hashDepth || left <= 0 {
				return h, left
			}
			s := (*sliceHeader)(p)
			return h.int(int64(s.Len)).bytes(unsafe.Slice((*byte)(s.Data), s.Len)), left - 1
		}
	}
	elem, size := lazyHasher(t.Elem()), t.Elem().Size()
	return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
		if depth > hashDepth || left <= 0 {
			return h, left
		}
		s := (*sliceHeader)(p)
		return hashElems(h, s.Data, s.Len, size, elem().walk, depth, left)
	}
}

func compilePointerHash(t reflect.Type) walkFn {
	elem := lazyHasher(t.Elem())
	return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
		if depth > hashDepth || left <= 0 {
			return h, left
		}
		to := *(*unsafe.Pointer)(p)
		if to == nil {
			return h.byte(0), left
		}
		return elem().walk(h.byte(1), to, depth+1, left-1)
	}
}

func compileInterfaceHash(t reflect.Type) walkFn {
	if t.NumMethod() == 0 {
		return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
			if depth > hashDepth || left <= 0 {
				return h, left
			}
			return walkAny(h, p, depth+1, left)
		}
	}
	return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
		if depth > hashDepth || left <= 0 {
			return h, left
		}
		x := reflect.NewAt(t, p).Elem().Interface() // the same value, as an any
		if x == nil {
			return h.byte(0), left
		}
		return hasherFor(reflect.TypeOf(x)).hashBoxed(h.byte(1), (*iface.Words)(p), depth+1, left-1)
	}
}

// compileMapHash writes a map's length and the sum of its entries' own
// hashes, which no iteration order changes. It iterates by reflection: maps
// are rare in messages, and reflect knows the runtime's map layout.
//
// Whether the budget runs out within a map does not depend on the order
// of its entries (it does when they need more than is left), but which
// entries were hashed whole when it does would: then the map writes a
// mark of its own instead of the sum, and nothing after it is written.
func compileMapHash(t reflect.Type) walkFn {
	key, elem := lazyHasher(t.Key()), lazyHasher(t.Elem())
	return func(h fnv64, p unsafe.Pointer, depth, left int) (fnv64, int) {
		if depth > hashDepth || left <= 0 {
			return h, left
		}
		m := reflect.NewAt(t, p).Elem()
		h = h.int(int64(m.Len()))
		if m.Len() == 0 {
			return h.int(0), left
		}
		kw, vw := key().walk, elem().walk
		k, v := reflect.New(t.Key()), reflect.New(t.Elem()) // each entry, in turn
		var sum uint64
		for it := m.MapRange(); it.Next(); {
			if left <= 0 {
				break
			}
			k.Elem().SetIterKey(it)
			v.Elem().SetIterValue(it)
			e, l := kw(newFNV(), k.UnsafePointer(), depth+1, left-1)
			e, left = vw(e, v.UnsafePointer(), depth+1, l)
			sum += uint64(e)
		}
		if left <= 0 {
			return h.int(-1), 0 // cut short: the same mark whichever entries came first
		}
		return h.int(int64(sum)), left
	}
}
