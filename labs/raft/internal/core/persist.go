package core

import (
	"encoding/binary"
	"errors"

	"github.com/faultline-dev/faultline/labs/node"
)

// Storage keys. The snapshot lives under its own key so that saving the
// (small) Raft state does not rewrite the (large) snapshot.
const (
	keyState    = "raft/state"
	keySnapshot = "raft/snapshot"
)

// persist writes the Figure 2 persistent state (currentTerm, votedFor, log)
// and syncs, so that what the node then says in a reply survives a crash.
func (r *Raft) persist() {
	if r.bugs.ReplyBeforePersist || r.bugs.SyncAfterReply {
		r.dirty = true
		return
	}
	r.writeState()
}

func (r *Raft) writeState() {
	// Storage.Save keeps its own copy, so one buffer serves every write.
	b := r.enc[:0]
	b = binary.AppendUvarint(b, uint64(r.term))
	b = binary.AppendUvarint(b, uint64(r.votedFor))
	b = binary.AppendUvarint(b, uint64(r.log.base))
	b = binary.AppendUvarint(b, uint64(len(r.log.entries)))
	for _, e := range r.log.entries {
		b = binary.AppendUvarint(b, uint64(e.Term))
		b = binary.AppendUvarint(b, uint64(len(e.Command)))
		b = append(b, e.Command...)
	}
	r.enc = b
	st := r.env.Storage()
	st.Save(keyState, b)
	st.Sync()
	r.dirty = false
}

// persistSnapshot writes the snapshot and the state that goes with it in
// one Sync (§7: the snapshot and the trimmed log must agree after a crash).
func (r *Raft) persistSnapshot() {
	r.env.Storage().Save(keySnapshot, r.snapshot)
	r.writeState()
}

var errCorrupt = errors.New("raft: corrupt state on disk")

// restore loads what persist wrote, if anything.
func (r *Raft) restore(st node.Storage) error {
	b, ok := st.Load(keyState)
	if !ok {
		return nil
	}
	bad := false
	next := func() int {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return int(v)
	}
	term, votedFor, base, n := next(), node.ID(next()), next(), next()
	if bad || n < 1 {
		return errCorrupt
	}
	entries := make([]Entry, n)
	for i := range entries {
		entries[i].Term = next()
		l := next()
		if bad || l > len(b) {
			return errCorrupt
		}
		entries[i].Command = append([]byte(nil), b[:l]...)
		b = b[l:]
	}
	r.term, r.votedFor = term, votedFor
	r.log = raftLog{base: base, entries: entries}
	if snap, ok := st.Load(keySnapshot); ok {
		r.snapshot = snap
	}
	return nil
}
