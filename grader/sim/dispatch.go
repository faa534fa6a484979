package sim

// Dispatch: what each event does (deliver a message, fire a timer, apply a
// fault, run a test's function), the bounds counted per event, and the
// protection around a node's handlers that turns a panic into a
// PanicError blamed on the node.

import (
	"bytes"
	"encoding/json"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// dispatch handles one popped event; it reports false for a skipped one.
func (s *Sim) dispatch(e *event) bool {
	switch e.kind {
	case evTimer:
		id := node.TimerID(e.id)
		sl := s.timers.slot(id)
		if sl == nil {
			return false // cancelled
		}
		ns := s.nodes[sl.owner]
		if !ns.up || sl.epoch != ns.epoch {
			s.timers.release(id) // set by an incarnation that crashed
			return false
		}
		if ns.paused {
			ns.deferred = append(ns.deferred, *e)
			return false
		}
		value := sl.value
		s.timers.release(id)
		s.ev = Event{Kind: EventTimer, Node: ns.id, Timer: value}
		s.begin()
		if s.tr != nil {
			s.tr.timerFire(s.now, ns.id, e.id, value)
		}
		s.fire(ns, value)
		s.handled(ns)
	case evDeliver:
		ns := s.nodes[e.to]
		to, from := node.ID(e.to), node.ID(e.from)
		reason := ""
		switch {
		case !ns.up:
			reason = "node down"
		case s.net.blocked(from, to):
			reason = "partition"
		case ns.paused:
			ns.deferred = append(ns.deferred, *e)
			return false
		}
		msg := s.unpark(e.msg)
		if reason != "" {
			s.stats.dropped++
			s.ev = Event{Kind: EventDrop, Node: to, From: from, Msg: msg, MsgID: e.id}
			s.begin()
			if s.tr != nil {
				s.tr.drop(s.now, to, from, e.id, s.typeOf(msg).plan.name, reason)
			}
			s.after()
			return true
		}
		s.stats.delivered++
		s.ev = Event{Kind: EventDeliver, Node: to, From: from, Msg: msg, MsgID: e.id}
		s.begin()
		if s.tr != nil {
			s.tr.deliver(s.now, to, from, e.id, s.typeOf(msg).plan.name)
		}
		s.deliver(ns, from, msg)
		s.handled(ns)
	case evStart:
		ns := s.nodes[e.to]
		s.ev = Event{Kind: EventStart, Node: ns.id}
		s.begin()
		s.boot(ns, trace.Start)
	case evFault:
		f := &s.cfg.Schedule[e.id]
		s.ev = Event{Kind: EventFault, Fault: f}
		s.begin()
		s.apply(*f)
		s.after()
	case evRestart:
		ns := s.nodes[e.to]
		if ns.up || ns.epoch != uint32(e.id) {
			return false // restarted already
		}
		f := faults.Event{Kind: faults.Restart, Nodes: []node.ID{ns.id}}
		s.ev = Event{Kind: EventFault, Fault: &f}
		s.begin()
		s.restart(ns)
		s.after()
	case evFunc:
		fn := s.funcs[e.id]
		s.funcs[e.id] = nil
		s.freeFns = append(s.freeFns, int(e.id))
		s.ev = Event{Kind: EventFunc}
		s.begin()
		fn()
		s.after()
	}
	return true
}

// begin records the start of a dispatched event.
func (s *Sim) begin() {
	ev := &s.ev
	ev.Time = time.Duration(s.now)
	s.calls = 0
	s.stats.events++
	if s.stats.events > int64(s.cfg.MaxEvents) {
		panic(&LimitError{What: LimitEvents, Limit: s.cfg.MaxEvents, Time: ev.Time, Top: s.busiest()})
	}
	if ev.Node != 0 && (ev.Kind == EventDeliver || ev.Kind == EventTimer) {
		s.countRate(s.nodes[ev.Node])
	}
	if s.cfg.Watch {
		s.remember(ev)
	}
}

// countRate counts an event handled by ns and stops a storm.
func (s *Sim) countRate(ns *nodeState) {
	if s.now >= ns.rateEnd { // virtual time never goes back
		// A new virtual second: divided once a second, not once an event.
		sec := s.now / int64(time.Second)
		ns.rateSec, ns.rateEnd, ns.rateN = sec, (sec+1)*int64(time.Second), 0
	}
	ns.rateN++
	if ns.rateN > s.peakRate {
		s.peakRate = ns.rateN
	}
	if s.cfg.MaxRate > 0 && ns.rateN > s.cfg.MaxRate {
		panic(&LimitError{What: LimitRate, Limit: s.cfg.MaxRate, Time: time.Duration(s.now), Top: s.busiest(), Node: ns.id,
			From: time.Duration(ns.rateSec) * time.Second})
	}
}

// PeakRate returns the most events one node handled within one second of
// virtual time so far.
func (s *Sim) PeakRate() int { return s.peakRate }

// handle runs a node's handler, turning a panic into *PanicError, then runs
// the hooks.
func (s *Sim) handle(ns *nodeState, what string, fn func()) {
	s.protect(ns, what, fn)
	s.handled(ns)
}

// deliver and fire run the two handlers of nearly every event, as protect
// does but with no closure to build and call.
func (s *Sim) deliver(ns *nodeState, from node.ID, msg node.Message) {
	defer s.rescue(ns, "")
	ns.inst.HandleMessage(from, msg)
}

func (s *Sim) fire(ns *nodeState, value any) {
	defer s.rescue(ns, "")
	ns.inst.HandleTimer(value)
}

// handled is what follows a node's handler: a crash that struck within it,
// the node's state for the trace, and the hooks.
func (s *Sim) handled(ns *nodeState) {
	if ns.armed {
		s.crashWithin(ns)
	}
	if s.observe != nil && s.tr != nil {
		s.observeState(ns)
	}
	s.after()
}

func (s *Sim) protect(ns *nodeState, what string, fn func()) {
	defer s.rescue(ns, what)
	fn()
}

// rescue, deferred around a node's code, turns its panic into *PanicError,
// what naming the event ("" for the current one).
func (s *Sim) rescue(ns *nodeState, what string) {
	if v := recover(); v != nil {
		if _, ok := v.(*LimitError); ok || isTestStop(v) {
			panic(v) // a bound of the run, or the test stopping it: not the node failing
		}
		if what == "" {
			what = s.describe(&s.ev)
		}
		v = keptPanic(v)
		pe := &PanicError{Node: ns.id, Time: time.Duration(s.now), Event: what, Value: v, Stack: capText(string(debug.Stack()), maxStack)}
		s.tr.panicked(s.now, ns.id, v)
		panic(pe)
	}
}

func (s *Sim) after() {
	for _, h := range s.hooks {
		h(&s.ev)
	}
}

func (s *Sim) observeState(ns *nodeState) {
	var b []byte
	if ns.up {
		var err error
		b, err = json.Marshal(s.observe(ns.id, ns.inst))
		if err != nil {
			return
		}
	} else {
		b = []byte(`{"role":"down"}`)
	}
	if bytes.Equal(b, ns.state) {
		return
	}
	ns.state = b
	s.tr.state(s.now, ns.id, b)
}

// Call runs fn against node id's current incarnation, as the test's call into
// the node (for Raft: Propose(command)). what describes the call, and fn's
// result is its return value, as the trace records them; what is called
// only when the run is traced or the node panics, so that an untraced run
// formats nothing. fn's result is used only in a trace: a caller may skip
// formatting it when Traced is false. Call returns ErrDown or ErrPaused if
// the node cannot take calls now.
func (s *Sim) Call(id node.ID, what func() string, fn func(n node.Node) string) error {
	ns := s.mustNode(id)
	if !ns.up {
		return ErrDown
	}
	if ns.paused {
		return ErrPaused
	}
	s.ev = Event{Kind: EventCall, Node: id}
	s.begin()
	s.calling = what
	if s.tr != nil {
		s.tr.call(s.now, id, what())
	}
	var result string
	s.protect(ns, "", func() { result = fn(ns.inst) })
	s.calling = nil
	if ns.atPoint {
		s.crashWithin(ns) // a crash point struck in the call
	}
	if s.tr != nil {
		s.tr.ret(s.now, id, result)
		if s.observe != nil {
			s.observeState(ns)
		}
	}
	s.after()
	return nil
}

// Stopper is implemented by values a test panics with to stop a run from
// inside a Call; the simulator lets them through instead of blaming the node.
// Only a type of the grader's own packages counts: a node's value with a
// StopRun method is the node's panic, as any other.
type Stopper interface{ StopRun() }

// graderPkgs is the import path prefix of the grader's packages, where a
// test's Stopper is defined (grader/suite); a student's code is built in
// a package of its own, never under it.
var graderPkgs = strings.TrimSuffix(reflect.TypeFor[Sim]().PkgPath(), "sim")

// isTestStop reports whether v is a test's Stopper.
func isTestStop(v any) bool {
	if _, ok := v.(Stopper); !ok {
		return false
	}
	return definedInGrader(reflect.TypeOf(v))
}

// definedInGrader reports whether t (or what it points to) is a named
// type of a grader package.
func definedInGrader(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer && t.Name() == "" {
		t = t.Elem()
	}
	return strings.HasPrefix(t.PkgPath(), graderPkgs)
}
