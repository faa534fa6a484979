package sim

import (
	"math/bits"
	"reflect"
	"sync/atomic"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/internal/iface"
)

// Copying a message in one block.
//
// The Raft lab's hottest message is a struct whose only mutable field is a
// slice of entries, each holding a []byte: copied field by field, one with
// n entries costs 2+n allocations (the box, the entries' array, each
// command). A blockPlan copies such a value into one allocation of a type
// built with reflect.StructOf,
//
//	struct { Msg T; Elems [n]Elem; Bytes [words]uint64 }
//
// with the slice pointing at Elems and the entries' slices into Bytes. The
// type is built once per (n, size class of the bytes) and kept in the
// plan, so the collector knows where the pointers are, as in any value; the
// pointers are stored through typed variables, as elsewhere in copy.go.
//
// The price: a receiver that keeps one command (a follower appending the
// entries to its log) keeps the whole block alive, a few hundred bytes at
// most, where it kept the command's own few bytes.
//
// What does not fit (no elements, more than maxBlockElems of them, more
// than maxBlockBytes of their slices' bytes, a value nested near maxDepth)
// is copied as before.

const (
	maxBlockElems = 16
	maxBlockBytes = 4096
	// blockClasses counts the sizes of a block's bytes: none, then 1, 2,
	// 4, ... 512 words.
	blockClasses = 11
)

// A blockPlan copies values of a struct type T whose only field that is not
// immutable is a slice, of elements that hold no pointers, or that are
// immutable, or that are structs whose only fields that are not immutable
// are slices of elements that hold no pointers.
type blockPlan struct {
	t        reflect.Type
	head     copyFn  // T's immutable fields
	sliceOff uintptr // where the slice is in T
	elem     reflect.Type
	elemSize uintptr
	// flat: the elements hold no pointers and are copied as bytes, each
	// counted elemFixed.
	flat      bool
	elemFixed int
	rest      copyFn     // an element's immutable fields, when not flat
	subs      []blockSub // an element's slices, when not flat

	types [maxBlockElems + 1][blockClasses]atomic.Pointer[blockType]
}

// A blockSub is a slice in an element, of elements that hold no pointers.
type blockSub struct {
	off, size, align uintptr
	counted          int // the counted size of one of its elements
}

// A blockType is a block's type and where its parts start in it.
type blockType struct {
	t            reflect.Type
	rt           iface.Type // t, to allocate blocks of
	elems, bytes uintptr
}

// compileBlock returns the block copier of t, a struct type that can be
// sent and is not immutable, or nil when its values do not have the shape
// a block copies.
func compileBlock(t reflect.Type) *blockPlan {
	if t.Kind() != reflect.Struct {
		return nil
	}
	slice := -1
	for i := range t.NumField() {
		if immutable(t.Field(i).Type) {
			continue
		}
		if slice >= 0 || t.Field(i).Type.Kind() != reflect.Slice {
			return nil
		}
		slice = i
	}
	if slice < 0 {
		return nil
	}
	et := t.Field(slice).Type.Elem()
	if et.Size() == 0 {
		return nil
	}
	b := &blockPlan{t: t, sliceOff: t.Field(slice).Offset, elem: et, elemSize: et.Size()}
	switch im, fx, size, _ := classify(et); {
	case im && fx:
		b.flat, b.elemFixed = true, size
	case im:
		b.rest = planFor(et).copy
	case et.Kind() == reflect.Struct:
		for i := range et.NumField() {
			f := et.Field(i)
			if immutable(f.Type) {
				continue
			}
			if f.Type.Kind() != reflect.Slice || f.Type.Elem().Size() == 0 {
				return nil
			}
			im, fx, size, _ := classify(f.Type.Elem())
			if !im || !fx {
				return nil
			}
			b.subs = append(b.subs, blockSub{f.Offset, f.Type.Elem().Size(), uintptr(f.Type.Elem().Align()), size})
		}
		b.rest = compileFields(et, true)
	default:
		return nil
	}
	b.head = compileFields(t, true)
	return b
}

func immutable(t reflect.Type) bool {
	im, _, _, _ := classify(t)
	return im
}

// copy copies the value of the plan's type at src, nested depth deep in its
// message, into a new block, and returns the block and the value's counted
// size; or reports that the value does not fit in a block.
func (b *blockPlan) copy(src unsafe.Pointer, depth int, w *walk) (unsafe.Pointer, int, bool) {
	s := (*sliceHeader)(unsafe.Add(src, b.sliceOff))
	n := s.Len
	// The old path refuses a value whose elements' slices are nested
	// deeper than maxDepth: leave it that.
	if s.Data == nil || n == 0 || n > maxBlockElems || depth+3 > maxDepth {
		return nil, 0, false
	}
	var bytes, charged uintptr
	for i := range n {
		e := unsafe.Add(s.Data, uintptr(i)*b.elemSize)
		for _, f := range b.subs {
			if fs := (*sliceHeader)(unsafe.Add(e, f.off)); fs.Data != nil {
				l := uintptr(fs.Len)
				charged += max(l*f.size, l) // as compileSlice charges it: n×size, at least n
				if l > 0 {
					bytes = alignUp(bytes, f.align) + l*f.size
				}
			}
		}
	}
	if bytes > maxBlockBytes {
		return nil, 0, false
	}
	// What copying the value field by field would charge (the value's own
	// memory is charged by the caller, who would allocate it): a block is
	// small, but a walk must charge the same whichever way it copies.
	if w.chargeEach(n, b.elemSize) != nil || (charged > 0 && w.charge(charged) != nil) {
		return nil, 0, false // copied field by field, which finds it too large
	}
	bt := b.blockType(n, bytes)
	blk := bt.rt.New()
	total, _ := b.head(blk, src, depth, w) // immutable fields: no errors
	elems := unsafe.Add(blk, bt.elems)
	*(*sliceHeader)(unsafe.Add(blk, b.sliceOff)) = sliceHeader{elems, n, n} // cap = len, as compileSlice
	if b.flat {
		moveBytes(elems, s.Data, uintptr(n)*b.elemSize)
		return blk, total + n*b.elemFixed, true
	}
	var at uintptr
	for i := range n {
		off := uintptr(i) * b.elemSize
		d, e := unsafe.Add(elems, off), unsafe.Add(s.Data, off)
		c, _ := b.rest(d, e, depth+2, w)
		total += c
		for _, f := range b.subs {
			fs := (*sliceHeader)(unsafe.Add(e, f.off))
			switch {
			case fs.Data == nil: // stays nil
			case fs.Len == 0:
				*(*sliceHeader)(unsafe.Add(d, f.off)) = sliceHeader{Data: unsafe.Pointer(&noElems)}
			default:
				// Only here is the bytes area known to exist: a pointer
				// to its start when it has none would point past the block.
				at = alignUp(at, f.align)
				p := unsafe.Add(blk, bt.bytes+at)
				size := uintptr(fs.Len) * f.size
				moveBytes(p, fs.Data, size)
				*(*sliceHeader)(unsafe.Add(d, f.off)) = sliceHeader{p, fs.Len, fs.Len}
				at += size
				total += fs.Len * f.counted
			}
		}
	}
	return blk, total, true
}

// blockType returns the type of a block of n elements and at least bytes
// bytes for their slices, built on first use.
func (b *blockPlan) blockType(n int, bytes uintptr) *blockType {
	class, words := 0, 0
	if bytes > 0 {
		// Round the words up to a power of two.
		class = bits.Len(uint((bytes+7)/8-1)) + 1
		words = 1 << (class - 1)
	}
	if bt := b.types[n][class].Load(); bt != nil {
		return bt
	}
	fields := []reflect.StructField{
		{Name: "Msg", Type: b.t},
		{Name: "Elems", Type: reflect.ArrayOf(n, b.elem)},
	}
	if words > 0 {
		// Last, after every pointer: the collector does not scan it.
		fields = append(fields, reflect.StructField{Name: "Bytes", Type: reflect.ArrayOf(words, reflect.TypeFor[uint64]())})
	}
	t := reflect.StructOf(fields)
	bt := &blockType{t: t, rt: iface.TypeOf(t), elems: t.Field(1).Offset}
	if words > 0 {
		bt.bytes = t.Field(2).Offset
	}
	b.types[n][class].Store(bt)
	return bt
}

func alignUp(n, align uintptr) uintptr { return (n + align - 1) &^ (align - 1) }
