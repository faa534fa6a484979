package suite

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
)

// A panic is the implementation's when the deepest frame of the code that
// panicked, past the runtime and the standard library, is in one of the
// implementation's packages; it is the lab's (a bug in the platform) when
// that frame is in the platform's own code. Its printed value decides
// nothing: a panic's kind is its value's type and its site, so that a
// shrunk run panicking at index 5 where the original panicked at index 7
// is the same failure.

// Frame is one frame of a goroutine's stack as a traceback prints it.
type Frame struct {
	Function string // "example.com/ws/raft.(*Raft).handleVote"
	File     string
	Line     int
}

// Site names a frame by function and line, without the file's folder:
// the same in any build tree.
func (f Frame) Site() string {
	fn := f.Function
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		fn = fn[i+1:]
	}
	return fmt.Sprintf("%s:%d", fn, f.Line)
}

// modulePath is the platform's module: frames in it (but not in the
// implementation's packages) are the platform's.
var modulePath = strings.TrimSuffix(reflect.TypeFor[T]().PkgPath(), "/grader/suite")

// ParseStack reads the frames of the first goroutine of a traceback
// (runtime/debug.Stack's text). The runtime's panic frames read "panic".
func ParseStack(stack string) []Frame {
	lines := strings.Split(stack, "\n")
	var frames []Frame
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" && len(frames) > 0 {
			break // the next goroutine
		}
		if l == "" || strings.HasPrefix(l, "goroutine ") || strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "created by ") || strings.HasPrefix(l, "...") {
			continue
		}
		fn := l
		if j := strings.LastIndex(fn, "("); j > 0 {
			fn = fn[:j]
		}
		f := Frame{Function: fn}
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
			loc := strings.TrimSpace(lines[i+1])
			if j := strings.LastIndex(loc, " +0x"); j >= 0 {
				loc = loc[:j]
			}
			if j := strings.LastIndex(loc, ":"); j >= 0 {
				f.File = loc[:j]
				f.Line, _ = strconv.Atoi(loc[j+1:])
			}
			i++
		}
		frames = append(frames, f)
	}
	return frames
}

// panicked returns the frames from the original panic's caller on: those
// after the outermost "panic" frame (a deferred function that recovers and
// panics again adds panic frames above it).
func panicked(frames []Frame) []Frame {
	for i := len(frames) - 1; i >= 0; i-- {
		if frames[i].Function == "panic" || frames[i].Function == "runtime.gopanic" {
			return frames[i+1:]
		}
	}
	return frames
}

// packageOf returns the import path of a function's package.
func packageOf(function string) string {
	slash := strings.LastIndex(function, "/")
	if dot := strings.Index(function[slash+1:], "."); dot >= 0 {
		return function[:slash+1+dot]
	}
	return function
}

// Blame finds the site of a panic in stack: the deepest frame past the
// runtime and the standard library, and whether it is in one of impl's
// packages (the implementation's fault) rather than the platform's. ok is
// false when no such frame is on the stack.
func Blame(stack string, impl func(pkg string) bool) (site Frame, implementation, ok bool) {
	for _, f := range panicked(ParseStack(stack)) {
		pkg := packageOf(f.Function)
		switch {
		case impl(pkg):
			return f, true, true
		case pkg == modulePath || strings.HasPrefix(pkg, modulePath+"/"):
			return f, false, true
		}
	}
	return Frame{}, false, false
}

// PanicKind names a panic for shrinking and reports: the value's type and
// the site, never the printed value.
func PanicKind(value any, site Frame) string {
	if site.Function == "" {
		return fmt.Sprintf("%T", value)
	}
	return fmt.Sprintf("%T at %s", value, site.Site())
}

// implPackages lists the packages of an implementation's functions: a
// function value, or the function fields of a struct of them (a lab's Impl
// type). A struct's own package (the lab's, which declares Impl) is not
// one of them.
func implPackages(v any, into map[string]bool) {
	var walk func(rv reflect.Value, depth int)
	walk = func(rv reflect.Value, depth int) {
		if !rv.IsValid() || depth > 3 {
			return
		}
		switch rv.Kind() {
		case reflect.Func:
			if !rv.IsNil() {
				if fn := runtime.FuncForPC(rv.Pointer()); fn != nil {
					into[packageOf(fn.Name())] = true
				}
			}
		case reflect.Struct:
			for i := range rv.NumField() {
				walk(rv.Field(i), depth+1)
			}
		case reflect.Pointer, reflect.Interface:
			if !rv.IsNil() {
				walk(rv.Elem(), depth+1)
			}
		}
	}
	walk(reflect.ValueOf(v), 0)
}
