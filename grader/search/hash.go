package search

import (
	"math"
	"math/bits"
	"reflect"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/internal/iface"
	"github.com/faultline-dev/faultline/grader/internal/typecache"
)

// The state hasher fingerprints a node's state for the visited set. Like
// grader/run/hash.go it is compiled once per type, writes contents and
// never addresses (so the same state hashes the same in every process),
// and hashes a map independently of its iteration order. It differs where
// node state differs from an event's message: a pointer reached twice is
// written once and then as a back-reference, so a node that points to
// itself hashes in finite time and aliasing is part of the fingerprint;
// a function is written as its name (a Raft's role is often a method
// expression).
//
// TODO(search): share one compiled hasher with grader/run once it exports
// one (requested in /work/notes/requests.md).

// hasher is the context of one hash: the pointers seen so far.
type hasher struct {
	seen ptrMap[int] // pointer -> its ordinal
	in   any         // hashAny's, here so that it does not escape per call
	// scratch holds, per map type, a key and a value to iterate into:
	// a node has a few map types, so a slice searched in order (a Go map
	// keyed by reflect.Type cost a fiftieth of a pingpong step).
	scratch []*mapScratch
	// sub hashes a map's entries, each on its own (a map in an entry
	// uses sub's sub): kept, not made per map, which allocated once per
	// map hashed.
	sub  *hasher
	iter reflect.MapIter
}

func (hs *hasher) child() *hasher {
	if hs.sub == nil {
		hs.sub = &hasher{}
	}
	return hs.sub
}

// mapScratch is where a map's entries are copied to be hashed: the
// reflect.Values to iterate into and the addresses of their memory.
type mapScratch struct {
	t          reflect.Type
	k, v       reflect.Value // settable: New(...).Elem()
	kptr, vptr unsafe.Pointer
}

func (hs *hasher) scratchFor(t reflect.Type) *mapScratch {
	for _, sc := range hs.scratch {
		if sc.t == t {
			return sc
		}
	}
	kp, vp := reflect.New(t.Key()), reflect.New(t.Elem())
	sc := &mapScratch{t: t, k: kp.Elem(), v: vp.Elem(), kptr: kp.UnsafePointer(), vptr: vp.UnsafePointer()}
	hs.scratch = append(hs.scratch, sc)
	return sc
}

func (hs *hasher) reset() {
	hs.seen.reset()
}

// hashFn writes the value at p into h and returns the new hash.
type hashFn func(h uint64, p unsafe.Pointer, hs *hasher) uint64

type hashPlan struct {
	typeSum uint64
	direct  bool
	hash    hashFn
}

var hashPlans typecache.Cache[hashPlan]

// boxHashes finds the hash plan of a boxed value by its type word.
var boxHashes wordCache[hashPlan]

func hashPlanFor(t reflect.Type) *hashPlan { return hashPlans.Get(t, buildHashPlan) }

func buildHashPlan(t reflect.Type) *hashPlan {
	return &hashPlan{typeSum: hashString(0x9e3779b97f4a7c15, t.String()), direct: iface.Direct(t), hash: compileHash(t)}
}

const prime = 0x100000001b3

// mix is splitmix64's finalizer: every input bit reaches every output bit.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func hashWord(h, w uint64) uint64 { return bits.RotateLeft64((h^w)*prime, 29) + w }

func hashBytes(h uint64, b []byte) uint64 {
	h = hashWord(h, uint64(len(b)))
	for len(b) >= 8 {
		h = hashWord(h, *(*uint64)(unsafe.Pointer(&b[0])))
		b = b[8:]
	}
	var tail uint64
	for i, c := range b {
		tail |= uint64(c) << (8 * i)
	}
	return hashWord(h, tail)
}

func hashString(h uint64, s string) uint64 {
	return hashBytes(h, unsafe.Slice(unsafe.StringData(s), len(s)))
}

// hashAny hashes a boxed value: its type's name, then its contents.
func (hs *hasher) hashAny(h uint64, x any) uint64 {
	hs.in = x
	h = hashIface(h, unsafe.Pointer(&hs.in), hs, true)
	hs.in = nil
	return h
}

// packed reports whether t's memory is all its fields with no padding, so
// that its bytes can be hashed at once.
func packed(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false // -0 and 0, NaNs: hashed by value below
	case reflect.Array:
		return packed(t.Elem())
	case reflect.Struct:
		var sum uintptr
		for i := range t.NumField() {
			f := t.Field(i)
			if !packed(f.Type) {
				return false
			}
			sum += f.Type.Size()
		}
		return sum == t.Size()
	}
	return isFlat(t)
}

func compileHash(t reflect.Type) hashFn {
	if isFlat(t) && packed(t) {
		size := t.Size()
		return func(h uint64, p unsafe.Pointer, _ *hasher) uint64 {
			return hashBytes(h, unsafe.Slice((*byte)(p), size))
		}
	}
	if isShared(t) {
		// The checker's own values: the Env of a node is the same for
		// every state of one incarnation, and the incarnation is hashed
		// with the node's slot.
		return func(h uint64, _ unsafe.Pointer, _ *hasher) uint64 { return hashWord(h, 0x5a5a) }
	}
	switch t.Kind() {
	case reflect.Float32:
		return func(h uint64, p unsafe.Pointer, _ *hasher) uint64 {
			return hashWord(h, math.Float64bits(float64(*(*float32)(p))))
		}
	case reflect.Float64:
		return func(h uint64, p unsafe.Pointer, _ *hasher) uint64 {
			return hashWord(h, math.Float64bits(*(*float64)(p)))
		}
	case reflect.Complex64:
		return func(h uint64, p unsafe.Pointer, _ *hasher) uint64 {
			c := *(*complex64)(p)
			return hashWord(hashWord(h, math.Float64bits(float64(real(c)))), math.Float64bits(float64(imag(c))))
		}
	case reflect.Complex128:
		return func(h uint64, p unsafe.Pointer, _ *hasher) uint64 {
			c := *(*complex128)(p)
			return hashWord(hashWord(h, math.Float64bits(real(c))), math.Float64bits(imag(c)))
		}
	case reflect.String:
		return func(h uint64, p unsafe.Pointer, _ *hasher) uint64 { return hashString(h, *(*string)(p)) }
	case reflect.Struct:
		type field struct {
			off  uintptr
			hash func() *hashPlan
		}
		fields := make([]field, t.NumField())
		for i := range fields {
			f := t.Field(i)
			fields[i] = field{f.Offset, hashPlans.Lazy(f.Type, buildHashPlan)}
		}
		return func(h uint64, p unsafe.Pointer, hs *hasher) uint64 {
			for _, f := range fields {
				h = f.hash().hash(h, unsafe.Add(p, f.off), hs)
			}
			return h
		}
	case reflect.Array:
		n, size, elem := t.Len(), t.Elem().Size(), hashPlans.Lazy(t.Elem(), buildHashPlan)
		return func(h uint64, p unsafe.Pointer, hs *hasher) uint64 {
			e := elem()
			for i := range n {
				h = e.hash(h, unsafe.Add(p, uintptr(i)*size), hs)
			}
			return h
		}
	case reflect.Slice:
		size, elem := t.Elem().Size(), hashPlans.Lazy(t.Elem(), buildHashPlan)
		if isFlat(t.Elem()) && packed(t.Elem()) {
			return func(h uint64, p unsafe.Pointer, _ *hasher) uint64 {
				s := (*sliceHeader)(p)
				return hashBytes(h, unsafe.Slice((*byte)(s.Data), uintptr(s.Len)*size))
			}
		}
		return func(h uint64, p unsafe.Pointer, hs *hasher) uint64 {
			s := (*sliceHeader)(p)
			h = hashWord(h, uint64(s.Len))
			e := elem()
			for i := range s.Len {
				h = e.hash(h, unsafe.Add(s.Data, uintptr(i)*size), hs)
			}
			return h
		}
	case reflect.Pointer:
		elem := hashPlans.Lazy(t.Elem(), buildHashPlan)
		return func(h uint64, p unsafe.Pointer, hs *hasher) uint64 {
			to := *(*unsafe.Pointer)(p)
			if to == nil {
				return hashWord(h, 0)
			}
			if i, ok := hs.seen.get(to); ok {
				return hashWord(hashWord(h, 2), uint64(i))
			}
			hs.seen.put(to, hs.seen.len())
			return elem().hash(hashWord(h, 1), to, hs)
		}
	case reflect.Map:
		key, val := hashPlans.Lazy(t.Key(), buildHashPlan), hashPlans.Lazy(t.Elem(), buildHashPlan)
		frozen := isFrozen(t.Key(), map[reflect.Type]bool{}) && isFrozen(t.Elem(), map[reflect.Type]bool{})
		tw := typeWord(t)
		return func(h uint64, p unsafe.Pointer, hs *hasher) uint64 {
			m := reflect.ValueOf(boxMap(tw, p))
			if m.IsNil() {
				return hashWord(h, 0)
			}
			sc := hs.scratchFor(t)
			kh, vh := key(), val()
			var sum uint64
			sub := hs.child()
			sub.seen.reset()
			it := &hs.iter // a MapRange would allocate its iterator
			it.Reset(m)
			for it.Next() {
				sc.k.SetIterKey(it)
				sc.v.SetIterValue(it)
				// Each entry is hashed on its own and summed: no
				// iteration order changes the sum. (Pointers an
				// entry shares with another are written in full.)
				if !frozen {
					sub.seen.reset()
				}
				e := kh.hash(0x51ed27, sc.kptr, sub)
				e = vh.hash(e, sc.vptr, sub)
				sum += mix(e)
			}
			it.Reset(reflect.Value{}) // keep no map alive
			return hashWord(hashWord(h, uint64(m.Len())), sum)
		}
	case reflect.Interface:
		empty := t.NumMethod() == 0
		return func(h uint64, p unsafe.Pointer, hs *hasher) uint64 { return hashIface(h, p, hs, empty) }
	case reflect.Func:
		return func(h uint64, p unsafe.Pointer, _ *hasher) uint64 {
			fv := *(*unsafe.Pointer)(p)
			if fv == nil {
				return hashWord(h, 0)
			}
			return hashString(h, funcName(fv))
		}
	}
	// A channel or an unsafe pointer: the copier refuses it.
	return func(h uint64, _ unsafe.Pointer, _ *hasher) uint64 { return h }
}

func hashIface(h uint64, p unsafe.Pointer, hs *hasher, empty bool) uint64 {
	w := (*iface.Words)(p)
	if w.Type == nil {
		return hashWord(h, 0)
	}
	hp := boxHashes.get(w.Type, func() *hashPlan { return hashPlanFor(dynType(p, empty)) })
	h = hashWord(h, hp.typeSum)
	if hp.direct {
		return hp.hash(h, unsafe.Pointer(&w.Data), hs)
	}
	return hp.hash(h, w.Data, hs)
}
