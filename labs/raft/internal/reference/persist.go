package reference

import (
	"encoding/binary"
	"errors"
	"strconv"

	"github.com/faultline-dev/faultline/labs/node"
)

// The persistent state (Figure 2: currentTerm, votedFor, log[]) and the
// snapshot (§7) live in a checkpoint plus a write-ahead log of records, so
// that a persist costs what changed rather than the whole log:
//
//	raft/state     the checkpoint: seq, used, term, votedFor, log base, the
//	               log from base on (entries[0] the sentinel), the snapshot
//	raft/wal/<j>   a record: seq, term, votedFor, from, the entries from
//	               index from on (the log is cut at from, then they are
//	               appended); j has two digits at least: raft/wal/07
//
// The checkpoint covers the records up to its seq; the j-th record after
// it, seq+1+j, lives in slot j. The state is the checkpoint with the
// records in slots 0, 1, 2, ... applied in order up to the first one
// missing; a slot holding a record older than the one looked for (left by
// an earlier checkpoint's epoch) counts as missing. Numbering slots from
// each checkpoint keeps the keys few (the first 64 are constants, so a
// persist builds no string) and the maps of the disk small.
//
// Why a crash cannot leave a mix of two states. The disk can lose a
// handler's writes from the point a crash strikes within it (grader/sim:
// every later Save, Delete and Sync of that handler has no effect), and a
// Sync the crash strikes in keeps each pending key independently. Every
// write here is a single Save followed by a Sync, and nothing is pending
// when one begins (the checkpoint's Deletes are synced before it returns),
// so each Sync makes one key durable, whole, or loses it whole:
//
//   - A record is kept whole or lost whole. If it is lost the crash has
//     struck, so no later record is written: the records after the
//     checkpoint are always contiguous, and replay stops at the first gap,
//     which is where the next incarnation writes. A record overwrites only
//     a stale one (its slot's record from before the checkpoint), so
//     losing the overwrite leaves a stale record: a gap.
//   - The checkpoint holds the snapshot and the log it trims in one value,
//     so they agree after any crash (in two keys a torn Sync could keep the
//     new snapshot with the old log, or the reverse).
//   - The records a checkpoint covers are deleted only after the checkpoint
//     is synced. A crash during their deletion leaves some of them, all
//     older than the checkpoint, which replay takes for gaps. Storage cannot
//     list keys, so the checkpoint also stores used, how many slots may
//     hold a record, and the next checkpoint deletes them all: leftovers do
//     not accumulate.
//
// A checkpoint replaces the records when they would outgrow it (or
// minRecords, while it is small), so the records cost O(1) per byte
// appended, amortized, and the disk holds at most about twice the state.

const (
	keyCheckpoint = "raft/state"
	walPrefix     = "raft/wal/"
	// minRecords is how many bytes of records a small checkpoint allows
	// before the next one, so that a short log is not checkpointed at
	// almost every persist.
	minRecords = 256
)

// wal is what persist knows about the disk.
type wal struct {
	base     int // the log base on disk: a record cannot move it
	ckpt     int // the last record the checkpoint covers
	seq      int // the last record written (ckpt if none since)
	used     int // slots 0..used-1 may hold a record, live or stale
	size     int // bytes of the records after the checkpoint, keys included (as Storage.Size counts)
	ckptSize int // bytes of the checkpoint, key included

	buf []byte // encoding buffer, reused: Storage.Save keeps its own copy
}

// walKeys holds the slots' keys back to back, walKeyLen bytes each. A
// substring of a constant costs no allocation, and lab code may not keep a
// package-level table (grader/vet).
const (
	walKeyLen    = len(walPrefix) + 2
	walKeysConst = 64
	walKeys      = "" +
		"raft/wal/00raft/wal/01raft/wal/02raft/wal/03raft/wal/04raft/wal/05raft/wal/06raft/wal/07" +
		"raft/wal/08raft/wal/09raft/wal/10raft/wal/11raft/wal/12raft/wal/13raft/wal/14raft/wal/15" +
		"raft/wal/16raft/wal/17raft/wal/18raft/wal/19raft/wal/20raft/wal/21raft/wal/22raft/wal/23" +
		"raft/wal/24raft/wal/25raft/wal/26raft/wal/27raft/wal/28raft/wal/29raft/wal/30raft/wal/31" +
		"raft/wal/32raft/wal/33raft/wal/34raft/wal/35raft/wal/36raft/wal/37raft/wal/38raft/wal/39" +
		"raft/wal/40raft/wal/41raft/wal/42raft/wal/43raft/wal/44raft/wal/45raft/wal/46raft/wal/47" +
		"raft/wal/48raft/wal/49raft/wal/50raft/wal/51raft/wal/52raft/wal/53raft/wal/54raft/wal/55" +
		"raft/wal/56raft/wal/57raft/wal/58raft/wal/59raft/wal/60raft/wal/61raft/wal/62raft/wal/63"
)

// walKey returns the key of slot j.
func walKey(j int) string {
	if j < walKeysConst {
		i := j * walKeyLen
		return walKeys[i : i+walKeyLen]
	}
	return walPrefix + strconv.Itoa(j) // a checkpoint of some kilobytes: rare
}

// persist writes the Figure 2 persistent state (currentTerm, votedFor, log)
// and syncs, so that what the node then says in a reply survives a crash.
func (r *Raft) persist() {
	if r.bugs.ReplyBeforePersist || r.bugs.SyncAfterReply {
		r.dirty = true
		return
	}
	r.writeRecord()
}

// writeRecord writes what changed since the last write as one record, or a
// checkpoint if the records would outgrow it.
func (r *Raft) writeRecord() {
	w := &r.wal
	seq := w.seq + 1
	if r.log.base != w.base {
		r.checkpoint() // only a checkpoint moves the base
		return
	}
	from := r.log.unsaved
	if from == 0 {
		from = r.log.lastIndex() + 1
	}
	b := w.buf[:0]
	b = binary.AppendUvarint(b, uint64(seq))
	b = binary.AppendUvarint(b, uint64(r.term))
	b = binary.AppendUvarint(b, uint64(r.votedFor))
	b = binary.AppendUvarint(b, uint64(from))
	b = appendEntries(b, r.log.entries[from-r.log.base:])
	w.buf = b
	slot := seq - w.ckpt - 1
	key := walKey(slot)
	n := len(key) + len(b)
	if w.size+n > max(w.ckptSize, minRecords) {
		r.checkpoint()
		return
	}
	st := r.env.Storage()
	st.Save(key, b)
	st.Sync()
	w.seq, w.used = seq, max(w.used, slot+1)
	w.size += n
	r.log.unsaved = 0
}

// persistSnapshot writes the snapshot and the trimmed log together (§7:
// they must agree after a crash).
func (r *Raft) persistSnapshot() { r.checkpoint() }

// checkpoint writes the whole state, then deletes the records it covers.
// It is also the mutants' late write (Bugs.ReplyBeforePersist,
// Bugs.SyncAfterReply): it writes the state as it is when called, as their
// single-key write did.
func (r *Raft) checkpoint() {
	w := &r.wal
	b := w.buf[:0]
	b = binary.AppendUvarint(b, uint64(w.seq))
	b = binary.AppendUvarint(b, uint64(w.used))
	b = binary.AppendUvarint(b, uint64(r.term))
	b = binary.AppendUvarint(b, uint64(r.votedFor))
	b = binary.AppendUvarint(b, uint64(r.log.base))
	b = appendEntries(b, r.log.entries)
	if r.snapshot == nil {
		b = binary.AppendUvarint(b, 0)
	} else {
		b = binary.AppendUvarint(b, uint64(len(r.snapshot))+1)
		b = append(b, r.snapshot...)
	}
	w.buf = b
	st := r.env.Storage()
	if r.bugs.DeleteWithCheckpoint {
		// One Sync for the deletes and the checkpoint: a torn one can keep
		// the deletes and lose the checkpoint that makes them safe.
		for j := range w.used {
			st.Delete(walKey(j))
		}
		w.used = 0
	}
	st.Save(keyCheckpoint, b)
	st.Sync()
	if w.used > 0 {
		for j := range w.used {
			st.Delete(walKey(j))
		}
		st.Sync()
	}
	w.base, w.ckpt, w.used = r.log.base, w.seq, 0
	w.size, w.ckptSize = 0, len(keyCheckpoint)+len(b)
	r.log.unsaved = 0
	r.dirty = false
}

// appendEntries encodes a count and the entries.
func appendEntries(b []byte, es []Entry) []byte {
	b = binary.AppendUvarint(b, uint64(len(es)))
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.Term))
		b = binary.AppendUvarint(b, uint64(len(e.Command)))
		b = append(b, e.Command...)
	}
	return b
}

var errCorrupt = errors.New("raft: corrupt state on disk")

// restore loads what persist wrote, if anything: the checkpoint, then the
// records after it up to the first missing one.
func (r *Raft) restore(st node.Storage) error {
	r.term, r.votedFor, r.log, r.snapshot = 0, 0, newLog(0, 0), nil
	r.wal = wal{}
	w := &r.wal
	if b, ok := st.Load(keyCheckpoint); ok {
		d := decoder{b: b}
		seq, used, term, votedFor, base := d.int(), d.int(), d.int(), node.ID(d.int()), d.int()
		entries := d.entries()
		var snapshot []byte
		if n := d.int(); n > 0 {
			snapshot = d.bytes(n - 1)
		}
		if d.bad || len(d.b) > 0 || len(entries) < 1 || used > 1<<20 {
			return errCorrupt
		}
		r.term, r.votedFor, r.snapshot = term, votedFor, snapshot
		r.log = raftLog{base: base, entries: entries}
		*w = wal{base: base, ckpt: seq, seq: seq, used: used, ckptSize: len(keyCheckpoint) + len(b)}
	}
	for {
		next := w.seq + 1
		key := walKey(next - w.ckpt - 1)
		b, ok := st.Load(key)
		if !ok {
			return nil
		}
		d := decoder{b: b}
		switch seq := d.int(); {
		case d.bad:
			return errCorrupt
		case seq <= w.ckpt:
			return nil // a record from before the checkpoint: a gap
		case seq != next:
			return errCorrupt
		}
		term, votedFor, from := d.int(), node.ID(d.int()), d.int()
		entries := d.entries()
		if d.bad || len(d.b) > 0 || from <= r.log.base || from > r.log.lastIndex()+1 {
			return errCorrupt
		}
		r.term, r.votedFor = term, votedFor
		r.log.entries = append(r.log.entries[:from-r.log.base], entries...)
		w.seq, w.used = next, max(w.used, next-w.ckpt)
		w.size += len(key) + len(b)
	}
}

// decoder reads what persist encoded; bad records the first error.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) int() int {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > 1<<62 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

// bytes returns the next n bytes, sharing the loaded value (Storage.Load
// returns a copy that is ours).
func (d *decoder) bytes(n int) []byte {
	if d.bad || n > len(d.b) {
		d.bad = true
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) entries() []Entry {
	n := d.int()
	if d.bad || n > len(d.b) { // each entry takes at least two bytes
		d.bad = true
		return nil
	}
	es := make([]Entry, n)
	for i := range es {
		es[i].Term = d.int()
		if c := d.bytes(d.int()); len(c) > 0 {
			es[i].Command = c // an empty command stays nil, as before the crash
		}
	}
	return es
}
