package sim

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/internal/iface"
	"github.com/faultline-dev/faultline/grader/internal/typecache"
)

// A plan says how to copy and measure values of one type. Plans are computed
// once per type and shared by every simulator in the process.
type plan struct {
	name string
	// immutable: nothing reachable from a value can be changed through
	// another reference (no pointers, slices, maps or interfaces; strings are
	// immutable in Go). Such a value is its own copy.
	immutable bool
	// fixed: immutable and without strings, so every value has size fixedSize.
	fixed bool
	// fixedSize is the size of a value's fixed-size part: all of it when
	// fixed, all but its strings' bytes when immutable.
	fixedSize int
	err       error // the type cannot cross a wire (chan, func, unsafe pointer)

	t  reflect.Type
	rt iface.Type // t, to allocate values of
	// direct: an interface holding a value of t holds it in its data word
	// (iface.Direct).
	direct bool
	// strings lists where an immutable value's strings are, to measure it.
	strings []uintptr
	copy    copyFn
	// bare reports whether a value of a struct or array type reaches no
	// memory that could change (every pointer, map and interface in it nil,
	// every slice without capacity): such a value, boxed in an interface,
	// is its own copy, as a value of an immutable type is. A heartbeat
	// with no entries is the common case. nil for other kinds.
	bare func(v unsafe.Pointer) bool
	// block, when not nil, copies a value of a struct type together with
	// what its one slice reaches in one allocation (copy_block.go).
	block *blockPlan
}

// A copyFn copies the value at src into dst, memory of the same type that
// holds the zero value, so that the two share no mutable memory, and returns
// the value's counted size. depth is how deep src is nested in its message.
// Given a nil dst, a copier only measures: it copies nothing and allocates
// nothing (sizeMessage).
//
// Copiers are compiled once per type (compileCopy) and run over unsafe
// pointers; what keeps them safe for the garbage collector is that they
// copy bytes only where a type has no pointers, and store every pointer
// through a pointer-typed variable (unsafe.Pointer, string, sliceHeader,
// iface.Words), so the compiler adds the write barriers.
type copyFn func(dst, src unsafe.Pointer, depth int, w *walk) (int, error)

var plans typecache.Cache[plan]

func planFor(t reflect.Type) *plan { return plans.Get(t, buildPlan) }

// lazyPlan returns a function that returns t's plan, looked up on first use:
// a type can hold itself through a pointer, a slice or a map, so the plans
// of what those refer to cannot all be built before the type's own.
func lazyPlan(t reflect.Type) func() *plan { return plans.Lazy(t, buildPlan) }

func buildPlan(t reflect.Type) *plan {
	p := &plan{name: typeName(t), t: t, rt: iface.TypeOf(t)}
	p.immutable, p.fixed, p.fixedSize, p.err = classify(t)
	p.fixed = p.fixed && p.immutable
	if p.err == nil {
		p.direct = iface.Direct(t)
		if p.immutable && !p.fixed {
			p.strings = stringOffsets(t, 0, nil)
		}
	}
	p.copy = compileCopy(t, p)
	if p.err == nil && !p.immutable && (t.Kind() == reflect.Struct || t.Kind() == reflect.Array) {
		p.bare = compileBare(t)
		p.block = compileBlock(t)
	}
	return p
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "<nil>" // a nil timer value
	}
	if t.Kind() == reflect.Pointer && t.Elem().Name() != "" {
		return "*" + t.Elem().Name()
	}
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// A class is what a copier needs to know of a type as a whole: whether its
// values are immutable, whether they have a fixed size (and what it is),
// and whether they can be sent at all.
type class struct {
	immutable, fixed bool
	size             int
	err              error
}

var classes typecache.Cache[class]

// classify returns t's class, found once per type and kept.
func classify(t reflect.Type) (immutable, fixed bool, size int, err error) {
	k, _ := classifyCounting(t)
	return k.immutable, k.fixed, k.size, k.err
}

// classifyCounting returns t's class and how many types it visited to find
// it (0 when it was known): each type reachable from t at most once, so
// classifying is linear in the number of types t refers to, however they
// refer to each other (a tree node with two pointers to its own type was
// exponential when every path was followed to a depth).
func classifyCounting(t reflect.Type) (class, int) {
	if k, ok := classes.Peek(t); ok {
		return *k, 0
	}
	c := classifier{done: map[reflect.Type]class{}, busy: map[reflect.Type]bool{}}
	k := c.visit(t)
	if k.err == nil {
		// Nothing reachable from t has a kind that cannot be sent, so
		// every class found is final.
		for t, k := range c.done {
			classes.Put(t, &k)
		}
	}
	// With an error, the traversal stopped at it: a type found sendable on
	// the way may reach it through a type that was still being visited.
	// Only t's own class is known to be right.
	return *classes.Put(t, &k), c.visits
}

// classifier classifies a type and every type it reaches, once each.
type classifier struct {
	done   map[reflect.Type]class
	busy   map[reflect.Type]bool // being visited: the way back to one is a cycle
	visits int
}

func (c *classifier) visit(t reflect.Type) class {
	if k, ok := c.done[t]; ok {
		return k
	}
	if k, ok := classes.Peek(t); ok {
		return *k
	}
	if c.busy[t] {
		// A type reaches itself only through a pointer, slice or map, which
		// looks at what it refers to only for an error: any error on the
		// cycle is found by the visits in progress.
		return class{}
	}
	c.visits++
	c.busy[t] = true
	k := c.kind(t)
	delete(c.busy, t)
	c.done[t] = k
	return k
}

func (c *classifier) kind(t reflect.Type) class {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return class{immutable: true, fixed: true, size: int(t.Size())}
	case reflect.String:
		return class{immutable: true}
	case reflect.Array:
		e := c.visit(t.Elem())
		e.size *= t.Len()
		return e
	case reflect.Struct:
		k := class{immutable: true, fixed: true}
		for i := range t.NumField() {
			f := c.visit(t.Field(i).Type)
			if f.err != nil {
				return class{err: fmt.Errorf("field %s: %w", t.Field(i).Name, f.err)}
			}
			k.immutable, k.fixed, k.size = k.immutable && f.immutable, k.fixed && f.fixed, k.size+f.size
		}
		return k
	case reflect.Pointer, reflect.Slice, reflect.Map:
		// Mutable through the reference. Check what they hold can be sent.
		if t.Kind() == reflect.Map {
			if k := c.visit(t.Key()); k.err != nil {
				return class{err: k.err}
			}
		}
		return class{err: c.visit(t.Elem()).err}
	case reflect.Interface:
		return class{}
	default:
		return class{err: fmt.Errorf("a %s cannot be sent over a network", t.Kind())}
	}
}

// stringOffsets appends the offsets of the strings in a value of t, which
// is immutable, placed at base.
func stringOffsets(t reflect.Type, base uintptr, offs []uintptr) []uintptr {
	if _, fixed, _, _ := classify(t); fixed {
		return offs // no strings in it (nor in the zero-size types it may nest)
	}
	switch t.Kind() {
	case reflect.String:
		offs = append(offs, base)
	case reflect.Array:
		for i := range t.Len() {
			offs = stringOffsets(t.Elem(), base+uintptr(i)*t.Elem().Size(), offs)
		}
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			offs = stringOffsets(f.Type, base+f.Offset, offs)
		}
	}
	return offs
}

// maxDepth bounds how deep a message may nest.
const maxDepth = 100

var (
	errTooDeep = fmt.Errorf("message nests more than %d levels; make it flatter (a list as a slice, not as linked values)", maxDepth)
	// errTooLarge: the message counts, or its copy would take, more than
	// the walk's limit (Config.MaxMessageBytes). The simulator stops the
	// run with *LimitError.
	errTooLarge = errors.New("message too large")
)

// cycleError says that a message refers back to a value that holds it.
// Messages are values on a wire (DESIGN decision 3), copied as trees: a
// cycle has no copy, so a cyclic message is refused, as a chan is.
type cycleError struct{ typ string }

func (e *cycleError) Error() string {
	return fmt.Sprintf("message is cyclic: a %s in it leads back to itself; a message must be a tree of values (refer to another part by an index or ID, not a pointer back)", e.typ)
}

// A walk is the state of one message's copy or measure: the memory it may
// still take, and the references on the way from the message to the value
// being copied, to find a cycle. What a copy takes is charged before it is
// allocated (each value reached through a reference, at least a byte, so
// that a message whose parts share memory, copied as a tree, cannot make
// the walk run for ever either), and a measure charges what the copy would:
// a message too large costs at most its limit.
type walk struct {
	limit, room int
	n           int // references on path
	path        [maxDepth + 2]ref
}

// A ref is a value on the path of a walk: its address and its type's plan.
type ref struct {
	p    unsafe.Pointer
	plan *plan
}

func newWalk(limit int) *walk { return &walk{limit: limit} }

// start readies w for a message.
func (w *walk) start() { w.room, w.n = w.limit, 0 }

// charge takes size bytes (at least one) of w's room.
func (w *walk) charge(size uintptr) error {
	w.room -= int(max(size, 1))
	if w.room < 0 {
		return errTooLarge
	}
	return nil
}

// chargeEach takes n times size bytes (at least n) of w's room.
func (w *walk) chargeEach(n int, size uintptr) error {
	if n == 0 {
		return nil
	}
	if size == 0 {
		size = 1
	}
	if n > 0 && uintptr(w.room+1)/uintptr(n) < size {
		w.room = -1 // would overflow, or is too large anyway
		return errTooLarge
	}
	return w.charge(uintptr(n) * size)
}

// enter puts the value at p, of p's plan, on the path; a value already on
// it is a cycle. A value of an immutable type leads nowhere and stays off
// the path (zero-size values may share an address).
func (w *walk) enter(at unsafe.Pointer, p *plan) error {
	if p.immutable {
		return nil
	}
	r := ref{at, p}
	for i := range w.n {
		if w.path[i] == r {
			return &cycleError{typ: p.name}
		}
	}
	if w.n == len(w.path) {
		return errTooDeep
	}
	w.path[w.n] = r
	w.n++
	return nil
}

// leave takes the value enter put on the path off it.
func (w *walk) leave(p *plan) {
	if !p.immutable {
		w.n--
	}
}

// copyMessage returns a copy of m that shares no mutable memory with it, and
// m's size in bytes. An error means m cannot be sent; errTooLarge, that it
// is larger than w's limit.
func copyMessage(p *plan, m any, w *walk) (any, int, error) {
	w.start()
	x := iface.Of(&m)
	data, n, err := p.copyBoxed(x.Data, 0, w)
	if err == nil && n > w.limit {
		err = errTooLarge
	}
	if err != nil {
		return nil, 0, err
	}
	x.Data = data
	return m, n, nil
}

// sizeMessage returns m's size in bytes, as copyMessage counts it, without
// copying: for a message the network drops as it is sent. It returns the
// errors copyMessage would.
func sizeMessage(p *plan, m any, w *walk) (int, error) {
	w.start()
	n, err := sizeBoxed(p, m, 0, w)
	if err == nil && n > w.limit {
		err = errTooLarge
	}
	return n, err
}

// sizeBoxed measures x, of p's type, nested depth deep.
func sizeBoxed(p *plan, x any, depth int, w *walk) (int, error) {
	data := iface.Of(&x).Data
	switch {
	case p.err != nil:
		return 0, p.err
	case p.fixed:
		return p.fixedSize, nil
	case p.immutable:
		return p.measure(data), nil
	case p.direct:
		return p.sizeDirect(data, depth, w)
	}
	if err := w.charge(p.t.Size()); err != nil { // the box, as copyBoxed
		return 0, err
	}
	return p.copy(nil, data, depth, w)
}

// sizeDirect measures a value held in an interface's data word. Its own
// function, so that only this rare case moves the word to the heap (the
// copier may keep any pointer it is given, as far as the compiler knows).
func (p *plan) sizeDirect(data unsafe.Pointer, depth int, w *walk) (int, error) {
	word := data
	return p.copy(nil, unsafe.Pointer(&word), depth, w)
}

// copyBoxed copies the value an interface holds, given its data word, and
// returns the data word of an interface holding the copy, of the same type.
// An immutable value is its own copy.
func (p *plan) copyBoxed(data unsafe.Pointer, depth int, w *walk) (unsafe.Pointer, int, error) {
	switch {
	case p.err != nil:
		return nil, 0, p.err
	case p.fixed:
		return data, p.fixedSize, nil
	case p.immutable:
		return data, p.measure(data), nil
	case p.direct:
		// The data word is the value itself (a pointer, a map, or a struct
		// or array holding just one): copy it from one word to another.
		words := new([2]unsafe.Pointer)
		words[1] = data
		n, err := p.copy(unsafe.Pointer(&words[0]), unsafe.Pointer(&words[1]), depth, w)
		return words[0], n, err
	}
	if err := w.charge(p.t.Size()); err != nil { // the box, before it is allocated
		return nil, 0, err
	}
	if p.bare != nil && p.bare(data) {
		n, err := p.copy(nil, data, depth, w) // measure only
		return data, n, err
	}
	if p.block != nil {
		if c, n, ok := p.block.copy(data, depth, w); ok {
			return c, n, nil
		}
	}
	c := p.rt.New()
	n, err := p.copy(c, data, depth, w)
	return c, n, err
}

// compileBare builds the test of plan.bare for t, a type that can be sent.
func compileBare(t reflect.Type) func(v unsafe.Pointer) bool {
	if im, _, _, _ := classify(t); im {
		return func(unsafe.Pointer) bool { return true }
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Map:
		return func(v unsafe.Pointer) bool { return *(*unsafe.Pointer)(v) == nil }
	case reflect.Slice:
		return func(v unsafe.Pointer) bool { return (*sliceHeader)(v).Cap == 0 }
	case reflect.Interface:
		return func(v unsafe.Pointer) bool { return (*iface.Words)(v).Type == nil }
	case reflect.Array:
		if t.Len() == 0 {
			return func(unsafe.Pointer) bool { return true }
		}
		elem, n, size := bareOf(t.Elem()), t.Len(), t.Elem().Size()
		return func(v unsafe.Pointer) bool {
			for i := range n {
				if !elem(unsafe.Add(v, uintptr(i)*size)) {
					return false
				}
			}
			return true
		}
	case reflect.Struct:
		type field struct {
			off  uintptr
			bare func(unsafe.Pointer) bool
		}
		var fields []field
		for i := range t.NumField() {
			f := t.Field(i)
			if im, _, _, _ := classify(f.Type); !im {
				fields = append(fields, field{f.Offset, bareOf(f.Type)})
			}
		}
		return func(v unsafe.Pointer) bool {
			for _, f := range fields {
				if !f.bare(unsafe.Add(v, f.off)) {
					return false
				}
			}
			return true
		}
	}
	return func(unsafe.Pointer) bool { return false }
}

// bareOf returns the bare test of a part of a value, of type t: for a
// struct or an array, its plan's, built once per type, so that a type that
// nests another many times over builds its test once.
func bareOf(t reflect.Type) func(v unsafe.Pointer) bool {
	if k := t.Kind(); k == reflect.Struct || k == reflect.Array {
		if p := planFor(t); p.bare != nil {
			return p.bare
		}
	}
	return compileBare(t)
}

// measure returns the size of an immutable value at v.
func (p *plan) measure(v unsafe.Pointer) int {
	n := p.fixedSize
	for _, off := range p.strings {
		n += len(*(*string)(unsafe.Add(v, off)))
	}
	return n
}

// compileCopy builds the copier of values of t, whose plan p is being built.
func compileCopy(t reflect.Type, p *plan) copyFn {
	if p.err != nil {
		err := p.err
		return func(unsafe.Pointer, unsafe.Pointer, int, *walk) (int, error) { return 0, err }
	}
	if p.fixed {
		size, counted := t.Size(), p.fixedSize
		return func(dst, src unsafe.Pointer, _ int, _ *walk) (int, error) {
			if dst != nil {
				moveBytes(dst, src, size)
			}
			return counted, nil
		}
	}
	switch t.Kind() {
	case reflect.String:
		return copyString
	case reflect.Struct:
		return compileStruct(t)
	case reflect.Array:
		return compileArray(t)
	case reflect.Pointer:
		return compilePointer(t)
	case reflect.Slice:
		return compileSlice(t)
	case reflect.Map:
		return compileMap(t)
	case reflect.Interface:
		return compileInterface(t)
	}
	// classify turns away every other kind that is not fixed.
	err := fmt.Errorf("a %s cannot be sent over a network", t.Kind())
	return func(unsafe.Pointer, unsafe.Pointer, int, *walk) (int, error) { return 0, err }
}

// moveBytes copies n bytes of memory that holds no pointers.
func moveBytes(dst, src unsafe.Pointer, n uintptr) {
	if n > 0 {
		copy(unsafe.Slice((*byte)(dst), n), unsafe.Slice((*byte)(src), n))
	}
}

func copyString(dst, src unsafe.Pointer, _ int, _ *walk) (int, error) {
	s := *(*string)(src)
	if dst != nil {
		*(*string)(dst) = s
	}
	return len(s), nil
}

// compileStruct copies a struct's fixed-size fields byte for byte, adjacent
// ones in one run, and the others (strings, references) one by one.
func compileStruct(t reflect.Type) copyFn { return compileFields(t, false) }

// compileFields is compileStruct, or, when onlyImmutable is set, a copier
// of the struct's immutable fields alone, which allocates nothing: what a
// block copier uses for all but the slices it lays out itself.
func compileFields(t reflect.Type, onlyImmutable bool) copyFn {
	type run struct{ off, size uintptr }
	type field struct {
		off  uintptr
		copy copyFn
	}
	var runs []run
	var fields []field
	fixedPart := 0
	inRun := false // the last field was fixed: extend its run (padding too)
	for i := range t.NumField() {
		f := t.Field(i)
		fp := planFor(f.Type)
		switch {
		case fp.fixed && f.Type.Size() == 0:
		case onlyImmutable && !fp.immutable:
			inRun = false
		case fp.fixed:
			fixedPart += fp.fixedSize
			end := f.Offset + f.Type.Size()
			if inRun {
				runs[len(runs)-1].size = end - runs[len(runs)-1].off
			} else {
				runs = append(runs, run{f.Offset, f.Type.Size()})
			}
			inRun = true
		default:
			fields = append(fields, field{f.Offset, fp.copy})
			inRun = false
		}
	}
	return func(dst, src unsafe.Pointer, depth int, w *walk) (int, error) {
		if depth > maxDepth {
			return 0, errTooDeep
		}
		if dst != nil {
			for _, r := range runs {
				moveBytes(unsafe.Add(dst, r.off), unsafe.Add(src, r.off), r.size)
			}
		}
		total := fixedPart
		for _, f := range fields {
			n, err := f.copy(at(dst, f.off), unsafe.Add(src, f.off), depth+1, w)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
}

// compileArray copies an array whose elements are not fixed-size, element
// by element.
func compileArray(t reflect.Type) copyFn {
	elem := planFor(t.Elem())
	n, size := t.Len(), t.Elem().Size()
	return func(dst, src unsafe.Pointer, depth int, w *walk) (int, error) {
		if depth > maxDepth {
			return 0, errTooDeep
		}
		total := 0
		for i := range n {
			off := uintptr(i) * size
			c, err := elem.copy(at(dst, off), unsafe.Add(src, off), depth+1, w)
			if err != nil {
				return 0, err
			}
			total += c
		}
		return total, nil
	}
}

// compilePointer copies what a pointer points to into new memory.
func compilePointer(t reflect.Type) copyFn {
	elem := lazyPlan(t.Elem())
	return func(dst, src unsafe.Pointer, depth int, w *walk) (int, error) {
		if depth > maxDepth {
			return 0, errTooDeep
		}
		from := *(*unsafe.Pointer)(src)
		if from == nil {
			return 0, nil
		}
		ep := elem()
		if err := w.charge(ep.t.Size()); err != nil {
			return 0, err
		}
		if err := w.enter(from, ep); err != nil {
			return 0, err
		}
		defer w.leave(ep)
		if dst == nil {
			return ep.copy(nil, from, depth+1, w)
		}
		if ep.block != nil {
			if to, n, ok := ep.block.copy(from, depth+1, w); ok {
				*(*unsafe.Pointer)(dst) = to
				return n, nil
			}
		}
		to := ep.rt.New()
		n, err := ep.copy(to, from, depth+1, w)
		if err != nil {
			return 0, err
		}
		*(*unsafe.Pointer)(dst) = to
		return n, nil
	}
}

// sliceHeader is the layout of a slice. Data is an unsafe.Pointer, so that
// storing a sliceHeader stores a pointer the garbage collector sees.
type sliceHeader struct {
	Data     unsafe.Pointer
	Len, Cap int
}

// compileSlice copies a slice's elements into a new array: pointer-free
// elements ([]byte, []int, structs of numbers) in one copy of bytes, the
// others one by one. A nil slice stays nil, an empty one empty.
func compileSlice(t reflect.Type) copyFn {
	et := t.Elem()
	size := et.Size()
	if im, fx, fixedSize, err := classify(et); err == nil && im && fx {
		align := et.Align()
		return func(dst, src unsafe.Pointer, depth int, w *walk) (int, error) {
			if depth > maxDepth {
				return 0, errTooDeep
			}
			s := (*sliceHeader)(src)
			if s.Data == nil {
				return 0, nil
			}
			if err := w.chargeEach(s.Len, size); err != nil {
				return 0, err
			}
			if dst != nil {
				*(*sliceHeader)(dst) = sliceHeader{cloneFlat(s.Data, uintptr(s.Len)*size, align), s.Len, s.Len}
			}
			return fixedSize * s.Len, nil
		}
	}
	elem := lazyPlan(et)
	return func(dst, src unsafe.Pointer, depth int, w *walk) (int, error) {
		if depth > maxDepth {
			return 0, errTooDeep
		}
		s := (*sliceHeader)(src)
		if s.Data == nil {
			return 0, nil
		}
		if s.Len > 0 {
			// The elements, charged before the array is allocated; the
			// array is on the path while they are copied, for an element
			// whose slice is the same array is a cycle.
			if err := w.chargeEach(s.Len, size); err != nil {
				return 0, err
			}
			ep := elem()
			if err := w.enter(s.Data, ep); err != nil {
				return 0, err
			}
			defer w.leave(ep)
		}
		if dst == nil {
			ep, total := elem(), 0
			for i := range s.Len {
				n, err := ep.copy(nil, unsafe.Add(s.Data, uintptr(i)*size), depth+1, w)
				if err != nil {
					return 0, err
				}
				total += n
			}
			return total, nil
		}
		if s.Len == 0 {
			*(*sliceHeader)(dst) = sliceHeader{Data: unsafe.Pointer(&noElems)} // empty, not nil
			return 0, nil
		}
		ep := elem()
		// Grow the destination in place: one allocation, where
		// reflect.MakeSlice also boxes the slice header.
		reflect.NewAt(t, dst).Elem().Grow(s.Len)
		d := (*sliceHeader)(dst)
		d.Len, d.Cap = s.Len, s.Len // cap = len, as copies always had, not rounded up
		total := 0
		for i := range s.Len {
			off := uintptr(i) * size
			n, err := ep.copy(unsafe.Add(d.Data, off), unsafe.Add(s.Data, off), depth+1, w)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
}

// at is dst+off, or nil when dst is nil (a copier that only measures).
func at(dst unsafe.Pointer, off uintptr) unsafe.Pointer {
	if dst == nil {
		return nil
	}
	return unsafe.Add(dst, off)
}

// noElems is where empty slices point, as make's do.
var noElems [0]byte

// cloneFlat returns new memory holding a copy of the n bytes at src, which
// hold no pointers, aligned to align. The result is never nil.
func cloneFlat(src unsafe.Pointer, n uintptr, align int) unsafe.Pointer {
	var dst unsafe.Pointer
	if align == 1 {
		dst = unsafe.Pointer(unsafe.SliceData(make([]byte, n)))
	} else {
		// A uint64 is as aligned as any type.
		dst = unsafe.Pointer(unsafe.SliceData(make([]uint64, (n+7)/8)))
	}
	moveBytes(dst, src, n)
	return dst
}

// compileMap copies a map entry by entry, by reflection: maps are rare in
// messages, and reflect knows the runtime's map layout.
//
// The entries come in a random order, so an error is not returned at the
// first entry that has one: that would make which error a message gets
// (and so the run's verdict) differ from run to run. Every entry is
// walked, and the error kept is errTooLarge if any (whether the room runs
// out does not depend on the order), else the first by its text.
func compileMap(t reflect.Type) copyFn {
	key, elem, self := lazyPlan(t.Key()), lazyPlan(t.Elem()), lazyPlan(t)
	entry := t.Key().Size() + t.Elem().Size()
	return func(dst, src unsafe.Pointer, depth int, w *walk) (int, error) {
		if depth > maxDepth {
			return 0, errTooDeep
		}
		m := reflect.NewAt(t, src).Elem()
		if m.IsNil() {
			return 0, nil
		}
		if err := w.chargeEach(m.Len(), entry); err != nil {
			return 0, err
		}
		mp := self()
		if err := w.enter(m.UnsafePointer(), mp); err != nil {
			return 0, err
		}
		defer w.leave(mp)
		kp, ep := key(), elem()
		k, v := reflect.New(t.Key()), reflect.New(t.Elem()) // each entry, as is
		var c reflect.Value
		if dst != nil {
			c = reflect.MakeMapWithSize(t, m.Len())
		}
		total := 0
		var failed error
		for it := m.MapRange(); it.Next(); {
			k.Elem().SetIterKey(it)
			v.Elem().SetIterValue(it)
			var kc, vc reflect.Value
			kd, vd := unsafe.Pointer(nil), unsafe.Pointer(nil)
			if dst != nil {
				kc, vc = reflect.New(t.Key()), reflect.New(t.Elem())
				kd, vd = kc.UnsafePointer(), vc.UnsafePointer()
			}
			n1, err := kp.copy(kd, k.UnsafePointer(), depth+1, w)
			if err != nil {
				failed = firstError(failed, err)
				continue
			}
			n2, err := ep.copy(vd, v.UnsafePointer(), depth+1, w)
			if err != nil {
				failed = firstError(failed, err)
				continue
			}
			if dst != nil {
				c.SetMapIndex(kc.Elem(), vc.Elem())
			}
			total += n1 + n2
		}
		if failed != nil {
			return 0, failed
		}
		if dst != nil {
			*(*unsafe.Pointer)(dst) = c.UnsafePointer()
		}
		return total, nil
	}
}

// firstError returns the error of a map's entries to report, whatever
// order they came in: errTooLarge if either is, else the first by its text.
func firstError(a, b error) error {
	switch {
	case a == nil:
		return b
	case a == errTooLarge || b == errTooLarge:
		return errTooLarge
	case b.Error() < a.Error():
		return b
	}
	return a
}

// compileInterface copies the value an interface holds, with the copier of
// its dynamic type.
func compileInterface(t reflect.Type) copyFn {
	empty := t.NumMethod() == 0
	return func(dst, src unsafe.Pointer, depth int, w *walk) (int, error) {
		if depth > maxDepth {
			return 0, errTooDeep
		}
		var x any
		if empty {
			x = *(*any)(src)
		} else {
			x = reflect.NewAt(t, src).Elem().Interface()
		}
		if x == nil {
			return 0, nil
		}
		if dst == nil {
			return sizeBoxed(planFor(reflect.TypeOf(x)), x, depth+1, w)
		}
		data, n, err := planFor(reflect.TypeOf(x)).copyBoxed(iface.Of(&x).Data, depth+1, w)
		if err != nil {
			return 0, err
		}
		// The copy has the same dynamic type: keep the type (or itab) word.
		to, from := (*iface.Words)(dst), (*iface.Words)(src)
		to.Type, to.Data = from.Type, data
		return n, nil
	}
}
