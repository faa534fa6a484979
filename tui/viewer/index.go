package viewer

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// checkpointEvery is how many records apart the index keeps a snapshot of
// every node's last state, so that the state at any row is found by a short
// forward scan.
const checkpointEvery = 1024

// index is what the viewer precomputes once per trace: which node is down at
// each record, and checkpoints of each node's latest state record.
type index struct {
	buf     *trace.Buffer
	nodes   []node.ID
	col     map[node.ID]int
	down    []uint64  // bit i set: node column i is down after record r (first 64 nodes)
	checks  [][]int32 // at record k*checkpointEvery: per column, last state record index before it, or -1
	types   []string  // message types seen, sorted
	maxTerm int
	failed  bool // the run has a failed check
}

func newIndex(buf *trace.Buffer) *index {
	ix := &index{buf: buf, nodes: buf.Head.Nodes, col: map[node.ID]int{}, down: make([]uint64, len(buf.Records))}
	for i, id := range ix.nodes {
		ix.col[id] = i
	}
	last := make([]int32, len(ix.nodes))
	for i := range last {
		last[i] = -1
	}
	var down uint64
	seen := map[string]bool{}
	for r := range buf.Records {
		if r%checkpointEvery == 0 {
			ix.checks = append(ix.checks, append([]int32(nil), last...))
		}
		rec := &buf.Records[r]
		c, ok := ix.col[rec.Node]
		switch rec.Kind {
		case trace.Crash:
			if ok && c < 64 {
				down |= 1 << c
			}
		case trace.Restart, trace.Start:
			if ok && c < 64 {
				down &^= 1 << c
			}
		case trace.State:
			if ok {
				last[c] = int32(r)
			}
		case trace.Check:
			ix.failed = ix.failed || rec.Verdict == "fail"
		}
		if rec.Kind.IsMessage() && rec.Type != "" && !seen[rec.Type] {
			seen[rec.Type] = true
			ix.types = append(ix.types, rec.Type)
		}
		ix.down[r] = down
	}
	sort.Strings(ix.types)
	return ix
}

// isDown reports whether column c's node is down after record r.
func (ix *index) isDown(r, c int) bool {
	return r >= 0 && c < 64 && ix.down[r]&(1<<c) != 0
}

// nodeState is a node's state as the lab observed it.
type nodeState struct {
	Role string `json:"role"`
	Term int    `json:"term"`
}

func (s nodeState) String() string {
	switch {
	case s.Role == "":
		return ""
	case s.Term > 0:
		return fmt.Sprintf("%s t%d", s.Role, s.Term)
	default:
		return s.Role
	}
}

// stateAt returns each node's latest state at record r (inclusive).
func (ix *index) stateAt(r int) []nodeState {
	out := make([]nodeState, len(ix.nodes))
	if r < 0 || len(ix.checks) == 0 {
		return out
	}
	k := r / checkpointEvery
	last := append([]int32(nil), ix.checks[k]...)
	for i := k * checkpointEvery; i <= r && i < len(ix.buf.Records); i++ {
		rec := &ix.buf.Records[i]
		if rec.Kind == trace.State {
			if c, ok := ix.col[rec.Node]; ok {
				last[c] = int32(i)
			}
		}
	}
	for c, li := range last {
		if li >= 0 {
			_ = json.Unmarshal(ix.buf.Records[li].Data, &out[c])
		}
	}
	return out
}
