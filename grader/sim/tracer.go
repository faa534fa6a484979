package sim

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// tracer turns what happens in a run into trace records: the simulator
// tells it each happening, and it alone builds records. A run without a
// trace has a nil tracer, whose methods return at once, before computing
// anything (a payload, a type name): an untraced run pays one nil check
// per happening, and a traced run executes the same student code as an
// untraced one (payloads are rendered by reflection, never by calling the
// student's methods).
type tracer struct {
	sink trace.Sink
	rec  trace.Record // reused: a Sink copies what it keeps
}

func newTracer(sink trace.Sink) *tracer {
	if sink == nil {
		return nil
	}
	return &tracer{sink: sink}
}

func (tr *tracer) emit(r trace.Record) {
	tr.rec = r
	tr.sink.Record(&tr.rec)
}

func (tr *tracer) header(h trace.Header) {
	if tr != nil {
		tr.sink.Header(h)
	}
}

func (tr *tracer) boot(t int64, id node.ID, kind trace.Kind) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: kind, Node: id})
	}
}

func (tr *tracer) send(t int64, from, to node.ID, id uint64, typ string, size int, msg any) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Send, Node: from, Peer: to, Msg: id, Type: typ, Size: size, Data: payload(msg)})
	}
}

func (tr *tracer) dup(t int64, from, to node.ID, id uint64, typ string) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Dup, Node: from, Peer: to, Msg: id, Type: typ})
	}
}

// drop records message id from from, lost on its way to to.
func (tr *tracer) drop(t int64, to, from node.ID, id uint64, typ, reason string) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Drop, Node: to, Peer: from, Msg: id, Type: typ, Text: reason})
	}
}

func (tr *tracer) deliver(t int64, to, from node.ID, id uint64, typ string) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Deliver, Node: to, Peer: from, Msg: id, Type: typ})
	}
}

func (tr *tracer) timerSet(t int64, n node.ID, id node.TimerID, after time.Duration, value any) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.TimerSet, Node: n, Timer: uint64(id),
			Type: typeName(typeOf(value)), Text: after.String(), Data: payload(value)})
	}
}

func (tr *tracer) timerFire(t int64, n node.ID, id uint64, value any) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.TimerFire, Node: n, Timer: id, Type: typeName(typeOf(value))})
	}
}

func (tr *tracer) timerCancel(t int64, n node.ID, id node.TimerID) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.TimerCancel, Node: n, Timer: uint64(id)})
	}
}

func (tr *tracer) log(t int64, n node.ID, line string) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Log, Node: n, Text: line})
	}
}

// fault records fault f applied at t, to node n (0: the whole network).
func (tr *tracer) fault(t int64, f faults.Event, n node.ID) {
	if tr == nil {
		return
	}
	kind := trace.Partition
	switch f.Kind {
	case faults.Crash:
		kind = trace.Crash
	case faults.Pause:
		kind = trace.Pause
	case faults.Resume:
		kind = trace.Resume
	case faults.SetClock:
		kind = trace.Clock
	}
	f.At = faults.Duration(t)
	tr.emit(trace.Record{T: t, Kind: kind, Node: n, Text: f.String(), Data: payload(f)})
}

func (tr *tracer) note(t int64, n node.ID, format string, args ...any) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Note, Node: n, Text: fmt.Sprintf(format, args...)})
	}
}

func (tr *tracer) panicked(t int64, n node.ID, v any) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Panic, Node: n, Text: fmt.Sprint(v)})
	}
}

func (tr *tracer) state(t int64, n node.ID, data []byte) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.State, Node: n, Data: data})
	}
}

func (tr *tracer) call(t int64, n node.ID, what string) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Call, Node: n, Text: what})
	}
}

func (tr *tracer) ret(t int64, n node.ID, result string) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Return, Node: n, Text: result})
	}
}

func (tr *tracer) check(t int64, name string, err error) {
	if tr == nil {
		return
	}
	r := trace.Record{T: t, Kind: trace.Check, Text: name, Verdict: "pass"}
	if err != nil {
		r.Verdict, r.Data = "fail", payload(err.Error())
	}
	tr.emit(r)
}

func (tr *tracer) misuse(t int64, n node.ID, what string) {
	if tr != nil {
		tr.emit(trace.Record{T: t, Kind: trace.Misuse, Node: n, Text: what})
	}
}
