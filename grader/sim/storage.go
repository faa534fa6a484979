package sim

import (
	"bytes"

	"github.com/faultline-dev/faultline/labs/node"
)

// storage is a node's disk: a synced image plus a journal of unsynced writes.
// A crash throws the journal away.
type storage struct {
	synced  map[string][]byte
	pending map[string][]byte // nil value: deleted
	order   []string          // keys of pending in write order, for deterministic Sync
}

var _ node.Storage = (*storage)(nil)

func newStorage() *storage {
	return &storage{synced: map[string][]byte{}, pending: map[string][]byte{}}
}

func (s *storage) Load(key string) ([]byte, bool) {
	if v, ok := s.pending[key]; ok {
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
	s.journal(key, append(make([]byte, 0, len(value)+1), value...))
}

func (s *storage) Delete(key string) { s.journal(key, nil) }

func (s *storage) journal(key string, v []byte) {
	if _, ok := s.pending[key]; !ok {
		s.order = append(s.order, key)
	}
	s.pending[key] = v
}

func (s *storage) Sync() { s.syncSome(nil) }

// syncSome makes durable the pending writes for which keep says yes (all
// of them when keep is nil), in write order, and forgets the rest: with a
// keep, a Sync torn by a crash.
func (s *storage) syncSome(keep func() bool) {
	for _, k := range s.order {
		if keep != nil && !keep() {
			continue
		}
		if v := s.pending[k]; v == nil {
			delete(s.synced, k)
		} else {
			s.synced[k] = v
		}
	}
	s.forgetPending()
}

// crash forgets every unsynced write.
func (s *storage) crash() { s.forgetPending() }

// forgetPending empties the journal. It deletes the keys one by one rather
// than clear the map: clear costs the map's capacity, which one Sync of many
// keys (a Raft checkpoint deleting its records) grows for good. With the
// reference Raft's checkpoints (a dozen deletes on average in the Raft
// suite) the difference is small (BenchmarkStorageLog: about 10%); a fresh
// map after a big batch was slower than either.
func (s *storage) forgetPending() {
	for _, k := range s.order {
		delete(s.pending, k)
	}
	s.order = s.order[:0]
}

func (s *storage) Size() int {
	n := 0
	for k, v := range s.synced {
		if _, shadowed := s.pending[k]; !shadowed {
			n += len(k) + len(v)
		}
	}
	for k, v := range s.pending {
		if v != nil {
			n += len(k) + len(v)
		}
	}
	return n
}

// syncedSize is the size of what would survive a crash now.
func (s *storage) syncedSize() int {
	n := 0
	for k, v := range s.synced {
		n += len(k) + len(v)
	}
	return n
}
