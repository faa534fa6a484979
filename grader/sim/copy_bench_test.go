package sim

import (
	"testing"

	"github.com/faultline-dev/faultline/labs/node"
)

// benchEntry and benchAppend mirror the Raft lab's hottest message
// (labs/raft/internal/reference/messages.go).
type benchEntry struct {
	Term    int
	Command []byte
}

type benchAppend struct {
	Term         int
	Leader       node.ID
	PrevLogIndex int
	PrevLogTerm  int
	Entries      []benchEntry
	LeaderCommit int
}

// BenchmarkCopyAppendEntries measures copyMessage alone on a heartbeat and
// on a message carrying two entries.
func BenchmarkCopyAppendEntries(b *testing.B) {
	for _, bc := range []struct {
		name string
		msg  any
	}{
		{"heartbeat", benchAppend{Term: 3, Leader: 1, PrevLogIndex: 10, PrevLogTerm: 3, LeaderCommit: 9}},
		{"empty entries", benchAppend{Term: 3, Leader: 1, PrevLogIndex: 10, PrevLogTerm: 3, LeaderCommit: 9, Entries: []benchEntry{}}},
		{"2 entries", benchAppend{Term: 3, Leader: 1, PrevLogIndex: 10, PrevLogTerm: 3, LeaderCommit: 9,
			Entries: []benchEntry{{Term: 3, Command: []byte("set x 1")}, {Term: 3, Command: []byte("set y 22")}}}},
		{"pointer", &benchAppend{Term: 3, Entries: []benchEntry{{Term: 3, Command: []byte("set x 1")}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p, w := planFor(typeOf(bc.msg)), testWalk()
			b.ReportAllocs()
			for range b.N {
				if _, _, err := copyMessage(p, bc.msg, w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
