package run

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/faultline-dev/faultline/grader/sim"
)

// digester records a compact fingerprint of every dispatched event, for the
// determinism check. It reads messages and timers by reflection and never
// calls a method of theirs (no String, no MarshalJSON), and it never looks
// at an address, so it observes exactly what an unobserved run computes:
// watching a run does not change it (STYLE.md, Determinism).
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
		writeInt(&h, int64(e.sum))
	}
	return fmt.Sprintf("%016x", uint64(h))
}

func (d *digester) hook(ev *sim.Event) {
	h := newFNV()
	writeInt(&h, int64(ev.Time))
	writeInt(&h, int64(ev.Kind))
	writeInt(&h, int64(ev.Node))
	writeInt(&h, int64(ev.From))
	var v any
	switch ev.Kind {
	case sim.EventDeliver, sim.EventDrop:
		v = ev.Msg
	case sim.EventTimer:
		v = ev.Timer
	case sim.EventFault:
		if ev.Fault != nil {
			v = *ev.Fault
		}
	}
	var typ reflect.Type
	if v != nil {
		rv := reflect.ValueOf(v)
		typ = rv.Type()
		writeValue(&h, rv, 0)
	}
	d.events = append(d.events, eventPrint{sum: uint64(h), time: ev.Time, kind: ev.Kind, node: int(ev.Node), from: int(ev.From), typ: typ})
}

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

// fnv64 is 64-bit FNV-1a: fixed, so that fingerprints are the same in every
// process and on every machine.
type fnv64 uint64

func newFNV() fnv64 { return 14695981039346656037 }

func (h *fnv64) writeByte(c byte) {
	*h = (*h ^ fnv64(c)) * 1099511628211
}

func (h *fnv64) Write(b []byte) {
	for _, c := range b {
		h.writeByte(c)
	}
}

func (h *fnv64) WriteString(s string) {
	for i := 0; i < len(s); i++ {
		h.writeByte(s[i])
	}
}

func writeInt(h *fnv64, v int64) {
	for i := range 8 {
		h.writeByte(byte(v >> (8 * i)))
	}
}

// writeValue hashes v's contents: numbers, strings and the elements of
// containers; pointers by what they point to; maps independently of their
// iteration order. Depth is bounded so that cycles end.
func writeValue(h *fnv64, v reflect.Value, depth int) {
	if depth > 12 {
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			h.writeByte(1)
		} else {
			h.writeByte(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		writeInt(h, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		writeInt(h, int64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		writeInt(h, int64(math.Float64bits(v.Float())))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		writeInt(h, int64(math.Float64bits(real(c))))
		writeInt(h, int64(math.Float64bits(imag(c))))
	case reflect.String:
		writeInt(h, int64(v.Len()))
		h.WriteString(v.String())
	case reflect.Slice, reflect.Array:
		writeInt(h, int64(v.Len()))
		if v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			h.Write(v.Bytes())
			return
		}
		for i := range v.Len() {
			writeValue(h, v.Index(i), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			writeValue(h, v.Field(i), depth+1)
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			h.writeByte(0)
			return
		}
		h.writeByte(1)
		if v.Kind() == reflect.Interface {
			h.WriteString(v.Elem().Type().String())
		}
		writeValue(h, v.Elem(), depth+1)
	case reflect.Map:
		writeInt(h, int64(v.Len()))
		var sum uint64
		it := v.MapRange()
		for it.Next() {
			e := newFNV()
			writeValue(&e, it.Key(), depth+1)
			writeValue(&e, it.Value(), depth+1)
			sum += uint64(e)
		}
		writeInt(h, int64(sum))
	}
}
