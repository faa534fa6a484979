package sim

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
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
	fixed     bool
	fixedSize int
	err       error // the type cannot cross a wire (chan, func, unsafe pointer)
	// kids caches the plans of the types inside: a struct's fields by
	// index; the element of a pointer, slice or array at 0; a map's value
	// at 0 and key at 1. Filled on first use, so that copying a value looks
	// up no plan in the shared table past its top level.
	kids []atomic.Pointer[plan]
	// For a struct: fixedPart is the size of its fixed-size fields, and
	// varFields lists the others (strings, references). A struct is copied
	// whole at once and then only its varFields are visited.
	fixedPart int
	varFields []int
}

// field returns the plan of field i of struct type t, p's type.
func (p *plan) field(i int, t reflect.Type) *plan {
	if k := p.kids[i].Load(); k != nil {
		return k
	}
	return p.kid(i, t.Field(i).Type)
}

// kid returns the plan of the i-th type inside p's type, t.
func (p *plan) kid(i int, t reflect.Type) *plan {
	if k := p.kids[i].Load(); k != nil {
		return k
	}
	k := planFor(t)
	p.kids[i].Store(k)
	return k
}

var plans sync.Map // reflect.Type -> *plan

func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{name: typeName(t)}
	switch t.Kind() {
	case reflect.Struct:
		p.kids = make([]atomic.Pointer[plan], t.NumField())
	case reflect.Pointer, reflect.Slice, reflect.Array:
		p.kids = make([]atomic.Pointer[plan], 1)
	case reflect.Map:
		p.kids = make([]atomic.Pointer[plan], 2)
	}
	p.immutable, p.fixed, p.fixedSize, p.err = classify(t, 0)
	p.fixed = p.fixed && p.immutable
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			im, fx, sz, _ := classify(t.Field(i).Type, 0)
			if im && fx {
				p.fixedPart += sz
			} else {
				p.varFields = append(p.varFields, i)
			}
		}
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan)
}

func typeName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer && t.Elem().Name() != "" {
		return "*" + t.Elem().Name()
	}
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// classify reports whether values of t are immutable, whether they have a
// fixed size (and what it is), and whether t can be sent at all.
func classify(t reflect.Type, depth int) (immutable, fixed bool, size int, err error) {
	if depth > 64 {
		return false, false, 0, nil // deep or recursive: handled value by value
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true, true, int(t.Size()), nil
	case reflect.String:
		return true, false, 0, nil
	case reflect.Array:
		im, fx, sz, err := classify(t.Elem(), depth+1)
		return im, fx, sz * t.Len(), err
	case reflect.Struct:
		immutable, fixed = true, true
		for i := range t.NumField() {
			im, fx, sz, ferr := classify(t.Field(i).Type, depth+1)
			if ferr != nil {
				return false, false, 0, fmt.Errorf("field %s: %w", t.Field(i).Name, ferr)
			}
			immutable, fixed, size = immutable && im, fixed && fx, size+sz
		}
		return immutable, fixed, size, nil
	case reflect.Pointer, reflect.Slice, reflect.Map:
		// Mutable through the reference. Check what they hold can be sent;
		// recursion through pointers is cut by depth.
		if t.Kind() == reflect.Map {
			if _, _, _, err := classify(t.Key(), depth+1); err != nil {
				return false, false, 0, err
			}
		}
		_, _, _, err := classify(t.Elem(), depth+1)
		return false, false, 0, err
	case reflect.Interface:
		return false, false, 0, nil
	default:
		return false, false, 0, fmt.Errorf("a %s cannot be sent over a network", t.Kind())
	}
}

// copier deep-copies and measures one message. It reuses nothing between
// calls; it exists to carry the depth limit's error.
const maxDepth = 100

var errTooDeep = fmt.Errorf("message nests more than %d levels (is it cyclic?)", maxDepth)

// copyMessage returns a copy of m that shares no mutable memory with it, and
// m's size in bytes. An error means m cannot be sent.
func copyMessage(p *plan, m any) (any, int, error) {
	if p.err != nil {
		return nil, 0, p.err
	}
	if p.fixed {
		return m, p.fixedSize, nil
	}
	src := reflect.ValueOf(m)
	if p.immutable {
		n, err := sizeOf(src, 0)
		return m, n, err
	}
	dst := reflect.New(src.Type()).Elem()
	n, err := copyWith(p, dst, src, 0)
	if err != nil {
		return nil, 0, err
	}
	return dst.Interface(), n, nil
}

// exposed returns v with the read-only flag of unexported fields removed, so
// that unexported fields are copied too. v must be addressable.
func exposed(v reflect.Value) reflect.Value {
	if v.CanInterface() || !v.CanAddr() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// addressable returns an addressable copy of v (map values and interface
// contents are not addressable).
func addressable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return exposed(v)
	}
	a := reflect.New(v.Type()).Elem()
	a.Set(v)
	return a
}

// deepCopy copies src into dst (settable, same type) and returns the bytes
// counted for src.
func deepCopy(dst, src reflect.Value, depth int) (int, error) {
	return copyWith(planFor(src.Type()), dst, src, depth)
}

// copyWith is deepCopy with src's plan at hand.
func copyWith(p *plan, dst, src reflect.Value, depth int) (int, error) {
	if depth > maxDepth {
		return 0, errTooDeep
	}
	t := src.Type()
	if p.err != nil {
		return 0, p.err
	}
	if p.immutable {
		dst.Set(src)
		if p.fixed {
			return p.fixedSize, nil
		}
		return sizeOf(src, depth)
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return 0, nil
		}
		c := reflect.New(t.Elem())
		n, err := copyWith(p.kid(0, t.Elem()), c.Elem(), exposed(src.Elem()), depth+1)
		dst.Set(c)
		return n, err
	case reflect.Interface:
		if src.IsNil() {
			return 0, nil
		}
		inner := addressable(src.Elem())
		c := reflect.New(inner.Type()).Elem()
		n, err := deepCopy(c, inner, depth+1)
		dst.Set(c)
		return n, err
	case reflect.Slice:
		if src.IsNil() {
			return 0, nil
		}
		c := reflect.MakeSlice(t, src.Len(), src.Len())
		ep := p.kid(0, t.Elem())
		if ep.fixed {
			reflect.Copy(c, src)
			dst.Set(c)
			return ep.fixedSize * src.Len(), nil
		}
		total := 0
		for i := range src.Len() {
			n, err := copyWith(ep, c.Index(i), exposed(src.Index(i)), depth+1)
			if err != nil {
				return 0, err
			}
			total += n
		}
		dst.Set(c)
		return total, nil
	case reflect.Map:
		if src.IsNil() {
			return 0, nil
		}
		c := reflect.MakeMapWithSize(t, src.Len())
		total := 0
		it := src.MapRange()
		for it.Next() {
			k := addressable(it.Key())
			v := addressable(it.Value())
			kc := reflect.New(t.Key()).Elem()
			n1, err := copyWith(p.kid(1, t.Key()), kc, k, depth+1)
			if err != nil {
				return 0, err
			}
			vc := reflect.New(t.Elem()).Elem()
			n2, err := copyWith(p.kid(0, t.Elem()), vc, v, depth+1)
			if err != nil {
				return 0, err
			}
			c.SetMapIndex(kc, vc)
			total += n1 + n2
		}
		dst.Set(c)
		return total, nil
	case reflect.Array:
		total := 0
		ep := p.kid(0, t.Elem())
		for i := range src.Len() {
			n, err := copyWith(ep, dst.Index(i), exposed(src.Index(i)), depth+1)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	case reflect.Struct:
		if !src.CanAddr() {
			src = addressable(src)
		}
		// Copy the whole struct at once, then replace what it references
		// with copies: fixed-size fields need no visit at all.
		dst.Set(src)
		total := p.fixedPart
		for _, i := range p.varFields {
			n, err := copyWith(p.field(i, t), exposed(dst.Field(i)), exposed(src.Field(i)), depth+1)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
	return 0, fmt.Errorf("a %s cannot be sent over a network", src.Kind())
}

// sizeOf counts the bytes of an immutable value that holds strings.
func sizeOf(v reflect.Value, depth int) (int, error) {
	if depth > maxDepth {
		return 0, errTooDeep
	}
	switch v.Kind() {
	case reflect.String:
		return v.Len(), nil
	case reflect.Array:
		total := 0
		for i := range v.Len() {
			n, err := sizeOf(v.Index(i), depth+1)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	case reflect.Struct:
		total := 0
		for i := range v.NumField() {
			n, err := sizeOf(v.Field(i), depth+1)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	default:
		return int(v.Type().Size()), nil
	}
}
