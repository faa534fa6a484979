package sim

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
)

// Events: what the simulator dispatches, and the loops that dispatch them
// in virtual time (Step, RunUntil and the like). The queue itself is
// queue.go; what each event does is dispatch.go.

// EventKind says what a dispatched event was.
type EventKind uint8

// Event kinds.
const (
	EventStart   EventKind = iota + 1 // a node booted at the start of the run
	EventDeliver                      // a message was delivered
	EventTimer                        // a timer fired
	EventFault                        // a scheduled fault was applied
	EventFunc                         // a function scheduled with At ran
	EventCall                         // the test called into a node (Call)
	EventDrop                         // a message reached a node that was down or cut off
)

var eventKindNames = [...]string{"", "start", "deliver", "timer", "fault", "func", "call", "drop"}

func (k EventKind) String() string { return eventKindNames[k] }

// Event describes a dispatched event to Step's caller and OnEvent hooks.
type Event struct {
	Time  time.Duration
	Kind  EventKind
	Node  node.ID      // the node that handled it (0 for cluster-wide faults and functions)
	From  node.ID      // the sender of a delivered or dropped message
	Msg   node.Message // a delivered or dropped message
	MsgID uint64
	Timer any           // a fired timer's value
	Fault *faults.Event // an applied fault
}

func (s *Sim) push(e event) {
	s.seq++
	e.seq = s.seq
	s.q.push(e)
	if len(s.q) > s.cfg.MaxPending {
		panic(&LimitError{What: LimitPending, Limit: s.cfg.MaxPending, Time: time.Duration(s.now), Top: s.busiest()})
	}
}

// park keeps a message in flight until its delivery and returns its slot.
func (s *Sim) park(m node.Message) int32 {
	if n := len(s.freeMsgs); n > 0 {
		i := s.freeMsgs[n-1]
		s.freeMsgs = s.freeMsgs[:n-1]
		s.msgs[i] = m
		return i
	}
	s.msgs = append(s.msgs, m)
	return int32(len(s.msgs) - 1)
}

// unpark takes the message out of slot i.
func (s *Sim) unpark(i int32) node.Message {
	m := s.msgs[i]
	s.msgs[i] = nil
	s.freeMsgs = append(s.freeMsgs, i)
	return m
}

// At schedules fn to run at virtual time t (or now, if t has passed). The
// test uses it to drive a workload; fn may call into nodes with Call.
func (s *Sim) At(t time.Duration, fn func()) {
	var id int
	if n := len(s.freeFns); n > 0 {
		id = s.freeFns[n-1]
		s.freeFns = s.freeFns[:n-1]
		s.funcs[id] = fn
	} else {
		s.funcs = append(s.funcs, fn)
		id = len(s.funcs) - 1
	}
	s.push(event{at: max(int64(t), s.now), kind: evFunc, id: uint64(id)})
}

// After schedules fn to run d from now.
func (s *Sim) After(d time.Duration, fn func()) { s.At(s.Now()+d, fn) }

// Step dispatches the next event and returns it; it returns false when no
// event is left. Timers that were cancelled are skipped silently.
func (s *Sim) Step() (Event, bool) {
	if s.step() {
		return s.ev, true
	}
	return Event{}, false
}

// step is Step for the simulator's own loops, which need not copy the
// event out.
func (s *Sim) step() bool {
	var e event
	for len(s.q) > 0 {
		s.q.pop(&e)
		if e.at > s.now {
			s.now = e.at
		}
		if s.dispatch(&e) {
			return true
		}
	}
	return false
}

// NextTime returns the time of the next queued event, and false if none.
func (s *Sim) NextTime() (time.Duration, bool) {
	if len(s.q) == 0 {
		return 0, false
	}
	return time.Duration(s.q[0].at), true
}

// RunUntil dispatches every event up to and including virtual time t, then
// sets the clock to t.
func (s *Sim) RunUntil(t time.Duration) {
	for len(s.q) > 0 && s.q[0].at <= int64(t) {
		s.step()
	}
	if int64(t) > s.now {
		s.now = int64(t)
	}
}

// RunFor runs for d of virtual time.
func (s *Sim) RunFor(d time.Duration) { s.RunUntil(s.Now() + d) }

// RunUntilTrue runs until cond returns true (checked before the first event
// and after each) or virtual time passes limit. It reports whether cond held.
func (s *Sim) RunUntilTrue(limit time.Duration, cond func() bool) bool {
	for {
		if cond() {
			return true
		}
		if len(s.q) == 0 || s.q[0].at > int64(limit) {
			s.RunUntil(limit)
			return cond()
		}
		s.step()
	}
}

// RunToQuiescence runs until no event is left or virtual time passes limit;
// it reports whether the queue emptied.
func (s *Sim) RunToQuiescence(limit time.Duration) bool {
	s.RunUntil(limit)
	return len(s.q) == 0
}

func (s *Sim) describe(e *Event) string {
	switch e.Kind {
	case EventDeliver:
		return fmt.Sprintf("deliver %s from %v", s.typeOf(e.Msg).plan.name, e.From)
	case EventTimer:
		return "timer " + typeName(typeOf(e.Timer))
	case EventFault:
		return "fault " + e.Fault.String()
	case EventCall:
		if s.calling != nil {
			return "call " + s.calling()
		}
		return "call"
	default:
		return e.Kind.String()
	}
}
