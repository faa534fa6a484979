package raftlab

import (
	"encoding/binary"
	"fmt"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// The services: one per node incarnation, folding what Raft applies into a
// running hash, so that a snapshot is just (index, hash).

// service is one node's state machine: it folds every applied command into
// a running hash, so a snapshot is just (index, hash).
type service struct {
	h       *harness
	id      node.ID
	applied int
	hash    uint64
	// rn is the incarnation's node, and lr the same as a raft.LogReader if
	// it is one: asked once at boot, not on every event.
	rn raft.Node
	lr raft.LogReader
}

// The services' hash folds each applied command into a running value,
// eight bytes at a time (a multiply per byte, as FNV does, cost more than
// the rest of an apply). It only has to tell different histories apart.
const hashStart, hashMul = 14695981039346656037, 0x9e3779b97f4a7c15

func newHash() uint64 { return hashStart }

// mix folds cmd, and its length, into h.
func mix(h uint64, cmd []byte) uint64 {
	h = fold(h, uint64(len(cmd)))
	for len(cmd) >= 8 {
		h = fold(h, binary.LittleEndian.Uint64(cmd))
		cmd = cmd[8:]
	}
	var tail uint64
	for i, b := range cmd {
		tail |= uint64(b) << (8 * i)
	}
	return fold(h, tail)
}

func fold(h, w uint64) uint64 {
	h = (h ^ w) * hashMul
	return h ^ h>>29
}

// apply is the service's end of the apply callback.
func (sv *service) apply(m raft.ApplyMsg) {
	h := sv.h
	if h.svc[sv.id] != sv {
		h.violation.Record([]node.ID{sv.id}, "%v applied through the callback of an incarnation that crashed", sv.id)
		return
	}
	switch {
	case m.CommandValid && m.SnapshotValid:
		h.violation.Record([]node.ID{sv.id}, "%v sent an ApplyMsg with both CommandValid and SnapshotValid", sv.id)
	case m.CommandValid:
		sv.applyCommand(m)
	case m.SnapshotValid:
		sv.applySnapshot(m)
	default:
		h.violation.Record([]node.ID{sv.id}, "%v sent an ApplyMsg with neither CommandValid nor SnapshotValid", sv.id)
	}
}

// takeSnapshot makes the service's Snapshot call as its own event, right
// after the one in which the entry was applied: Raft is never re-entered
// from inside apply.
func (h *harness) takeSnapshot(sv *service, index int, data []byte) {
	h.s.After(0, func() {
		if h.svc[sv.id] != sv || !h.s.Up(sv.id) {
			return
		}
		_ = h.s.Call(sv.id, func() string { return fmt.Sprintf("Snapshot(%d)", index) }, func(n node.Node) string {
			n.(raft.Node).Snapshot(index, data)
			return ""
		})
	})
}

func encodeSnapshot(index int, hash uint64) []byte {
	b := binary.AppendUvarint(nil, uint64(index))
	return binary.LittleEndian.AppendUint64(b, hash)
}

func decodeSnapshot(b []byte) (int, uint64, bool) {
	i, n := binary.Uvarint(b)
	if n <= 0 || len(b) != n+8 {
		return 0, 0, false
	}
	return int(i), binary.LittleEndian.Uint64(b[n:]), true
}
