package reference

import (
	"fmt"
	"testing"

	"github.com/faultline-dev/faultline/labs/node"
)

// copyDisk is a node.Storage that, like the simulator's, copies what it
// saves.
type copyDisk map[string][]byte

func (d copyDisk) Load(k string) ([]byte, bool) { v, ok := d[k]; return append([]byte(nil), v...), ok }
func (d copyDisk) Save(k string, v []byte)      { d[k] = append(make([]byte, 0, len(v)+1), v...) }
func (d copyDisk) Delete(k string)              { delete(d, k) }
func (d copyDisk) Sync()                        {}
func (d copyDisk) Size() int                    { return 0 }

type copyDiskEnv struct {
	node.Env
	d copyDisk
}

func (e copyDiskEnv) Storage() node.Storage { return e.d }

// BenchmarkPersist measures a leader's Propose-and-persist of a 20-byte
// command with logs of several lengths (Figure 2 state, no snapshot).
func BenchmarkPersist(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("log=%d", n), func(b *testing.B) {
			r := &Raft{env: copyDiskEnv{d: copyDisk{}}, log: newLog(0, 0)}
			if err := r.restore(r.env.Storage()); err != nil {
				b.Fatal(err)
			}
			r.term, r.votedFor = 3, 1
			cmd := make([]byte, 20)
			for range n {
				r.log.append(Entry{Term: r.term, Command: cmd})
			}
			r.persist()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				// Keep the log at n entries: drop the one added last time.
				r.log.truncate(r.log.lastIndex())
				r.log.append(Entry{Term: r.term, Command: cmd})
				r.persist()
			}
		})
	}
}
