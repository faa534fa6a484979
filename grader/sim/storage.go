package sim

import (
	"bytes"

	"github.com/faultline-dev/faultline/labs/node"
)

// storage is a node's disk: a synced image plus a journal of unsynced writes.
// A crash throws the journal away.
type storage struct {
	synced map[string][]byte
	size   int // of synced: len(key) + len(value) summed
	// journal holds the unsynced writes, one per key (a later write of the
	// key replaces its value), in the order each key was first written, so
	// that a Sync applies them in a deterministic order. A Sync usually
	// has a write or two, so keys are found by scanning; index takes over
	// when the journal grows long.
	journal []write
	index   map[string]int // key -> position in journal, once len(journal) > maxScan
}

// write is one unsynced write; a nil value deletes the key.
type write struct {
	key   string
	value []byte
}

// maxScan is the longest journal searched by scanning.
const maxScan = 16

var _ node.Storage = (*storage)(nil)

func newStorage() *storage {
	return &storage{synced: map[string][]byte{}}
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
		v := s.journal[i].value
		if v == nil {
			return nil, false
		}
		return bytes.Clone(v), true
	}
	v, ok := s.synced[key]
	if !ok {
		return nil, false
	}
	return bytes.Clone(v), true
}

func (s *storage) Save(key string, value []byte) {
	s.write(key, append(make([]byte, 0, len(value)+1), value...))
}

func (s *storage) Delete(key string) { s.write(key, nil) }

func (s *storage) write(key string, v []byte) {
	if i := s.find(key); i >= 0 {
		s.journal[i].value = v
		return
	}
	s.journal = append(s.journal, write{key, v})
	switch {
	case s.index != nil:
		s.index[key] = len(s.journal) - 1
	case len(s.journal) > maxScan:
		s.index = make(map[string]int, 2*len(s.journal))
		for i, w := range s.journal {
			s.index[w.key] = i
		}
	}
}

func (s *storage) Sync() { s.syncSome(nil) }

// syncSome makes durable the pending writes for which keep says yes (all
// of them when keep is nil), in write order, and forgets the rest: with a
// keep, a Sync torn by a crash.
func (s *storage) syncSome(keep func() bool) {
	for _, w := range s.journal {
		if keep != nil && !keep() {
			continue
		}
		if old, ok := s.synced[w.key]; ok {
			s.size -= len(w.key) + len(old)
		}
		if w.value == nil {
			delete(s.synced, w.key)
		} else {
			s.synced[w.key] = w.value
			s.size += len(w.key) + len(w.value)
		}
	}
	s.forgetPending()
}

// crash forgets every unsynced write.
func (s *storage) crash() { s.forgetPending() }

// forgetPending empties the journal.
func (s *storage) forgetPending() {
	clear(s.journal) // drop the values for the collector
	s.journal = s.journal[:0]
	s.index = nil
}

// Size is what Load would find: the synced image with the journal over it.
func (s *storage) Size() int {
	n := s.size
	for _, w := range s.journal {
		if old, ok := s.synced[w.key]; ok {
			n -= len(w.key) + len(old)
		}
		if w.value != nil {
			n += len(w.key) + len(w.value)
		}
	}
	return n
}

// syncedSize is the size of what would survive a crash now.
func (s *storage) syncedSize() int { return s.size }
