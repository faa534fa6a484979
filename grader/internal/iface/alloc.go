package iface

import (
	"reflect"
	"unsafe"
)

// Type is a runtime type to allocate values of, taken once from a
// reflect.Type.
type Type struct{ rt unsafe.Pointer }

// TypeOf returns t as a Type.
func TypeOf(t reflect.Type) Type {
	x := any(t) // its data word is t's *rtype, the runtime's type
	return Type{Of(&x).Data}
}

// New returns new zeroed memory for a value of the type, as reflect.New
// would, without building a reflect.Value: reflect.New looks up the
// type's pointer type on every call, which for a type made by
// reflect.StructOf (the simulator's copy blocks) is a search of reflect's
// cache on every message copied.
func (t Type) New() unsafe.Pointer { return unsafeNew(t.rt) }

// unsafeNew is the runtime's allocator of one zeroed value of a type, as
// package reflect reaches it. The runtime keeps this name and signature for
// packages outside the standard library (go.dev/issue/67401: "Do not
// remove or change the type signature").
//
//go:linkname unsafeNew reflect.unsafe_New
func unsafeNew(typ unsafe.Pointer) unsafe.Pointer
