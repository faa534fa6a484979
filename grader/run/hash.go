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

const hashDepth = 12

// A hasher fingerprints values of one type. Hashers are compiled once per
// type (compileHash) and shared by every digester in the process.
type hasher struct {
	// typeSum fingerprints the type's name, written before the contents of
	// an interface that holds a value of the type.
	typeSum int64
	// direct: an interface holding a value of the type holds it in its data
	// word (iface.Direct).
	direct bool
	hash   hashFn
}

var hashers typecache.Cache[hasher]

func hasherFor(t reflect.Type) *hasher { return hashers.Get(t, buildHasher) }

// lazyHasher returns a function that returns t's hasher, looked up on first
// use: a type can hold itself through a pointer, a slice or a map.
func lazyHasher(t reflect.Type) func() *hasher { return hashers.Lazy(t, buildHasher) }

func buildHasher(t reflect.Type) *hasher {
	return &hasher{typeSum: int64(newFNV().string(t.String())), direct: iface.Direct(t), hash: compileHash(t)}
}

// hashBoxed writes a value that an interface holds, given the interface's
// words, after its type.
func (s *hasher) hashBoxed(h fnv64, w *iface.Words, depth int) fnv64 {
	h = h.int(s.typeSum)
	if s.direct {
		return s.hash(h, unsafe.Pointer(&w.Data), depth)
	}
	return s.hash(h, w.Data, depth)
}

// hashAny writes the empty interface at p: 0 if nil, else 1, its dynamic
// type and its value.
func hashAny(h fnv64, p unsafe.Pointer, depth int) fnv64 {
	x := *(*any)(p)
	if x == nil {
		return h.byte(0)
	}
	return hasherFor(reflect.TypeOf(x)).hashBoxed(h.byte(1), (*iface.Words)(p), depth)
}

func compileHash(t reflect.Type) hashFn {
	switch t.Kind() {
	case reflect.Bool:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 {
			if *(*bool)(p) {
				return h.byte(1)
			}
			return h.byte(0)
		}
	case reflect.Int:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*int)(p))) }
	case reflect.Int8:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*int8)(p))) }
	case reflect.Int16:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*int16)(p))) }
	case reflect.Int32:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*int32)(p))) }
	case reflect.Int64:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(*(*int64)(p)) }
	case reflect.Uint:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*uint)(p))) }
	case reflect.Uint8:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*uint8)(p))) }
	case reflect.Uint16:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*uint16)(p))) }
	case reflect.Uint32:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*uint32)(p))) }
	case reflect.Uint64:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*uint64)(p))) }
	case reflect.Uintptr:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(*(*uintptr)(p))) }
	case reflect.Float32:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 {
			return h.int(int64(math.Float64bits(float64(*(*float32)(p)))))
		}
	case reflect.Float64:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 { return h.int(int64(math.Float64bits(*(*float64)(p)))) }
	case reflect.Complex64:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 {
			c := *(*complex64)(p)
			return h.int(int64(math.Float64bits(float64(real(c))))).int(int64(math.Float64bits(float64(imag(c)))))
		}
	case reflect.Complex128:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 {
			c := *(*complex128)(p)
			return h.int(int64(math.Float64bits(real(c)))).int(int64(math.Float64bits(imag(c))))
		}
	case reflect.String:
		return func(h fnv64, p unsafe.Pointer, _ int) fnv64 {
			s := *(*string)(p)
			return h.int(int64(len(s))).string(s)
		}
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
	return func(h fnv64, _ unsafe.Pointer, _ int) fnv64 { return h }
}

func compileStructHash(t reflect.Type) hashFn {
	type field struct {
		off  uintptr
		hash hashFn
	}
	fields := make([]field, t.NumField())
	for i := range fields {
		f := t.Field(i)
		fields[i] = field{f.Offset, hasherFor(f.Type).hash}
	}
	return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
		if depth > hashDepth {
			return h
		}
		for _, f := range fields {
			h = f.hash(h, unsafe.Add(p, f.off), depth+1)
		}
		return h
	}
}

// hashElems writes the length and the n elements at p.
func hashElems(h fnv64, p unsafe.Pointer, n int, size uintptr, elem hashFn, depth int) fnv64 {
	h = h.int(int64(n))
	for i := range n {
		h = elem(h, unsafe.Add(p, uintptr(i)*size), depth+1)
	}
	return h
}

func compileArrayHash(t reflect.Type) hashFn {
	n := t.Len()
	if t.Elem().Kind() == reflect.Uint8 {
		return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
			if depth > hashDepth {
				return h
			}
			return h.int(int64(n)).bytes(unsafe.Slice((*byte)(p), n))
		}
	}
	elem, size := hasherFor(t.Elem()).hash, t.Elem().Size()
	return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
		if depth > hashDepth {
			return h
		}
		return hashElems(h, p, n, size, elem, depth)
	}
}

// sliceHeader is the layout of a slice.
type sliceHeader struct {
	Data     unsafe.Pointer
	Len, Cap int
}

// compileSliceHash writes a slice's length and elements: a nil slice hashes
// as an empty one.
func compileSliceHash(t reflect.Type) hashFn {
	if t.Elem().Kind() == reflect.Uint8 {
		return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
			if depth > hashDepth {
				return h
			}
			s := (*sliceHeader)(p)
			return h.int(int64(s.Len)).bytes(unsafe.Slice((*byte)(s.Data), s.Len))
		}
	}
	elem, size := lazyHasher(t.Elem()), t.Elem().Size()
	return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
		if depth > hashDepth {
			return h
		}
		s := (*sliceHeader)(p)
		return hashElems(h, s.Data, s.Len, size, elem().hash, depth)
	}
}

func compilePointerHash(t reflect.Type) hashFn {
	elem := lazyHasher(t.Elem())
	return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
		if depth > hashDepth {
			return h
		}
		to := *(*unsafe.Pointer)(p)
		if to == nil {
			return h.byte(0)
		}
		return elem().hash(h.byte(1), to, depth+1)
	}
}

func compileInterfaceHash(t reflect.Type) hashFn {
	if t.NumMethod() == 0 {
		return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
			if depth > hashDepth {
				return h
			}
			return hashAny(h, p, depth+1)
		}
	}
	return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
		if depth > hashDepth {
			return h
		}
		x := reflect.NewAt(t, p).Elem().Interface() // the same value, as an any
		if x == nil {
			return h.byte(0)
		}
		return hasherFor(reflect.TypeOf(x)).hashBoxed(h.byte(1), (*iface.Words)(p), depth+1)
	}
}

// compileMapHash writes a map's length and the sum of its entries' own
// hashes, which no iteration order changes. It iterates by reflection: maps
// are rare in messages, and reflect knows the runtime's map layout.
func compileMapHash(t reflect.Type) hashFn {
	key, elem := lazyHasher(t.Key()), lazyHasher(t.Elem())
	return func(h fnv64, p unsafe.Pointer, depth int) fnv64 {
		if depth > hashDepth {
			return h
		}
		m := reflect.NewAt(t, p).Elem()
		h = h.int(int64(m.Len()))
		if m.Len() == 0 {
			return h.int(0)
		}
		kh, vh := key().hash, elem().hash
		k, v := reflect.New(t.Key()), reflect.New(t.Elem()) // each entry, in turn
		var sum uint64
		for it := m.MapRange(); it.Next(); {
			k.Elem().SetIterKey(it)
			v.Elem().SetIterValue(it)
			e := kh(newFNV(), k.UnsafePointer(), depth+1)
			sum += uint64(vh(e, v.UnsafePointer(), depth+1))
		}
		return h.int(int64(sum))
	}
}
