package reference

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tornDisk is a node.Storage with the simulator's crash semantics
// (grader/sim storage.go and env.go): writes are journaled until Sync; a
// crash can strike at the strikeAt-th Save, Delete or Sync, after which
// every later one has no effect; a Sync it strikes in keeps the i-th
// pending key if keep(i) says so.
type tornDisk struct {
	synced  map[string][]byte
	pending map[string][]byte // nil value: deleted
	order   []string

	ops      int // Saves, Deletes and Syncs so far
	strikeAt int // -1: never
	keep     func(i int) bool
	struck   bool
}

func newTornDisk() *tornDisk {
	return &tornDisk{synced: map[string][]byte{}, pending: map[string][]byte{}, strikeAt: -1}
}

func (d *tornDisk) strike() bool {
	if !d.struck && d.ops == d.strikeAt {
		d.struck = true
	}
	d.ops++
	return d.struck
}

func (d *tornDisk) Load(k string) ([]byte, bool) {
	if v, ok := d.pending[k]; ok {
		return bytes.Clone(v), v != nil
	}
	v, ok := d.synced[k]
	return bytes.Clone(v), ok
}

func (d *tornDisk) Save(k string, v []byte) {
	if !d.strike() {
		d.journal(k, append(make([]byte, 0, len(v)+1), v...))
	}
}

func (d *tornDisk) Delete(k string) {
	if !d.strike() {
		d.journal(k, nil)
	}
}

func (d *tornDisk) journal(k string, v []byte) {
	if _, ok := d.pending[k]; !ok {
		d.order = append(d.order, k)
	}
	d.pending[k] = v
}

func (d *tornDisk) Sync() {
	was := d.struck
	if d.strike() && was {
		return
	}
	for i, k := range d.order {
		if d.struck && !d.keep(i) {
			continue
		}
		if v := d.pending[k]; v == nil {
			delete(d.synced, k)
		} else {
			d.synced[k] = v
		}
	}
	clear(d.pending)
	d.order = d.order[:0]
}

func (d *tornDisk) Size() int { return 0 }

// crash forgets the journal and disarms.
func (d *tornDisk) crash() {
	clear(d.pending)
	d.order = d.order[:0]
	d.struck, d.strikeAt, d.keep = false, -1, nil
}

func (d *tornDisk) clone() *tornDisk {
	c := newTornDisk()
	c.synced = maps.Clone(d.synced)
	return c
}

func (d *tornDisk) keys() []string { return slices.Sorted(maps.Keys(d.synced)) }

type storageEnv struct {
	node.Env
	st node.Storage
}

func (e storageEnv) Storage() node.Storage { return e.st }

// durable is the state persist must keep.
type durable struct {
	Term     int
	VotedFor node.ID
	Base     int
	Entries  []Entry
	Snapshot []byte
}

func durableOf(r *Raft) durable {
	es := slices.Clone(r.log.entries)
	for i := range es {
		if len(es[i].Command) == 0 {
			es[i].Command = nil // restore gives back an empty command as nil
		}
	}
	return durable{r.term, r.votedFor, r.log.base, es, bytes.Clone(r.snapshot)}
}

func restored(t *testing.T, st node.Storage) *Raft {
	t.Helper()
	r := &Raft{env: storageEnv{st: st}}
	require.NoError(t, r.restore(st))
	return r
}

// A persistOp changes the state the way a handler does, then persists it.
// Each is defined relative to the current state, so that a script can go
// on after a crash that lost the previous step.
type persistOp struct {
	name string
	do   func(r *Raft)
}

func command(n, i int) []byte { return []byte(strings.Repeat(string(rune('a'+i%26)), n)) }

func appendOp(n, size int) persistOp {
	return persistOp{fmt.Sprintf("append %d×%dB", n, size), func(r *Raft) {
		for i := range n {
			r.log.append(Entry{Term: r.term, Command: command(size, r.log.lastIndex()+i)})
		}
		r.persist()
	}}
}

var (
	termOp = persistOp{"new term", func(r *Raft) { r.term, r.votedFor = r.term+1, 0; r.persist() }}
	voteOp = persistOp{"vote", func(r *Raft) { r.votedFor = 2; r.persist() }}
	// conflictOp is a follower's Figure 2 steps 3 and 4.
	conflictOp = persistOp{"truncate and append", func(r *Raft) {
		r.log.truncate(max(r.log.lastIndex()-1, r.log.base+1))
		r.log.append(Entry{Term: r.term, Command: []byte("x")}, Entry{Term: r.term})
		r.persist()
	}}
	truncateOp = persistOp{"truncate", func(r *Raft) {
		if r.log.lastIndex() > r.log.base {
			r.log.truncate(r.log.lastIndex())
		}
		r.persist()
	}}
	snapshotOp = persistOp{"snapshot", func(r *Raft) {
		if i := r.log.lastIndex() - 1; i > r.log.base {
			t, _ := r.log.term(i)
			r.log.compact(i, t)
		}
		r.snapshot = fmt.Appendf(nil, "snapshot at %d", r.log.base)
		r.persistSnapshot()
	}}
	installOp = persistOp{"install snapshot past the log", func(r *Raft) {
		r.log.compact(r.log.lastIndex()+3, r.term)
		r.snapshot = []byte{}
		r.persistSnapshot()
	}}
	// lateOp is the mutants' late write: changes persisted by one checkpoint.
	lateOp = persistOp{"late checkpoint", func(r *Raft) {
		r.term++
		r.log.append(Entry{Term: r.term, Command: []byte("late")})
		r.checkpoint()
	}}
)

// script runs every kind of change, with enough appends to cross the
// checkpoint threshold more than once.
var script = []persistOp{
	voteOp, appendOp(1, 3), appendOp(3, 5), termOp, voteOp, conflictOp, truncateOp,
	appendOp(1, 40), appendOp(1, 40), appendOp(2, 40), appendOp(1, 40), appendOp(4, 40), appendOp(1, 40),
	snapshotOp, appendOp(2, 10), conflictOp, termOp, installOp, appendOp(1, 1), appendOp(1, 1),
	lateOp, appendOp(1, 1), appendOp(1, 0), appendOp(6, 60), appendOp(6, 60), appendOp(1, 1),
	// A big checkpoint, then more records than there are constant keys.
	appendOp(1, 1500), termOp,
}

func init() {
	for range walKeysConst + 3 {
		script = append(script, appendOp(1, 0))
	}
}

func TestPersistRoundTrip(t *testing.T) {
	st := newTornDisk()
	r := &Raft{env: storageEnv{st: st}}
	require.NoError(t, r.restore(st))
	for i, op := range script {
		t.Run(fmt.Sprintf("%02d %s", i, op.name), func(t *testing.T) {
			op.do(r)
			got := restored(t, st)
			assert.Equal(t, durableOf(r), durableOf(got))
			assert.Equal(t, r.wal.seq, got.wal.seq, "the next record gets the first missing seq")
			assert.Equal(t, r.wal.size, got.wal.size)
			onDisk := 0
			for _, k := range st.keys() {
				if strings.HasPrefix(k, walPrefix) {
					onDisk++
				}
			}
			assert.Equal(t, r.wal.seq-r.wal.ckpt, onDisk, "the records on disk are exactly those after the checkpoint")
			assert.Equal(t, r.wal.seq-r.wal.ckpt, r.wal.used)
			assert.LessOrEqual(t, r.wal.size, max(r.wal.ckptSize, minRecords), "the records never outgrow the checkpoint")
		})
	}
}

func TestPersistCheckpoints(t *testing.T) {
	for _, c := range []struct {
		name        string
		ops         []persistOp
		records     int // on disk after ops
		checkpoints int // checkpoint writes
	}{
		{"a fresh node writes records", []persistOp{voteOp, appendOp(1, 1), appendOp(1, 1), termOp}, 4, 0},
		{"a snapshot is a checkpoint", []persistOp{voteOp, appendOp(3, 1), appendOp(1, 1), snapshotOp}, 0, 1},
		{"records past minRecords make a checkpoint", []persistOp{voteOp, appendOp(1, 200), appendOp(1, 200)}, 0, 1},
		{"records after it", []persistOp{voteOp, appendOp(1, 200), appendOp(1, 200), appendOp(1, 1)}, 1, 1},
		{"a big checkpoint allows as many bytes of records", []persistOp{voteOp, appendOp(1, 1000),
			appendOp(1, 200), appendOp(1, 200), appendOp(1, 200), appendOp(1, 200)}, 4, 1},
		{"and no more", []persistOp{voteOp, appendOp(1, 1000),
			appendOp(1, 200), appendOp(1, 200), appendOp(1, 200), appendOp(1, 200), appendOp(1, 200)}, 0, 2},
		{"records past the constant keys", append([]persistOp{voteOp, appendOp(1, 1500)}, slices.Repeat([]persistOp{appendOp(1, 0)}, 70)...), 70, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &countingDisk{tornDisk: newTornDisk()}
			r := &Raft{env: storageEnv{st: st}}
			require.NoError(t, r.restore(st))
			for _, op := range c.ops {
				op.do(r)
			}
			assert.Equal(t, c.records, r.wal.seq-r.wal.ckpt)
			assert.Equal(t, c.checkpoints, st.checkpoints)
		})
	}
}

type countingDisk struct {
	*tornDisk
	checkpoints int
}

func (d *countingDisk) Save(k string, v []byte) {
	if k == keyCheckpoint {
		d.checkpoints++
	}
	d.tornDisk.Save(k, v)
}

// TestPersistTornSync crashes each step of the script at every Save,
// Delete and Sync, and in a Sync with every subset of its pending keys
// kept: what restore finds must be the state before the step or after it,
// never a mix. The script then goes on from the restored node, and stale
// records left behind must not come back.
func TestPersistTornSync(t *testing.T) {
	for i, op := range script {
		t.Run(fmt.Sprintf("%02d %s", i, op.name), func(t *testing.T) {
			st := newTornDisk()
			r := &Raft{env: storageEnv{st: st}}
			require.NoError(t, r.restore(st))
			for _, prev := range script[:i] {
				prev.do(r)
			}
			before := durableOf(r)
			probe := st.clone()
			pr := restored(t, probe)
			op.do(pr)
			after := durableOf(pr)
			for k := range probe.ops {
				tearings := []func(int) bool{nil}
				if n := pendingAt(st, script[i], k); n > 0 {
					tearings = subsets(n)
				}
				for j, keep := range tearings {
					disk := st.clone()
					r := restored(t, disk)
					disk.strikeAt, disk.keep = k, keep
					op.do(r)
					disk.crash()
					got := durableOf(restored(t, disk))
					if !assert.True(t, equalState(got, before) || equalState(got, after),
						"crash at storage op %d (tearing %d): restored %+v, want before %+v or after %+v", k, j, got, before, after) {
						return
					}
					goOn(t, disk)
				}
			}
		})
	}
}

// pendingAt returns how many keys are pending when op k of step comes, if
// op k is a Sync (0 otherwise).
func pendingAt(st *tornDisk, step persistOp, k int) int {
	d := &syncProbe{tornDisk: st.clone(), at: k, pending: -1}
	r := &Raft{env: storageEnv{st: d}}
	if err := r.restore(d); err != nil {
		panic(err)
	}
	step.do(r)
	return max(d.pending, 0)
}

type syncProbe struct {
	*tornDisk
	at, pending int
}

func (d *syncProbe) Sync() {
	if d.ops == d.at {
		d.pending = len(d.order)
	}
	d.tornDisk.Sync()
}

// subsets returns every subset of n pending keys as a keep function, or a
// fixed sample of them when there are too many.
func subsets(n int) []func(int) bool {
	var masks []uint64
	if n <= 8 {
		for m := range uint64(1) << n {
			masks = append(masks, m)
		}
	} else {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		masks = append(masks, 0, 1<<n-1)
		for range 64 {
			masks = append(masks, rng.Uint64())
		}
	}
	keeps := make([]func(int) bool, len(masks))
	for i, m := range masks {
		keeps[i] = func(k int) bool { return m&(1<<k) != 0 }
	}
	return keeps
}

// goOn restarts from disk and runs a few more steps and a checkpoint: each
// must restore exactly, and the checkpoint must leave no record behind.
func goOn(t *testing.T, disk *tornDisk) {
	t.Helper()
	r := restored(t, disk)
	for _, op := range []persistOp{appendOp(1, 2), termOp, appendOp(2, 30), lateOp} {
		op.do(r)
		require.Equal(t, durableOf(r), durableOf(restored(t, disk)), "after %s", op.name)
	}
	require.Equal(t, []string{keyCheckpoint}, disk.keys(), "a checkpoint deletes every record, even those a torn Sync left")
}

func equalState(a, b durable) bool {
	return a.Term == b.Term && a.VotedFor == b.VotedFor && a.Base == b.Base &&
		slices.EqualFunc(a.Entries, b.Entries, func(x, y Entry) bool { return x.Term == y.Term && bytes.Equal(x.Command, y.Command) }) &&
		(a.Snapshot == nil) == (b.Snapshot == nil) && bytes.Equal(a.Snapshot, b.Snapshot)
}

func TestRestoreCorrupt(t *testing.T) {
	// A valid checkpoint: seq 2, used 1, term 1, votedFor 0, base 0, the
	// sentinel and one entry, no snapshot.
	ckpt := []byte{2, 1, 1, 0, 0, 2, 0, 0, 1, 1, 'a', 0}
	slot := func(i int) string { return fmt.Sprintf("%s%02d", walPrefix, i) }
	for _, c := range []struct {
		name string
		disk map[string][]byte
	}{
		{"truncated checkpoint", map[string][]byte{keyCheckpoint: {7}}},
		{"no sentinel", map[string][]byte{keyCheckpoint: {0, 0, 1, 0, 0, 0, 0}}},
		{"command too short", map[string][]byte{keyCheckpoint: {0, 0, 1, 0, 0, 2, 0, 0, 1, 5, 'a', 0}}},
		{"snapshot too short", map[string][]byte{keyCheckpoint: {0, 0, 1, 0, 0, 1, 0, 0, 9, 'a'}}},
		{"trailing bytes", map[string][]byte{keyCheckpoint: append(slices.Clone(ckpt), 0)}},
		{"huge entry count", map[string][]byte{keyCheckpoint: {0, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}}},
		{"record cuts into the snapshot", map[string][]byte{keyCheckpoint: ckpt, slot(0): {3, 1, 0, 0, 0}}},
		{"record starts past the log", map[string][]byte{keyCheckpoint: ckpt, slot(0): {3, 1, 0, 3, 0}}},
		{"record truncated", map[string][]byte{keyCheckpoint: ckpt, slot(0): {3, 1, 0, 2, 1, 1}}},
		{"record numbered past its slot", map[string][]byte{keyCheckpoint: ckpt, slot(0): {4, 1, 0, 2, 0}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newTornDisk()
			st.synced = c.disk
			assert.ErrorIs(t, (&Raft{}).restore(st), errCorrupt)
		})
	}
	t.Run("valid", func(t *testing.T) {
		st := newTornDisk()
		st.synced = map[string][]byte{keyCheckpoint: ckpt, slot(0): {3, 2, 1, 2, 1, 2, 0}, slot(2): {5, 9, 9, 1, 0}}
		r := &Raft{}
		require.NoError(t, r.restore(st))
		assert.Equal(t, durable{Term: 2, VotedFor: 1, Entries: []Entry{{}, {Term: 1, Command: []byte("a")}, {Term: 2}}}, durableOf(r),
			"record 3 applies; record 5 follows a gap and is ignored")
		assert.Equal(t, 3, r.wal.seq)
	})
	t.Run("a record from before the checkpoint is a gap", func(t *testing.T) {
		st := newTornDisk()
		st.synced = map[string][]byte{keyCheckpoint: ckpt, slot(0): {2, 2, 1, 2, 0}, slot(1): {4, 2, 1, 2, 0}}
		r := &Raft{}
		require.NoError(t, r.restore(st))
		assert.Equal(t, 1, r.term)
		assert.Equal(t, 2, r.wal.seq)
		assert.Equal(t, 1, r.wal.used, "the checkpoint's used: the slots its deletes may have missed")
	})
	assert.NoError(t, (&Raft{}).restore(newTornDisk()), "a node with an empty disk starts fresh")
}

func TestWALKeys(t *testing.T) {
	require.Len(t, walKeys, walKeysConst*walKeyLen)
	for j := range 2 * walKeysConst {
		assert.Equal(t, fmt.Sprintf("%s%02d", walPrefix, j), walKey(j))
	}
}
