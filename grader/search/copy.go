package search

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/internal/iface"
	"github.com/faultline-dev/faultline/grader/internal/typecache"
)

// The state copier deep-copies a node (and the checker's ghost state) so
// that a state already in the visited graph is never changed by the
// handler run on its successor. It is compiled once per type, like the
// simulator's message copier (grader/sim/copy.go), but its rules differ,
// because node state is not a message:
//
//   - Pointers are copied once per copy: two fields that point to one
//     value point to one copy of it, and a node that points back to itself
//     is copied, not refused (a message with a cycle is refused by the
//     simulator). Slices and maps are copied per reference: two slices
//     that share a backing array get two arrays (documented in doc.go).
//   - A function value is kept as is when it is a plain function or method
//     expression (no captured variables), or one the node was built with
//     (the lab's callbacks, such as pingpong's done or Raft's apply: they
//     reach the checker's current state, never a copy's memory). A method
//     value of a pointer receiver the copy has copied (s.rf =
//     raft(s.apply)) is bound to the receiver's copy. Any other closure
//     may capture the node's own memory, which a copy would then share,
//     so it is refused with the field's path.
//   - A channel or an unsafe.Pointer is refused with the field's path.
//   - The checker's own values (the Env, its Storage) are shared: they
//     hold no state of their own (see env.go).

// copyFn copies the value of its type at src into the zeroed memory at dst.
type copyFn func(dst, src unsafe.Pointer, c *copier) error

// plan is a type's compiled copier.
type plan struct {
	t    reflect.Type
	rt   iface.Type
	copy copyFn
	// flat: no pointers at all; copied with one memmove.
	flat bool
	// frozen: nothing reachable can change (numbers, strings, and structs
	// and arrays of them): a boxed frozen value is shared, not copied.
	frozen bool
	// direct: an interface holds the value in its data word.
	direct bool
	// shared: one of the checker's own types (markShared), which a copy
	// shares; kept here so that copying a boxed value costs no lookup in
	// the shared map (a sixth of a pingpong step's copy went there).
	shared bool
}

var plans typecache.Cache[plan]

// boxPlans finds the plan of a boxed value by its interface's type word.
var boxPlans wordCache[plan]

// planOf returns the plan of the value x holds (x not nil).
func planOf(x any) *plan {
	w := iface.Of(&x)
	return boxPlans.get(w.Type, func() *plan { return planFor(reflect.TypeOf(x)) })
}

func planFor(t reflect.Type) *plan { return plans.Get(t, buildPlan) }

func buildPlan(t reflect.Type) *plan {
	p := &plan{t: t, rt: iface.TypeOf(t), flat: isFlat(t), frozen: isFrozen(t, map[reflect.Type]bool{}), direct: iface.Direct(t), shared: isShared(t)}
	p.copy = compileCopy(t, p)
	return p
}

// shared lists the checker's own types whose values a copy shares.
var shared sync.Map // reflect.Type -> bool

func markShared(t reflect.Type) { shared.Store(t, true) }

func isShared(t reflect.Type) bool { _, ok := shared.Load(t); return ok }

// isFlat reports whether t holds no pointers of any kind.
func isFlat(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || isFlat(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !isFlat(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// isFrozen reports whether no value reachable from a t can be changed:
// numbers, strings, and arrays and structs of them.
func isFrozen(t reflect.Type, seen map[reflect.Type]bool) bool {
	if isFlat(t) || t.Kind() == reflect.String {
		return true
	}
	if seen[t] {
		return true
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Array:
		return isFrozen(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if !isFrozen(t.Field(i).Type, seen) {
				return false
			}
		}
		return true
	}
	return false
}

// errRefused is returned by the compiled copier for a value it will not
// copy; refusal walks the value again by reflection to name the field.
var errRefused = errors.New("search: value cannot be copied")

// copier is the context of one copy: the pointers already copied, and the
// closures the copied node was built with.
type copier struct {
	memo    ptrMap[unsafe.Pointer]
	trusted map[unsafe.Pointer]bool
	in, out any // deepCopy's, here so that they do not escape per call
}

func (c *copier) reset(trusted map[unsafe.Pointer]bool) {
	c.memo.reset()
	c.trusted = trusted
}

// deepCopy returns a deep copy of x (an interface holding any value).
func (c *copier) deepCopy(x any) (any, error) {
	if x == nil {
		return nil, nil
	}
	c.in, c.out = x, nil
	err := copyIface(unsafe.Pointer(&c.out), unsafe.Pointer(&c.in), c, true)
	out := c.out
	c.in, c.out = nil, nil
	if err != nil {
		return nil, err
	}
	return out, nil
}

func compileCopy(t reflect.Type, p *plan) copyFn {
	if p.flat {
		size := t.Size()
		return func(dst, src unsafe.Pointer, _ *copier) error {
			moveBytes(dst, src, size)
			return nil
		}
	}
	if isShared(t) {
		return sharedCopy(t)
	}
	switch t.Kind() {
	case reflect.String:
		return func(dst, src unsafe.Pointer, _ *copier) error {
			*(*string)(dst) = *(*string)(src)
			return nil
		}
	case reflect.Struct:
		return compileStruct(t)
	case reflect.Array:
		n, size := t.Len(), t.Elem().Size()
		elem := plans.Lazy(t.Elem(), buildPlan)
		return func(dst, src unsafe.Pointer, c *copier) error {
			e := elem()
			for i := range n {
				if err := e.copy(unsafe.Add(dst, uintptr(i)*size), unsafe.Add(src, uintptr(i)*size), c); err != nil {
					return err
				}
			}
			return nil
		}
	case reflect.Pointer:
		return compilePointer(t)
	case reflect.Slice:
		return compileSlice(t)
	case reflect.Map:
		return compileMap(t)
	case reflect.Interface:
		empty := t.NumMethod() == 0
		return func(dst, src unsafe.Pointer, c *copier) error { return copyIface(dst, src, c, empty) }
	case reflect.Func:
		return copyFunc
	}
	// A channel or an unsafe.Pointer.
	return func(dst, src unsafe.Pointer, _ *copier) error {
		if *(*unsafe.Pointer)(src) == nil {
			return nil
		}
		return errRefused
	}
}

// sharedCopy copies a value of one of the checker's own types as is.
func sharedCopy(t reflect.Type) copyFn {
	return func(dst, src unsafe.Pointer, _ *copier) error {
		reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())
		return nil
	}
}

func moveBytes(dst, src unsafe.Pointer, n uintptr) {
	if n > 0 {
		copy(unsafe.Slice((*byte)(dst), n), unsafe.Slice((*byte)(src), n))
	}
}

func compileStruct(t reflect.Type) copyFn {
	type op struct {
		off, size uintptr // a run of flat fields: memmove
		elem      func() *plan
	}
	var ops []op
	for i := range t.NumField() {
		f := t.Field(i)
		if isFlat(f.Type) {
			end := f.Offset + f.Type.Size()
			if n := len(ops); n > 0 && ops[n-1].elem == nil {
				ops[n-1].size = end - ops[n-1].off
			} else {
				ops = append(ops, op{off: f.Offset, size: f.Type.Size()})
			}
			continue
		}
		ops = append(ops, op{off: f.Offset, elem: plans.Lazy(f.Type, buildPlan)})
	}
	return func(dst, src unsafe.Pointer, c *copier) error {
		for _, o := range ops {
			if o.elem == nil {
				moveBytes(unsafe.Add(dst, o.off), unsafe.Add(src, o.off), o.size)
				continue
			}
			if err := o.elem().copy(unsafe.Add(dst, o.off), unsafe.Add(src, o.off), c); err != nil {
				return err
			}
		}
		return nil
	}
}

func compilePointer(t reflect.Type) copyFn {
	elem := plans.Lazy(t.Elem(), buildPlan)
	return func(dst, src unsafe.Pointer, c *copier) error {
		from := *(*unsafe.Pointer)(src)
		if from == nil {
			return nil
		}
		if to, ok := c.memo.get(from); ok {
			*(*unsafe.Pointer)(dst) = to
			return nil
		}
		e := elem()
		to := e.rt.New()
		c.memo.put(from, to)
		*(*unsafe.Pointer)(dst) = to
		return e.copy(to, from, c)
	}
}

type sliceHeader struct {
	Data     unsafe.Pointer
	Len, Cap int
}

//go:linkname unsafeNewArray reflect.unsafe_NewArray
func unsafeNewArray(typ unsafe.Pointer, n int) unsafe.Pointer

// rtypeOf returns the runtime type word of t.
func rtypeOf(t reflect.Type) unsafe.Pointer {
	x := any(t)
	return iface.Of(&x).Data
}

func compileSlice(t reflect.Type) copyFn {
	et := t.Elem()
	rt, size := rtypeOf(et), et.Size()
	elem := plans.Lazy(et, buildPlan)
	flat := isFlat(et)
	return func(dst, src unsafe.Pointer, c *copier) error {
		s := (*sliceHeader)(src)
		if s.Data == nil {
			return nil
		}
		d := (*sliceHeader)(dst)
		data := unsafeNewArray(rt, s.Len)
		if flat {
			moveBytes(data, s.Data, uintptr(s.Len)*size)
		} else {
			e := elem()
			for i := range s.Len {
				if err := e.copy(unsafe.Add(data, uintptr(i)*size), unsafe.Add(s.Data, uintptr(i)*size), c); err != nil {
					return err
				}
			}
		}
		d.Data, d.Len, d.Cap = data, s.Len, s.Len
		return nil
	}
}

// mapClone is the runtime's clone of a map, behind maps.Clone: a map whose
// keys and values are frozen is copied whole, without hashing each key again.
// Unlike reflect.unsafe_NewArray it is not among the names the runtime
// promises to keep (go.dev/issue/67401): should a Go release withdraw it,
// the build fails here, and the reflect loop below serves every map.
//
//go:linkname mapClone maps.clone
func mapClone(m any) any

func compileMap(t reflect.Type) copyFn {
	key, val := planFor(t.Key()), plans.Lazy(t.Elem(), buildPlan)
	tw := typeWord(t)
	if isFrozen(t.Key(), map[reflect.Type]bool{}) && isFrozen(t.Elem(), map[reflect.Type]bool{}) {
		return func(dst, src unsafe.Pointer, c *copier) error {
			if *(*unsafe.Pointer)(src) == nil {
				return nil
			}
			out := mapClone(boxMap(tw, src))
			*(*unsafe.Pointer)(dst) = iface.Of(&out).Data
			return nil
		}
	}
	return func(dst, src unsafe.Pointer, c *copier) error {
		if *(*unsafe.Pointer)(src) == nil {
			return nil
		}
		m := reflect.ValueOf(boxMap(tw, src))
		out := reflect.MakeMapWithSize(t, m.Len())
		k, v := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		vp := val()
		for it := m.MapRange(); it.Next(); {
			nk, nv := reflect.New(t.Key()), reflect.New(t.Elem())
			k.SetIterKey(it)
			v.SetIterValue(it)
			if err := key.copy(nk.UnsafePointer(), k.Addr().UnsafePointer(), c); err != nil {
				return err
			}
			if err := vp.copy(nv.UnsafePointer(), v.Addr().UnsafePointer(), c); err != nil {
				return err
			}
			out.SetMapIndex(nk.Elem(), nv.Elem())
		}
		*(*unsafe.Pointer)(dst) = out.UnsafePointer()
		return nil
	}
}

// typeWord returns the type word of an interface holding a t.
func typeWord(t reflect.Type) unsafe.Pointer {
	z := reflect.Zero(t).Interface()
	return iface.Of(&z).Type
}

// boxMap returns the map at p (its type word tw) in an interface, as
// reflect.NewAt(t, p).Elem().Interface() would without looking up t's
// pointer type in reflect's cache (a sync.Map) on every call: that was a
// thirtieth of a pingpong step. A map is pointer-shaped: the interface
// holds the map pointer itself.
func boxMap(tw, p unsafe.Pointer) any {
	var m any
	w := iface.Of(&m)
	w.Type, w.Data = tw, *(*unsafe.Pointer)(p)
	return m
}

// dynType returns the dynamic type of the interface at p.
func dynType(p unsafe.Pointer, empty bool) reflect.Type {
	w := (*iface.Words)(p)
	tw := w.Type
	if !empty {
		tw = *(*unsafe.Pointer)(unsafe.Add(tw, unsafe.Sizeof(uintptr(0)))) // itab.Type
	}
	return typeOfWord(tw)
}

var typeWords sync.Map // unsafe.Pointer (runtime type) -> reflect.Type

func typeOfWord(tw unsafe.Pointer) reflect.Type {
	if t, ok := typeWords.Load(tw); ok {
		return t.(reflect.Type)
	}
	var x any
	iface.Of(&x).Type = tw // a nil data word: TypeOf reads the type word only
	t := reflect.TypeOf(x)
	iface.Of(&x).Type = nil
	typeWords.Store(tw, t)
	return t
}

// copyIface copies the interface at src: a frozen or shared value is
// shared (a boxed value cannot be changed through the interface), others
// are copied into a new box of the same type.
func copyIface(dst, src unsafe.Pointer, c *copier, empty bool) error {
	w := (*iface.Words)(src)
	if w.Type == nil {
		return nil
	}
	d := (*iface.Words)(dst)
	p := boxPlans.get(w.Type, func() *plan { return planFor(dynType(src, empty)) })
	if p.frozen || p.shared {
		d.Type, d.Data = w.Type, w.Data
		return nil
	}
	if p.direct {
		var data unsafe.Pointer
		if err := p.copy(unsafe.Pointer(&data), unsafe.Pointer(&w.Data), c); err != nil {
			return err
		}
		d.Type, d.Data = w.Type, data
		return nil
	}
	data := p.rt.New()
	if err := p.copy(data, w.Data, c); err != nil {
		return err
	}
	d.Type, d.Data = w.Type, data
	return nil
}

// copyFunc keeps a function value that cannot hold the node's memory,
// and binds a method value of the node's own (s.rf = New(s.apply)) to the
// copy of its receiver.
func copyFunc(dst, src unsafe.Pointer, c *copier) error {
	fv := *(*unsafe.Pointer)(src)
	if fv == nil {
		return nil
	}
	if ptrMethodValue(fv) {
		mv := (*methodValue)(fv)
		if to, ok := c.memo.get(mv.recv); ok {
			*(*unsafe.Pointer)(dst) = unsafe.Pointer(&methodValue{fn: mv.fn, recv: to})
			return nil
		}
	}
	if !c.trusted[fv] && !staticFunc(fv) {
		return errRefused
	}
	*(*unsafe.Pointer)(dst) = fv
	return nil
}

// methodValue is the closure the compiler makes for a method value x.M
// with a pointer receiver: the wrapper's code, then the receiver it calls
// M on (cmd/compile: a method value closes over its receiver alone).
type methodValue struct {
	fn   uintptr
	recv unsafe.Pointer
}

var ptrMethods sync.Map // code pointer -> bool

// ptrMethodValue reports whether fv is a method value of a pointer
// receiver, named "pkg.(*T).M-fm".
func ptrMethodValue(fv unsafe.Pointer) bool {
	pc := *(*uintptr)(fv)
	if ok, found := ptrMethods.Load(pc); found {
		return ok.(bool)
	}
	f := runtime.FuncForPC(pc)
	ok := f != nil && strings.HasSuffix(f.Name(), "-fm") && strings.Contains(f.Name(), ".(*")
	ptrMethods.Store(pc, ok)
	return ok
}

// closureName matches the names the compiler gives closures ("f.func1",
// "f.func2.3") and method values ("(*T).m-fm"), which carry variables.
var closureName = regexp.MustCompile(`(\.func\d+(\.\d+)*|-fm)$`)

var statics sync.Map // function's code pointer -> bool

// staticFunc reports whether the function value fv (a pointer to the
// runtime's funcval) is a plain function or method expression.
func staticFunc(fv unsafe.Pointer) bool {
	pc := *(*uintptr)(fv)
	if ok, found := statics.Load(pc); found {
		return ok.(bool)
	}
	f := runtime.FuncForPC(pc)
	ok := f != nil && !closureName.MatchString(f.Name())
	statics.Store(pc, ok)
	return ok
}

// funcName names the function value fv, for errors.
func funcName(fv unsafe.Pointer) string {
	if f := runtime.FuncForPC(*(*uintptr)(fv)); f != nil {
		return f.Name()
	}
	return "an unknown function"
}

// trustFuncs returns the function values reachable from x: the closures a
// node holds right after its factory built it (the lab's callbacks).
func trustFuncs(x any) map[unsafe.Pointer]bool {
	out := map[unsafe.Pointer]bool{}
	seen := map[unsafe.Pointer]bool{}
	var walk func(v reflect.Value, depth int)
	walk = func(v reflect.Value, depth int) {
		if depth > 64 {
			return
		}
		switch v.Kind() {
		case reflect.Func:
			if !v.IsNil() {
				out[*(*unsafe.Pointer)(addrOf(v))] = true
			}
		case reflect.Pointer:
			if v.IsNil() || seen[v.UnsafePointer()] {
				return
			}
			seen[v.UnsafePointer()] = true
			walk(v.Elem(), depth+1)
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), depth+1)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i), depth+1)
			}
		}
	}
	walk(reflect.ValueOf(&x).Elem(), 0)
	return out
}

// addrOf returns the address of v's value, or of a copy of it.
func addrOf(v reflect.Value) unsafe.Pointer {
	if v.CanAddr() {
		return v.Addr().UnsafePointer()
	}
	c := reflect.New(v.Type())
	c.Elem().Set(v)
	return c.UnsafePointer()
}

// RefusedError says which part of a node's state the checker cannot copy.
type RefusedError struct {
	Node string // "n1", or "ghost state"
	Path string // "(*client).retry"
	Why  string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("search: cannot copy %s's state: %s %s; the checker copies a node's whole state at every step, so node state must hold only data (keep closures out of it: store what they would capture, and call a method instead)", e.Node, e.Path, e.Why)
}

// explainRefusal walks x by reflection to find the value the compiled
// copier refused, and names its path.
func explainRefusal(who string, x any, trusted map[unsafe.Pointer]bool) error {
	seen := map[unsafe.Pointer]bool{}
	var find func(v reflect.Value, path string, depth int) *RefusedError
	find = func(v reflect.Value, path string, depth int) *RefusedError {
		if depth > 64 {
			return nil
		}
		switch v.Kind() {
		case reflect.Func:
			if v.IsNil() {
				return nil
			}
			fv := *(*unsafe.Pointer)(addrOf(v))
			if ptrMethodValue(fv) && seen[(*methodValue)(fv).recv] {
				return nil // bound to the copy of its receiver
			}
			if !trusted[fv] && !staticFunc(fv) {
				return &RefusedError{Node: who, Path: path, Why: "holds the closure " + funcName(fv) + ", which may capture the node's own memory"}
			}
		case reflect.Chan:
			if !v.IsNil() {
				return &RefusedError{Node: who, Path: path, Why: "holds a channel (" + v.Type().String() + ")"}
			}
		case reflect.UnsafePointer:
			if !v.IsNil() {
				return &RefusedError{Node: who, Path: path, Why: "holds an unsafe.Pointer"}
			}
		case reflect.Pointer:
			if v.IsNil() || seen[v.UnsafePointer()] || isShared(v.Type()) {
				return nil
			}
			seen[v.UnsafePointer()] = true
			return find(v.Elem(), "(*"+path+")", depth+1)
		case reflect.Interface:
			if v.IsNil() {
				return nil
			}
			return find(v.Elem(), path, depth+1)
		case reflect.Struct:
			if isShared(v.Type()) {
				return nil
			}
			for i := range v.NumField() {
				if e := find(v.Field(i), path+"."+v.Type().Field(i).Name, depth+1); e != nil {
					return e
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				if e := find(v.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1); e != nil {
					return e
				}
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				if e := find(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()), depth+1); e != nil {
					return e
				}
			}
		}
		return nil
	}
	v := reflect.ValueOf(x)
	if !v.IsValid() {
		return nil
	}
	if e := find(v, v.Type().String(), 0); e != nil {
		return e
	}
	return &RefusedError{Node: who, Path: v.Type().String(), Why: "holds a value the checker cannot copy"}
}
