package sim

import (
	"strconv"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
)

type Ping struct{ Seq int }

// volley answers every message by sending the same value back. It sends a
// preboxed message so that the benchmark measures the engine, not the cost
// of boxing a struct into an interface in the node's own code.
type volley struct {
	env node.Env
	msg node.Message
}

func (v *volley) Start(env node.Env) {
	v.env = env
	if env.ID() == 1 {
		env.Send(2, v.msg)
	}
}
func (v *volley) HandleMessage(from node.ID, m node.Message) { v.env.Send(from, m) }
func (v *volley) HandleTimer(any)                            {}

// boxing replies with a freshly built message, as student code usually does.
type boxing struct{ volley }

func (b *boxing) HandleMessage(from node.ID, m node.Message) {
	b.env.Send(from, Ping{Seq: m.(Ping).Seq + 1})
}

// broadcaster sends a message to every peer on a 10 ms tick.
type broadcaster struct {
	env node.Env
	msg node.Message
}

func (b *broadcaster) Start(env node.Env) {
	b.env = env
	env.SetTimer(time.Duration(env.ID())*time.Microsecond, tick{})
}
func (b *broadcaster) HandleMessage(node.ID, node.Message) {}
func (b *broadcaster) HandleTimer(any) {
	for _, p := range b.env.Peers() {
		b.env.Send(p, b.msg)
	}
	b.env.SetTimer(10*time.Millisecond, tick{})
}

// benchEvents dispatches b.N events; an op is one dispatched event.
func benchEvents(b *testing.B, n int, model faults.Model, f node.Factory) {
	s, err := New(Config{Nodes: n, Seed: 1, Factory: f, Faults: model})
	if err != nil {
		b.Fatal(err)
	}
	for range 1000 { // warm up: grow the queue and timer slabs
		s.Step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, ok := s.Step(); !ok {
			b.Fatal("ran out of events")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkPingPong(b *testing.B) {
	benchEvents(b, 2, faults.Reliable(), func(node.ID) node.Node { return &volley{msg: Ping{Seq: 1}} })
}

func BenchmarkPingPongBoxed(b *testing.B) {
	benchEvents(b, 2, faults.Reliable(), func(node.ID) node.Node { return &boxing{volley{msg: Ping{Seq: 1}}} })
}

func BenchmarkPingPongUnreliable(b *testing.B) {
	m := faults.Model{Latency: faults.Between(time.Millisecond, 30*time.Millisecond), Duplicate: 0.05}
	benchEvents(b, 2, m, func(node.ID) node.Node { return &volley{msg: Ping{Seq: 1}} })
}

func BenchmarkBroadcast5(b *testing.B) {
	benchEvents(b, 5, faults.Reliable(), func(node.ID) node.Node { return &broadcaster{msg: Ping{Seq: 1}} })
}

func BenchmarkBroadcast50(b *testing.B) {
	benchEvents(b, 50, faults.Reliable(), func(node.ID) node.Node { return &broadcaster{msg: Ping{Seq: 1}} })
}

// BenchmarkPingPongSliceMessage measures the deep copy of a message that
// holds a slice (64 ints): the copy allocates.
func BenchmarkPingPongSliceMessage(b *testing.B) {
	m := Rumor{Versions: make([]int, 64), Note: "x"}
	benchEvents(b, 2, faults.Reliable(), func(node.ID) node.Node { return &volley{msg: m} })
}

// BenchmarkStorageLog is a write-ahead log's use of a node's disk: a record
// per Sync, then a checkpoint whose Sync deletes the records it covers.
func BenchmarkStorageLog(b *testing.B) {
	const records = 16
	keys := make([]string, records)
	for i := range keys {
		keys[i] = "wal/" + strconv.Itoa(i)
	}
	rec, ckpt := make([]byte, 40), make([]byte, 500)
	s := newStorage()
	b.ReportAllocs()
	for range b.N {
		for _, k := range keys {
			s.Save(k, rec)
			s.Sync()
		}
		s.Save("state", ckpt)
		s.Sync()
		for _, k := range keys {
			s.Delete(k)
		}
		s.Sync()
	}
}
