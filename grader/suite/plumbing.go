package suite

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// Ms and Sec abbreviate time.Millisecond and time.Second in test tables and
// harnesses, where a duration is on nearly every line.
const (
	Ms  = time.Millisecond
	Sec = time.Second
)

// ImplAs returns the implementation under test as an I. Another type is the
// platform's mistake, never the student's (a lab's Solution, Starter or
// mutant, or the value its Student.Bind builds, of the wrong type): the run
// fails with a message naming both types.
func ImplAs[I any](t *T) I {
	impl, ok := t.Impl().(I)
	if !ok {
		t.Fatalf("%s: the implementation under test is a %T; the lab wants a %s (check the lab's Solution, Starter, Mutants and Student.Bind)",
			t.opts.Lab.Name, t.Impl(), typeName[I]())
	}
	return impl
}

func typeName[I any]() string {
	return fmt.Sprintf("%T", (*I)(nil))[1:]
}

// FirstViolation keeps the first violation of one property that a harness
// finds inside a callback (an apply, a reply), where it cannot stop the
// run; an Invariant reports it after the event that caused it:
//
//	t.Invariant("exactly once", c.once.Err)
//
// The zero value holds none.
type FirstViolation struct{ v *Violation }

// Record keeps the violation unless one is already kept.
func (f *FirstViolation) Record(nodes []node.ID, format string, args ...any) {
	if f.v == nil {
		f.v = &Violation{Nodes: nodes, Msg: fmt.Sprintf(format, args...)}
	}
}

// Found reports whether a violation was recorded.
func (f *FirstViolation) Found() bool { return f.v != nil }

// Err is the recorded violation, or nil (an untyped nil, so that it can be
// returned as an error) when there is none.
func (f *FirstViolation) Err() error {
	if f.v == nil {
		return nil
	}
	return f.v
}

// Figure is a figure a test graded and its bound: what a lab's calibration
// reads over many seeds to re-derive the bound (labtest.Calibrate).
type Figure struct {
	Name         string
	Value, Bound float64
	Upper        bool // the bound is a maximum, else a minimum
}

// Within reports whether the figure meets its bound.
func (f Figure) Within() bool {
	if f.Upper {
		return f.Value <= f.Bound
	}
	return f.Value >= f.Bound
}
