package sim

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// mapDisk is the disk's meaning, kept simple: a synced map and a map of
// pending writes with their keys in first-write order.
type mapDisk struct {
	synced, pending map[string][]byte
	order           []string
}

func (m *mapDisk) write(k string, v []byte) {
	if _, ok := m.pending[k]; !ok {
		m.order = append(m.order, k)
	}
	m.pending[k] = v
}

func (m *mapDisk) sync(keep func() bool) {
	for _, k := range m.order {
		if keep != nil && !keep() {
			continue
		}
		if v := m.pending[k]; v == nil {
			delete(m.synced, k)
		} else {
			m.synced[k] = v
		}
	}
	m.pending, m.order = map[string][]byte{}, nil
}

func (m *mapDisk) load(k string) ([]byte, bool) {
	if v, ok := m.pending[k]; ok {
		return v, v != nil
	}
	v, ok := m.synced[k]
	return v, ok
}

func (m *mapDisk) size(onlySynced bool) int {
	n := 0
	for k, v := range m.synced {
		if _, shadowed := m.pending[k]; !shadowed || onlySynced {
			n += len(k) + len(v)
		}
	}
	if !onlySynced {
		for k, v := range m.pending {
			if v != nil {
				n += len(k) + len(v)
			}
		}
	}
	return n
}

// The disk agrees with mapDisk under random writes, deletes, syncs, torn
// syncs and crashes, with journals short enough to scan and long enough to
// need the index, and enough deleted keys to sweep.
func TestStorageMatchesItsMeaning(t *testing.T) {
	for _, keys := range []int{3, 40, 400} {
		t.Run(fmt.Sprintf("%d keys", keys), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(keys)))
			st := newStorage()
			model := &mapDisk{synced: map[string][]byte{}, pending: map[string][]byte{}}
			for step := range 20_000 {
				k := fmt.Sprintf("k%d", rng.IntN(keys))
				switch op := rng.IntN(20); {
				case op < 12 && keys > 100 && rng.IntN(4) > 0:
					st.Delete(k) // mostly deletes: tombstones pile up
					model.write(k, nil)
				case op < 12:
					v := []byte(fmt.Sprintf("%05d", step))[:rng.IntN(4)]
					st.Save(k, v)
					model.write(k, append([]byte{}, v...))
				case op < 15:
					st.Delete(k)
					model.write(k, nil)
				case op < 17:
					st.Sync()
					model.sync(nil)
				case op < 19:
					seed := rng.Uint64()
					a, b := rand.New(rand.NewPCG(seed, 0)), rand.New(rand.NewPCG(seed, 0))
					st.syncSome(func() bool { return a.IntN(2) == 0 })
					model.sync(func() bool { return b.IntN(2) == 0 })
				default:
					st.crash()
					model.pending, model.order = map[string][]byte{}, nil
				}
				for i := range min(keys, 40) { // a rotating sample of the keys
					k := fmt.Sprintf("k%d", (i*7+step)%keys)
					got, ok := st.Load(k)
					want, wok := model.load(k)
					require.Equal(t, wok, ok, "step %d: Load(%s)", step, k)
					if ok {
						require.Equal(t, string(want), string(got), "step %d: Load(%s)", step, k)
					}
				}
				require.Equal(t, model.size(false), st.Size(), "step %d: Size", step)
				require.Equal(t, model.size(true), st.syncedSize(), "step %d: synced size", step)
				require.True(t, st.dead <= 64 || st.dead <= len(st.keys)/2, "step %d: %d tombstones among %d keys: deleted keys are swept", step, st.dead, len(st.keys))
			}
		})
	}
}
