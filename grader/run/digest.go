package run

import (
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
)

// digester records a compact fingerprint of every dispatched event, for the
// determinism check. It reads messages and timers with hashers compiled per
// type (hash.go) that never call a method of theirs (no String, no
// MarshalJSON) and never look at an address, so it observes exactly what an
// unobserved run computes: watching a run does not change it (STYLE.md,
// Determinism).
type digester struct {
	events []eventPrint
}

// eventPrint is one event's fingerprint and enough to describe it.
type eventPrint struct {
	sum  uint64
	time time.Duration
	kind sim.EventKind
	node int
	from int
	typ  reflect.Type
}

func newDigester() *digester { return &digester{} }

// sum combines every event's fingerprint into one: the run's hash, the same
// for the same run on every machine.
func (d *digester) sum() string {
	h := newFNV()
	for _, e := range d.events {
		h = h.int(int64(e.sum))
	}
	return fmt.Sprintf("%016x", uint64(h))
}

func (d *digester) hook(ev *sim.Event) {
	h := newFNV().int(int64(ev.Time)).int(int64(ev.Kind)).int(int64(ev.Node)).int(int64(ev.From))
	var typ reflect.Type
	switch ev.Kind {
	case sim.EventDeliver, sim.EventDrop:
		typ = reflect.TypeOf(ev.Msg)
		h = hashAny(h, unsafe.Pointer(&ev.Msg), 0)
	case sim.EventTimer:
		typ = reflect.TypeOf(ev.Timer)
		h = hashAny(h, unsafe.Pointer(&ev.Timer), 0)
	case sim.EventFault:
		if ev.Fault != nil {
			typ = faultType
			h = hasherFor(faultType).hash(h, unsafe.Pointer(ev.Fault), 0)
		}
	}
	d.events = append(d.events, eventPrint{sum: uint64(h), time: ev.Time, kind: ev.Kind, node: int(ev.Node), from: int(ev.From), typ: typ})
}

var faultType = reflect.TypeFor[faults.Event]()

func (p eventPrint) String() string {
	s := fmt.Sprintf("%v %s", p.time, p.kind)
	if p.typ != nil {
		s += " " + p.typ.String()
	}
	if p.from != 0 {
		s += fmt.Sprintf(" n%d->n%d", p.from, p.node)
	} else if p.node != 0 {
		s += fmt.Sprintf(" on n%d", p.node)
	}
	return s
}

// firstDifference compares two runs' fingerprints and describes the first
// event where they part, or returns "" when they are the same.
func firstDifference(a, b []eventPrint) string {
	n := min(len(a), len(b))
	for i := range n {
		if a[i].sum != b[i].sum {
			what := "its contents differ"
			if a[i].String() != b[i].String() {
				what = "a different event"
			}
			return fmt.Sprintf("event %d is %s: first run %q, second run %q", i+1, what, a[i].String(), b[i].String())
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("the first run had %d events and the second %d; they agree up to event %d", len(a), len(b), n)
	}
	return ""
}
