package sim

// This file keeps the reflect.Value implementation of copyMessage that the
// compiled copiers replaced, as the oracle the tests compare them with: the
// same sizes, the same errors.

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// An oldPlan says how to copy and measure values of one type. Plans are computed
// once per type and shared by every simulator in the process.
type oldPlan struct {
	name string
	// immutable: nothing reachable from a value can be changed through
	// another reference (no pointers, slices, maps or interfaces; strings are
	// immutable in Go). Such a value is its own copy.
	immutable bool
	// fixed: immutable and without strings, so every value has size fixedSize.
	fixed     bool
	fixedSize int
	err       error // the type cannot cross a wire (chan, func, unsafe pointer)
	// kids caches the oldPlans of the types inside: a struct's fields by
	// index; the element of a pointer, slice or array at 0; a map's value
	// at 0 and key at 1. Filled on first use, so that copying a value looks
	// up no oldPlan in the shared table past its top level.
	kids []atomic.Pointer[oldPlan]
	// For a struct: fixedPart is the size of its fixed-size fields, and
	// varFields lists the others (strings, references). A struct is copied
	// whole at once and then only its varFields are visited.
	fixedPart int
	varFields []int
}

// field returns the oldPlan of field i of struct type t, p's type.
func (p *oldPlan) field(i int, t reflect.Type) *oldPlan {
	if k := p.kids[i].Load(); k != nil {
		return k
	}
	return p.kid(i, t.Field(i).Type)
}

// kid returns the oldPlan of the i-th type inside p's type, t.
func (p *oldPlan) kid(i int, t reflect.Type) *oldPlan {
	if k := p.kids[i].Load(); k != nil {
		return k
	}
	k := oldPlanFor(t)
	p.kids[i].Store(k)
	return k
}

var oldPlans sync.Map // reflect.Type -> *oldPlan

func oldPlanFor(t reflect.Type) *oldPlan {
	if p, ok := oldPlans.Load(t); ok {
		return p.(*oldPlan)
	}
	p := &oldPlan{name: t.String()}
	switch t.Kind() {
	case reflect.Struct:
		p.kids = make([]atomic.Pointer[oldPlan], t.NumField())
	case reflect.Pointer, reflect.Slice, reflect.Array:
		p.kids = make([]atomic.Pointer[oldPlan], 1)
	case reflect.Map:
		p.kids = make([]atomic.Pointer[oldPlan], 2)
	}
	p.immutable, p.fixed, p.fixedSize, p.err = oldClassify(t, 0)
	p.fixed = p.fixed && p.immutable
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			im, fx, sz, _ := oldClassify(t.Field(i).Type, 0)
			if im && fx {
				p.fixedPart += sz
			} else {
				p.varFields = append(p.varFields, i)
			}
		}
	}
	actual, _ := oldPlans.LoadOrStore(t, p)
	return actual.(*oldPlan)
}

// oldClassify reports whether values of t are immutable, whether they have a
// fixed size (and what it is), and whether t can be sent at all.
func oldClassify(t reflect.Type, depth int) (immutable, fixed bool, size int, err error) {
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
		im, fx, sz, err := oldClassify(t.Elem(), depth+1)
		return im, fx, sz * t.Len(), err
	case reflect.Struct:
		immutable, fixed = true, true
		for i := range t.NumField() {
			im, fx, sz, ferr := oldClassify(t.Field(i).Type, depth+1)
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
			if _, _, _, err := oldClassify(t.Key(), depth+1); err != nil {
				return false, false, 0, err
			}
		}
		_, _, _, err := oldClassify(t.Elem(), depth+1)
		return false, false, 0, err
	case reflect.Interface:
		return false, false, 0, nil
	default:
		return false, false, 0, fmt.Errorf("a %s cannot be sent over a network", t.Kind())
	}
}

// oldCopyMessage returns a copy of m that shares no mutable memory with it, and
// m's size in bytes. An error means m cannot be sent.
func oldCopyMessage(p *oldPlan, m any) (any, int, error) {
	if p.err != nil {
		return nil, 0, p.err
	}
	if p.fixed {
		return m, p.fixedSize, nil
	}
	src := reflect.ValueOf(m)
	if p.immutable {
		n, err := oldSizeOf(src, 0)
		return m, n, err
	}
	dst := reflect.New(src.Type()).Elem()
	n, err := oldCopyWith(p, dst, src, 0)
	if err != nil {
		return nil, 0, err
	}
	return dst.Interface(), n, nil
}

// oldExposed returns v with the read-only flag of unexported fields removed, so
// that unexported fields are copied too. v must be oldAddressable.
func oldExposed(v reflect.Value) reflect.Value {
	if v.CanInterface() || !v.CanAddr() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// oldAddressable returns an oldAddressable copy of v (map values and interface
// contents are not oldAddressable).
func oldAddressable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return oldExposed(v)
	}
	a := reflect.New(v.Type()).Elem()
	a.Set(v)
	return a
}

// oldDeepCopy copies src into dst (settable, same type) and returns the bytes
// counted for src.
func oldDeepCopy(dst, src reflect.Value, depth int) (int, error) {
	return oldCopyWith(oldPlanFor(src.Type()), dst, src, depth)
}

// oldCopyWith is oldDeepCopy with src's oldPlan at hand.
func oldCopyWith(p *oldPlan, dst, src reflect.Value, depth int) (int, error) {
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
		return oldSizeOf(src, depth)
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return 0, nil
		}
		c := reflect.New(t.Elem())
		n, err := oldCopyWith(p.kid(0, t.Elem()), c.Elem(), oldExposed(src.Elem()), depth+1)
		dst.Set(c)
		return n, err
	case reflect.Interface:
		if src.IsNil() {
			return 0, nil
		}
		inner := oldAddressable(src.Elem())
		c := reflect.New(inner.Type()).Elem()
		n, err := oldDeepCopy(c, inner, depth+1)
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
			n, err := oldCopyWith(ep, c.Index(i), oldExposed(src.Index(i)), depth+1)
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
			k := oldAddressable(it.Key())
			v := oldAddressable(it.Value())
			kc := reflect.New(t.Key()).Elem()
			n1, err := oldCopyWith(p.kid(1, t.Key()), kc, k, depth+1)
			if err != nil {
				return 0, err
			}
			vc := reflect.New(t.Elem()).Elem()
			n2, err := oldCopyWith(p.kid(0, t.Elem()), vc, v, depth+1)
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
			n, err := oldCopyWith(ep, dst.Index(i), oldExposed(src.Index(i)), depth+1)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	case reflect.Struct:
		if !src.CanAddr() {
			src = oldAddressable(src)
		}
		// Copy the whole struct at once, then replace what it references
		// with copies: fixed-size fields need no visit at all.
		dst.Set(src)
		total := p.fixedPart
		for _, i := range p.varFields {
			n, err := oldCopyWith(p.field(i, t), oldExposed(dst.Field(i)), oldExposed(src.Field(i)), depth+1)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
	return 0, fmt.Errorf("a %s cannot be sent over a network", src.Kind())
}

// oldSizeOf counts the bytes of an immutable value that holds strings.
func oldSizeOf(v reflect.Value, depth int) (int, error) {
	if depth > maxDepth {
		return 0, errTooDeep
	}
	switch v.Kind() {
	case reflect.String:
		return v.Len(), nil
	case reflect.Array:
		total := 0
		for i := range v.Len() {
			n, err := oldSizeOf(v.Index(i), depth+1)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	case reflect.Struct:
		total := 0
		for i := range v.NumField() {
			n, err := oldSizeOf(v.Field(i), depth+1)
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
