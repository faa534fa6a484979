package sim

import (
	"bytes"
	"unsafe"

	"github.com/faultline-dev/faultline/labs/node"
)

// storage is a node's disk: a synced image plus a journal of unsynced writes.
// A crash throws the journal away.
//
// Neither the image's values nor the journal's ever leave the disk (Load
// returns a copy), so their memory is reused: a Sync copies a write into
// its key's buffer, which grows only when the value outgrows it; a deleted
// key keeps its buffer (a tombstone) for when it is written again, or for
// a new key once swept; and a journal entry keeps its buffer for the next
// write in its position. A node that saves and deletes the same keys again
// and again (a write-ahead log's slots) allocates nothing.
type storage struct {
	keys map[string]int32 // a synced key (or tombstone) -> its value in vals
	vals []value
	free []int32 // slots of vals whose key was swept, buffers kept
	size int     // of the image: len(key) + len(value) summed, tombstones aside
	dead int     // tombstones in keys
	// journal holds the unsynced writes, one per key (a later write of the
	// key replaces its value), in the order each key was first written, so
	// that a Sync applies them in a deterministic order. A Sync usually
	// has a write or two, so keys are found by scanning; index takes over
	// when the journal grows long. Entries past len(journal) keep their
	// buffers for reuse.
	journal []write
	index   map[string]int // key -> position in journal, once len(journal) > maxScan
	// near remembers where recently synced keys live, by the address of
	// the key's bytes: a node syncs the same few keys again and again,
	// usually the same strings (constants), and finding one here costs a
	// string comparison that stops at the address when it is the same
	// string, rather than hashing it for keys.
	near [nearSize]nearKey
}

// nearKey is an entry of storage.near: key's value is vals[i-1] (i is 0
// in an empty entry).
type nearKey struct {
	key string
	i   int32
}

const nearSize = 32

// nearFor returns key's entry in near.
func (s *storage) nearFor(key string) *nearKey {
	a := uintptr(unsafe.Pointer(unsafe.StringData(key)))
	return &s.near[(a^a>>5^a>>10^uintptr(len(key)))%nearSize]
}

// value is a synced key's value; a deleted key keeps it as a tombstone.
type value struct {
	b    []byte
	live bool
}

// write is one unsynced write.
type write struct {
	key     string
	value   []byte
	deleted bool
}

// maxScan is the longest journal searched by scanning.
const maxScan = 16

var _ node.Storage = (*storage)(nil)

func newStorage() *storage {
	return &storage{keys: map[string]int32{}}
}

// find returns key's position in the journal, or -1.
func (s *storage) find(key string) int {
	if s.index != nil {
		if i, ok := s.index[key]; ok {
			return i
		}
		return -1
	}
	for i := range s.journal {
		if s.journal[i].key == key {
			return i
		}
	}
	return -1
}

func (s *storage) Load(key string) ([]byte, bool) {
	if i := s.find(key); i >= 0 {
		w := &s.journal[i]
		if w.deleted {
			return nil, false
		}
		return bytes.Clone(w.value), true
	}
	v := s.image(key)
	if v == nil || !v.live {
		return nil, false
	}
	return bytes.Clone(v.b), true
}

func (s *storage) Save(key string, value []byte) { s.write(key, value, false) }

func (s *storage) Delete(key string) { s.write(key, nil, true) }

// write journals a copy of value (or the deletion) for key.
func (s *storage) write(key string, value []byte, deleted bool) {
	i := s.find(key)
	if i < 0 {
		i = len(s.journal)
		if i < cap(s.journal) {
			s.journal = s.journal[:i+1]
		} else {
			s.journal = append(s.journal, write{})
		}
		s.journal[i].key = key
		switch {
		case s.index != nil:
			s.index[key] = i
		case len(s.journal) > maxScan:
			s.index = make(map[string]int, 2*len(s.journal))
			for j, w := range s.journal {
				s.index[w.key] = j
			}
		}
	}
	w := &s.journal[i]
	w.deleted = deleted
	if w.value == nil {
		w.value = make([]byte, 0, len(value)) // not nil, even when empty
	}
	w.value = append(w.value[:0], value...)
}

func (s *storage) Sync() { s.syncSome(nil) }

// image returns key's value in the synced image (perhaps a tombstone), or
// nil.
func (s *storage) image(key string) *value {
	n := s.nearFor(key)
	if n.i != 0 && n.key == key {
		return &s.vals[n.i-1]
	}
	if i, ok := s.keys[key]; ok {
		*n = nearKey{key, i + 1}
		return &s.vals[i]
	}
	return nil
}

// syncSome makes durable the pending writes for which keep says yes (all
// of them when keep is nil), in write order, and forgets the rest: with a
// keep, a Sync torn by a crash.
func (s *storage) syncSome(keep func() bool) {
	for i := range s.journal {
		if keep != nil && !keep() {
			continue
		}
		w := &s.journal[i]
		v := s.image(w.key)
		switch {
		case v == nil && w.deleted:
			continue
		case v == nil:
			v = s.add(w.key)
		case v.live:
			s.size -= len(w.key) + len(v.b)
		default:
			s.dead--
		}
		if w.deleted {
			v.b, v.live = v.b[:0], false
			s.dead++
			continue
		}
		// A copy, not a swap of the two buffers: a swap would pass a large
		// value's buffer to a small key and leave the journal too small
		// for the next large write, which would allocate again.
		v.b, v.live = append(v.b[:0], w.value...), true
		s.size += len(w.key) + len(v.b)
	}
	s.forgetPending()
	if s.dead > 64 && s.dead > len(s.keys)/2 {
		s.sweep() // keys deleted for good (a node that never reuses its keys)
	}
}

// add gives key a value in the image, reusing a swept key's slot.
func (s *storage) add(key string) *value {
	var i int32
	if n := len(s.free); n > 0 {
		i, s.free = s.free[n-1], s.free[:n-1]
	} else {
		i = int32(len(s.vals))
		s.vals = append(s.vals, value{})
	}
	s.keys[key] = i
	*s.nearFor(key) = nearKey{key, i + 1}
	return &s.vals[i]
}

// sweep drops the tombstones, keeping their buffers for new keys.
func (s *storage) sweep() {
	for k, i := range s.keys {
		if !s.vals[i].live {
			delete(s.keys, k)
			s.free = append(s.free, i)
		}
	}
	s.dead = 0
	s.near = [nearSize]nearKey{}
}

// crash forgets every unsynced write.
func (s *storage) crash() { s.forgetPending() }

// forgetPending empties the journal, keeping its buffers.
func (s *storage) forgetPending() {
	for i := range s.journal {
		s.journal[i].key = "" // the key may be large; the buffer is reused
	}
	s.journal = s.journal[:0]
	s.index = nil
}

// Size is what Load would find: the synced image with the journal over it.
func (s *storage) Size() int {
	n := s.size
	for _, w := range s.journal {
		if old := s.image(w.key); old != nil && old.live {
			n -= len(w.key) + len(old.b)
		}
		if !w.deleted {
			n += len(w.key) + len(w.value)
		}
	}
	return n
}

// pending returns how many writes wait for a Sync (one per key).
func (s *storage) pending() int { return len(s.journal) }

// syncedSize is the size of what would survive a crash now.
func (s *storage) syncedSize() int { return s.size }
