package sim

import (
	"bytes"

	"github.com/faultline-dev/faultline/labs/node"
)

// storage is a node's disk: a synced image plus a journal of unsynced writes.
// A crash throws the journal away.
//
// Neither the image's values nor the journal's ever leave the disk (Load
// returns a copy), so their memory is reused: a key's synced value is
// overwritten in place when it fits, a deleted key keeps its buffer (a
// tombstone) for when it is written again, and a journal entry keeps its
// buffer for the next write in its position. A node that saves and deletes
// the same keys again and again (a write-ahead log's slots) allocates
// nothing.
type storage struct {
	synced map[string]*value
	size   int // of synced: len(key) + len(value) summed, tombstones aside
	dead   int // tombstones in synced
	// journal holds the unsynced writes, one per key (a later write of the
	// key replaces its value), in the order each key was first written, so
	// that a Sync applies them in a deterministic order. A Sync usually
	// has a write or two, so keys are found by scanning; index takes over
	// when the journal grows long. Entries past len(journal) keep their
	// buffers for reuse.
	journal []write
	index   map[string]int // key -> position in journal, once len(journal) > maxScan
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
	return &storage{synced: map[string]*value{}}
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
	v, ok := s.synced[key]
	if !ok || !v.live {
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

// syncSome makes durable the pending writes for which keep says yes (all
// of them when keep is nil), in write order, and forgets the rest: with a
// keep, a Sync torn by a crash.
func (s *storage) syncSome(keep func() bool) {
	for i := range s.journal {
		if keep != nil && !keep() {
			continue
		}
		w := &s.journal[i]
		v, ok := s.synced[w.key]
		if !ok {
			if w.deleted {
				continue
			}
			v = &value{}
			s.synced[w.key] = v
		}
		if v.live {
			s.size -= len(w.key) + len(v.b)
		} else if ok {
			s.dead--
		}
		if w.deleted {
			v.b, v.live = v.b[:0], false
			s.dead++
			continue
		}
		// The journal's buffer becomes the value, and the value's old
		// buffer the journal's: a swap, not a copy.
		v.b, w.value, v.live = w.value, v.b[:0], true
		s.size += len(w.key) + len(v.b)
	}
	s.forgetPending()
	if s.dead > 64 && s.dead > len(s.synced)/2 {
		s.sweep() // keys deleted for good (a node that never reuses its keys)
	}
}

// sweep drops the tombstones.
func (s *storage) sweep() {
	for k, v := range s.synced {
		if !v.live {
			delete(s.synced, k)
		}
	}
	s.dead = 0
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
		if old, ok := s.synced[w.key]; ok && old.live {
			n -= len(w.key) + len(old.b)
		}
		if !w.deleted {
			n += len(w.key) + len(w.value)
		}
	}
	return n
}

// syncedSize is the size of what would survive a crash now.
func (s *storage) syncedSize() int { return s.size }
