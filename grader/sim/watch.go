package sim

// The watchdog's view: the count of events dispatched and the last few of
// them, readable from another goroutine while the run goes on.

import (
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/internal/iface"
	"github.com/faultline-dev/faultline/labs/node"
)

// Dispatched returns how many events have been dispatched. Another
// goroutine (a watchdog) may call it only when Config.Watch is set: a
// run without a watchdog does not pay for an atomic counter.
func (s *Sim) Dispatched() int64 {
	if s.cfg.Watch {
		return s.dispatched.Load()
	}
	return s.stats.events
}

// watched is what the watchdog keeps of an event, formatted only if the
// watchdog fires (most runs never need them): plain values and a message's
// or timer's type as the type word of an interface holding it.
type watched struct {
	time       time.Duration
	typ        unsafe.Pointer // a runtime type, which lives as long as the program
	kind       EventKind
	node, from node.ID
}

// ringSize is twice the events LastEvents shows: the simulator must move
// on by that many events before it writes where a reader may be reading.
const ringSize = 32

// remember keeps ev in the ring and publishes it, with the count of events
// dispatched, to another goroutine (Dispatched, LastEvents): one atomic
// store per event, the ring itself written with plain stores.
func (s *Sim) remember(ev *Event) {
	w := watched{time: ev.Time, kind: ev.Kind, node: ev.Node, from: ev.From}
	var x any
	switch ev.Kind {
	case EventDeliver:
		x = ev.Msg
	case EventTimer:
		x = ev.Timer
	}
	w.typ = iface.Of(&x).Type
	n := s.stats.events
	s.ring[(n-1)%ringSize] = w
	s.dispatched.Store(n)
}

func (w watched) String() string {
	name := "<nil>"
	if w.typ != nil {
		var x any
		iface.Of(&x).Type = w.typ // reflect.TypeOf reads the type word only
		name = typeName(reflect.TypeOf(x))
	}
	switch w.kind {
	case EventDeliver:
		return fmt.Sprintf("%v deliver %s %v->%v", w.time, name, w.from, w.node)
	case EventTimer:
		return fmt.Sprintf("%v timer %s at %v", w.time, name, w.node)
	}
	return fmt.Sprintf("%v %s %v", w.time, w.kind, w.node)
}

// LastEvents returns up to 16 of the most recently dispatched events, oldest
// first, when Config.Watch is set. Safe to call from any goroutine; meant
// for a watchdog whose run has stopped dispatching (a hung handler). If the
// run moves on by many events while LastEvents reads, it returns nil: that
// run is not hung.
func (s *Sim) LastEvents() []string {
	n := s.dispatched.Load()
	k := min(n, ringSize/2)
	var got [ringSize / 2]watched
	for i := range k {
		got[i] = s.ring[(n-k+i)%ringSize]
	}
	if s.dispatched.Load()-n >= ringSize/2 {
		return nil // the slots read may have been written meanwhile
	}
	out := make([]string, k)
	for i := range k {
		out[i] = got[i].String()
	}
	return out
}
