package run

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
)

// digester fingerprints every dispatched event, for the determinism check.
// It reads messages and timers with hashers compiled per type (hash.go)
// that never call a method of theirs (no String, no MarshalJSON) and never
// look at an address, so it observes exactly what an unobserved run
// computes: watching a run does not change it (STYLE.md, Determinism). It
// keeps one running hash, not a record per event: every run of a grading
// is fingerprinted, and when two runs of a seed differ, the grader traces
// both to name the first event where they part (nondeterminism.go).
type digester struct {
	total fnv64
}

func newDigester() *digester { return &digester{total: newFNV()} }

// sum is the run's hash: the same for the same run on every machine.
func (d *digester) sum() string { return fmt.Sprintf("%016x", uint64(d.total)) }

func (d *digester) hook(ev *sim.Event) {
	h := newFNV().int(int64(ev.Time)).int(int64(ev.Kind)).int(int64(ev.Node)).int(int64(ev.From))
	switch ev.Kind {
	case sim.EventDeliver, sim.EventDrop:
		h = hashAny(h, unsafe.Pointer(&ev.Msg), 0)
	case sim.EventTimer:
		h = hashAny(h, unsafe.Pointer(&ev.Timer), 0)
	case sim.EventFault:
		if ev.Fault != nil {
			h = hasherFor(faultType).hash(h, unsafe.Pointer(ev.Fault), 0)
		}
	}
	d.total = d.total.int(int64(h))
}

var faultType = reflect.TypeFor[faults.Event]()
