package run

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/sim"
)

type benchEntry struct {
	Term    int
	Command []byte
}

// benchAppend mirrors the Raft lab's hottest message.
type benchAppend struct {
	Term         int
	Leader       int
	PrevLogIndex int
	PrevLogTerm  int
	Entries      []benchEntry
	LeaderCommit int
}

// BenchmarkDigestHook measures fingerprinting one delivered message.
func BenchmarkDigestHook(b *testing.B) {
	for _, bc := range []struct {
		name string
		msg  any
	}{
		{"heartbeat", benchAppend{Term: 3, Leader: 1, PrevLogIndex: 10, PrevLogTerm: 3, LeaderCommit: 9}},
		{"2 entries", benchAppend{Term: 3, Leader: 1, PrevLogIndex: 10, PrevLogTerm: 3, LeaderCommit: 9,
			Entries: []benchEntry{{Term: 3, Command: []byte("set x 1")}, {Term: 3, Command: []byte("set y 22")}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ev := &sim.Event{Kind: sim.EventDeliver, Node: 2, From: 1, Msg: bc.msg}
			d := newDigester()
			b.ReportAllocs()
			for range b.N {
				d.hook(ev)
			}
		})
	}
}
