package search

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// A counterexample is written as an ordinary trace, so that the viewer
// draws it like any run: the path is replayed from the initial state with
// a recorder attached. The search has no global clock (each node has its
// own, see doc.go), so the trace's time is the step: event k of the path
// happens at k milliseconds. The path itself is kept in the trace's first
// note record (PathNote), so that `faultline check --replay` can run it
// again exactly.

// PathNote is the Text of the note record that holds a path's event keys.
const PathNote = "search path"

// StepTime is the trace time between two events of a path.
const StepTime = time.Millisecond

// PathData is the Data of the PathNote record.
type PathData struct {
	Model string   `json:"model"`
	Keys  []string `json:"keys"`
	// Events are the keys' descriptions, for a reader.
	Events []string `json:"events"`
}

type recorder struct {
	vals  *values
	sink  trace.Sink
	rec   trace.Record
	t     int64
	msgID uint64
	// ids are the trace ids of the copies in flight of each message.
	ids map[flightKey][]uint64
}

type flightKey struct {
	from, to node.ID
	h        uint64
}

func (r *recorder) emit(rec trace.Record) {
	rec.T = r.t
	r.rec = rec
	r.sink.Record(&r.rec)
}

func payload(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil || len(b) > 4096 {
		b, _ = json.Marshal(show(v))
	}
	return b
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func startRecord(id node.ID, inc int) trace.Record {
	if inc == 0 {
		return trace.Record{Kind: trace.Start, Node: id}
	}
	return trace.Record{Kind: trace.Restart, Node: id}
}

func (r *recorder) event(_ *State, rec trace.Record) { r.emit(rec) }

func (r *recorder) send(_ *State, f *flight) {
	r.msgID++
	k := flightKey{f.from, f.to, f.h}
	r.ids[k] = append(r.ids[k], r.msgID)
	r.emit(trace.Record{Kind: trace.Send, Node: f.from, Peer: f.to, Msg: r.msgID, Type: typeName(r.vals.get(f.h)), Data: payload(r.vals.get(f.h))})
}

// take returns the trace id of one copy of f, removing it from flight.
func (r *recorder) take(f *flight) uint64 {
	k := flightKey{f.from, f.to, f.h}
	ids := r.ids[k]
	if len(ids) == 0 {
		return 0
	}
	id := ids[0]
	r.ids[k] = ids[1:]
	return id
}

func (r *recorder) deliver(_ *State, f *flight) {
	r.emit(trace.Record{Kind: trace.Deliver, Node: f.to, Peer: f.from, Msg: r.take(f), Type: typeName(r.vals.get(f.h))})
}

func (r *recorder) drop(_ *State, f *flight) {
	r.emit(trace.Record{Kind: trace.Drop, Node: f.to, Peer: f.from, Msg: r.take(f), Type: typeName(r.vals.get(f.h)), Text: "dropped by the search"})
}

func (r *recorder) dup(_ *State, f *flight) {
	k := flightKey{f.from, f.to, f.h}
	var id uint64
	if ids := r.ids[k]; len(ids) > 0 {
		id = ids[0]
	}
	r.ids[k] = append(r.ids[k], id)
	r.emit(trace.Record{Kind: trace.Dup, Node: f.from, Peer: f.to, Msg: id, Type: typeName(r.vals.get(f.h))})
}

func (r *recorder) fire(_ *State, id node.ID, t *timer) {
	r.emit(trace.Record{Kind: trace.TimerFire, Node: id, Timer: t.id, Type: typeName(r.vals.get(t.h))})
}

func (r *recorder) timerSet(_ *State, id node.ID, t *timer, after time.Duration) {
	r.emit(trace.Record{Kind: trace.TimerSet, Node: id, Timer: t.id, Type: typeName(r.vals.get(t.h)), Text: after.String(), Data: payload(r.vals.get(t.h))})
}

func (r *recorder) timerCancel(_ *State, id node.ID, timer uint64) {
	r.emit(trace.Record{Kind: trace.TimerCancel, Node: id, Timer: timer})
}

func (r *recorder) call(_ *State, id node.ID, name string) {
	r.emit(trace.Record{Kind: trace.Call, Node: id, Text: name})
}

func (r *recorder) crash(_ *State, id node.ID) {
	r.emit(trace.Record{Kind: trace.Crash, Node: id})
}

func (r *recorder) log(_ *State, id node.ID, line string) {
	if len(line) > 4096 {
		line = line[:4096]
	}
	r.emit(trace.Record{Kind: trace.Log, Node: id, Text: line})
}

func (r *recorder) misuse(_ *State, id node.ID, what string) {
	r.emit(trace.Record{Kind: trace.Misuse, Node: id, Text: what})
}

// Replay runs path from the initial state and returns the state it
// reaches. A path from another build of the model may name an event that
// is not enabled: Replay then says which. The error of a path that ends
// in a broken node contract is returned with the state.
func (c *Checker) Replay(keys []string) (*State, error) {
	return c.replay(keys, nil)
}

// WriteTrace replays path into sink as a trace: the header h (Nodes and
// Format filled in), the path note, then every event, and at the end a
// check record for violation v (nil: none).
func (c *Checker) WriteTrace(sink trace.Sink, h trace.Header, path []Event, v *Violation) error {
	h.Format, h.Version = trace.Format, trace.Version
	h.Nodes = nil
	for i := 1; i <= c.m.Nodes; i++ {
		h.Nodes = append(h.Nodes, node.ID(i))
	}
	if h.Scenario == "" {
		h.Scenario = "search: " + c.m.Name
	}
	sink.Header(h)
	data := PathData{Model: c.m.Name}
	for _, ev := range path {
		data.Keys = append(data.Keys, ev.Key())
		data.Events = append(data.Events, ev.String())
	}
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	r := &recorder{sink: sink, vals: c.vals, ids: map[flightKey][]uint64{}}
	r.emit(trace.Record{Kind: trace.Note, Text: PathNote, Data: b})
	s, err := c.replay(data.Keys, r)
	if v != nil {
		r.t = int64(len(path)+1) * int64(StepTime)
		r.emit(trace.Record{Kind: trace.Check, Text: v.Invariant, Verdict: "fail", Data: payload(v.Err.Error())})
		return nil
	}
	_ = s
	return err
}

func (c *Checker) replay(keys []string, r *recorder) (*State, error) {
	c.rec = r
	defer func() { c.rec = nil }()
	s, err := c.Initial()
	if err != nil {
		return s, err
	}
	for i, k := range keys {
		if r != nil {
			r.t = int64(i+1) * int64(StepTime)
			r.emit(trace.Record{Kind: trace.Note, Text: fmt.Sprintf("step %d", i+1)})
		}
		var ev *Event
		for _, e := range c.enabled(s, nil) {
			if e.Key() == k {
				ev = &e
				break
			}
		}
		if ev == nil {
			return s, fmt.Errorf("search: replay: step %d (%s) is not enabled in the state the path reaches: was the trace written for another implementation or model?", i+1, k)
		}
		s, err = c.Apply(s, *ev)
		if err != nil {
			return s, err
		}
	}
	return s, nil
}

// ReadPath returns the path a trace written by WriteTrace holds.
func ReadPath(b *trace.Buffer) (PathData, error) {
	for _, rec := range b.Records {
		if rec.Kind == trace.Note && rec.Text == PathNote {
			var d PathData
			if err := json.Unmarshal(rec.Data, &d); err != nil {
				return d, fmt.Errorf("search: the trace's %q note: %w", PathNote, err)
			}
			return d, nil
		}
	}
	return PathData{}, fmt.Errorf("search: the trace holds no %q note: it was not written by faultline check", PathNote)
}
