package core

import (
	"testing"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapStorage is a node.Storage with nothing to lose: Sync does nothing.
type mapStorage map[string][]byte

func (m mapStorage) Load(k string) ([]byte, bool) {
	v, ok := m[k]
	return append([]byte(nil), v...), ok
}
func (m mapStorage) Save(k string, v []byte) { m[k] = append([]byte(nil), v...) }
func (m mapStorage) Delete(k string)         { delete(m, k) }
func (m mapStorage) Sync()                   {}
func (m mapStorage) Size() int               { return 0 }

type storageEnv struct {
	node.Env
	st mapStorage
}

func (e storageEnv) Storage() node.Storage { return e.st }

func TestPersistRoundTrip(t *testing.T) {
	st := mapStorage{}
	a := &Raft{env: storageEnv{st: st}, term: 7, votedFor: 3, log: logOf(10, 2, 5, 7), snapshot: []byte("snap")}
	a.log.entries[1].Command = []byte("x")
	a.persistSnapshot()

	b := &Raft{}
	require.NoError(t, b.restore(st))
	assert.Equal(t, 7, b.term)
	assert.Equal(t, node.ID(3), b.votedFor)
	assert.Equal(t, a.log, b.log)
	assert.Equal(t, []byte("snap"), b.snapshot)
}

func TestRestoreCorrupt(t *testing.T) {
	for name, data := range map[string][]byte{
		"truncated header":  {7},
		"command too short": {1, 0, 0, 2, 0, 0, 1, 5, 'a'},
	} {
		t.Run(name, func(t *testing.T) {
			st := mapStorage{keyState: data}
			assert.ErrorIs(t, (&Raft{}).restore(st), errCorrupt)
		})
	}
	assert.NoError(t, (&Raft{}).restore(mapStorage{}), "a node with an empty disk starts fresh")
}
