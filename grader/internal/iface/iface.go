package iface

import (
	"reflect"
	"unsafe"
)

// Words is the layout of an empty interface (the runtime's eface). A
// non-empty interface has the same layout with an itab in place of the type.
type Words struct {
	Type unsafe.Pointer
	Data unsafe.Pointer
}

// Of returns the words of *x. Writing Data replaces the value x holds with
// another of the same type.
func Of(x *any) *Words { return (*Words)(unsafe.Pointer(x)) }

// Direct reports whether an interface holding a t holds the value itself in
// its data word rather than a pointer to it. The compiler's rule is: kinds
// Pointer, Map, Chan, Func and UnsafePointer, and structs of one field and
// arrays of one element whose type is Direct. Rather than restate the rule,
// Direct asks the runtime: reflect boxes the zero value of an indirect type
// in new memory (a non-nil data word, even for a zero-size type), and puts a
// direct one, a nil pointer, in the data word as is.
func Direct(t reflect.Type) bool {
	x := reflect.New(t).Elem().Interface()
	return Of(&x).Data == nil
}
