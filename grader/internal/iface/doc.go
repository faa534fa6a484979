// Package iface reads the two words of an empty interface, for code that
// compiles a function per type and then runs it over unsafe pointers (the
// simulator's message copier, the grader's event fingerprints): such code
// starts from a message held in an `any` and must know where its value is.
//
// An interface is a type word and a data word. The data word points to the
// value, except for pointer-shaped types (Direct), whose value is the data
// word itself.
package iface
