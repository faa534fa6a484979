package sim

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compactor is a node with a write-ahead log: every 10 ms (n1 only) it
// appends a record, Syncs, and tells n2 the record is durable; every third
// record it writes a checkpoint of the records so far and deletes them.
// The buggy one deletes the records in the Sync that writes the
// checkpoint: a torn Sync can keep the deletes and lose the checkpoint.
// The careful one Syncs the checkpoint first.
type compactor struct {
	env     node.Env
	careful bool
	acks    []int // n2: the records n1 said were durable
}

type appended struct{ N int }

func (c *compactor) Start(env node.Env) {
	c.env = env
	if env.ID() == 1 {
		env.SetTimer(10*time.Millisecond, tick{})
	}
}

func (c *compactor) HandleTimer(any) {
	st := c.env.Storage()
	next, _ := st.Load("next") // the records' numbering survives restarts
	n, _ := strconv.Atoi(string(next))
	n++
	st.Save("next", []byte(strconv.Itoa(n)))
	st.Save(fmt.Sprintf("rec/%d", n), []byte("x"))
	st.Sync()
	c.env.Send(2, appended{n})
	if n%3 == 0 {
		st.Save("checkpoint", []byte(strconv.Itoa(recordsOf(st)+checkpointOf(st))))
		if c.careful {
			st.Sync()
		}
		for _, k := range recordKeys(st) {
			st.Delete(k)
		}
		st.Sync()
	}
	c.env.SetTimer(10*time.Millisecond, tick{})
}

func (c *compactor) HandleMessage(_ node.ID, m node.Message) { c.acks = append(c.acks, m.(appended).N) }

// recordKeys lists the log's records (Storage has no listing: there are
// few, so their names are tried).
func recordKeys(st node.Storage) []string {
	var keys []string
	for n := 1; n <= 30; n++ {
		if k := fmt.Sprintf("rec/%d", n); has(st, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

func has(st node.Storage, k string) bool { _, ok := st.Load(k); return ok }

func recordsOf(st node.Storage) int { return len(recordKeys(st)) }

func checkpointOf(st node.Storage) int {
	v, _ := st.Load("checkpoint")
	n, _ := strconv.Atoi(string(v))
	return n
}

func compactors(careful bool) node.Factory {
	return func(node.ID) node.Node { return &compactor{careful: careful} }
}

// durableRecords is what n1's disk holds: records plus the checkpoint's
// count.
func durableRecords(s *Sim) int {
	return recordsOf(s.Storage(1)) + checkpointOf(s.Storage(1))
}

// TestCrashPointsFindTheTornCheckpoint explores every Sync boundary and
// every tear of the first 12 Syncs: the buggy compactor loses records a
// restart cannot find on some tear, and the careful one never does.
func TestCrashPointsFindTheTornCheckpoint(t *testing.T) {
	for _, tc := range []struct {
		careful bool
		lost    bool
	}{{careful: false, lost: true}, {careful: true, lost: false}} {
		t.Run(fmt.Sprintf("careful=%v", tc.careful), func(t *testing.T) {
			cfg := Config{Nodes: 2, Seed: 5, Factory: compactors(tc.careful), Faults: faults.Reliable(), RecordSyncs: true}
			probe, err := New(cfg)
			require.NoError(t, err)
			probe.RunUntil(65 * time.Millisecond)
			syncs := probe.Syncs()
			require.NotEmpty(t, syncs)
			assert.Equal(t, len(syncs), probe.SyncCount(1))
			points := CrashPoints(syncs, Exploration{Nodes: []node.ID{1}})
			lost := false
			for _, p := range points {
				cfg.RecordSyncs, cfg.Crashes = false, []CrashPoint{p}
				s, err := New(cfg)
				require.NoError(t, err)
				s.RunUntil(65 * time.Millisecond)
				// Every record n2 was told of must be on n1's disk, counted
				// in the checkpoint or as a record.
				acked := len(s.nodes[2].inst.(*compactor).acks)
				if durableRecords(s) < acked {
					lost = true
				}
			}
			assert.Equal(t, tc.lost, lost)
		})
	}
}

// TestACrashPointStrikesExactly: after the Sync, what the handler does
// next is lost; a tear keeps exactly the writes Keep names; the node is
// back at once, or after Down.
func TestACrashPointStrikesExactly(t *testing.T) {
	for _, tc := range []struct {
		name     string
		point    CrashPoint
		acks     []int // what n2 heard by 25 ms
		records  int   // records on n1's disk at 25 ms
		upAt25ms bool
	}{
		{"after the second Sync, the ack is lost", CrashPoint{Node: 1, Sync: 2}, []int{1}, 2, true},
		{"a torn second Sync kept nothing", CrashPoint{Node: 1, Sync: 2, Torn: true}, []int{1}, 1, true},
		{"a torn second Sync kept its counter, not its record", CrashPoint{Node: 1, Sync: 2, Torn: true, Keep: 1}, []int{1}, 1, true},
		{"a torn second Sync kept its record", CrashPoint{Node: 1, Sync: 2, Torn: true, Keep: 2}, []int{1}, 2, true},
		{"down for 30 ms", CrashPoint{Node: 1, Sync: 2, Down: faults.Duration(30 * time.Millisecond)}, []int{1}, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Config{Nodes: 2, Seed: 1, Factory: compactors(true), Faults: faults.Reliable(), Crashes: []CrashPoint{tc.point}})
			require.NoError(t, err)
			s.RunUntil(20*time.Millisecond + time.Microsecond)
			assert.Equal(t, 2, s.SyncCount(1))
			s.RunUntil(25 * time.Millisecond)
			assert.Equal(t, tc.acks, s.nodes[2].inst.(*compactor).acks)
			assert.Equal(t, tc.records, recordsOf(s.Storage(1)))
			assert.Equal(t, tc.upAt25ms, s.Up(1))
		})
	}
}

// TestACrashPointReplays: the same seed and crash point give the same
// run, event for event.
func TestACrashPointReplays(t *testing.T) {
	run := func() []string {
		p := CrashPoint{Node: 1, Sync: 4, Torn: true, Keep: 1, Down: faults.Duration(5 * time.Millisecond)}
		s, err := New(Config{Nodes: 2, Seed: 9, Factory: compactors(false), Faults: faults.Unreliable(), Crashes: []CrashPoint{p}})
		require.NoError(t, err)
		var evs []string
		s.OnEvent(func(ev *Event) { evs = append(evs, fmt.Sprintf("%v %v %v %v", ev.Time, ev.Kind, ev.Node, ev.Fault)) })
		s.RunUntil(100 * time.Millisecond)
		return evs
	}
	first := run()
	assert.Contains(t, first, "35ms fault n0 restart {n1}", "crashed in its Sync at 30 ms, restarted 5 ms later, as a fault event")
	assert.Equal(t, first, run())
}

// syncer Syncs when the test calls it.
type syncer struct{ env node.Env }

func (s *syncer) Start(env node.Env)                  { s.env = env }
func (s *syncer) HandleTimer(any)                     {}
func (s *syncer) HandleMessage(node.ID, node.Message) {}

// TestACrashPointInACall: a crash point reached in a test's call takes
// the node down when the call returns.
func TestACrashPointInACall(t *testing.T) {
	s, err := New(Config{Nodes: 1, Factory: func(node.ID) node.Node { return &syncer{} },
		Crashes: []CrashPoint{{Node: 1, Sync: 1, Down: faults.Duration(time.Second)}}})
	require.NoError(t, err)
	s.RunFor(time.Millisecond)
	require.NoError(t, s.Call(1, func() string { return "sync" }, func(n node.Node) string {
		st := n.(*syncer).env.Storage()
		st.Save("k", []byte("v"))
		st.Sync()
		st.Save("after", []byte("v")) // no effect: the crash struck
		return ""
	}))
	assert.False(t, s.Up(1))
	assert.True(t, has(s.Storage(1), "k"))
	assert.False(t, has(s.Storage(1), "after"))
	s.RunFor(2 * time.Second)
	assert.True(t, s.Up(1))
}

func TestCrashPointsEnumerates(t *testing.T) {
	syncs := []SyncRecord{{Node: 1, Sync: 1, Writes: 0}, {Node: 2, Sync: 1, Writes: 2}, {Node: 1, Sync: 2, Writes: 1}, {Node: 1, Sync: 3, Writes: 7}}
	names := func(ps []CrashPoint) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.String())
		}
		return out
	}
	for _, tc := range []struct {
		name string
		x    Exploration
		want []string
		n    int
	}{
		{"boundaries only", Exploration{NoTears: true}, []string{"n1 sync 1", "n2 sync 1", "n1 sync 2", "n1 sync 3"}, 4},
		{"every tear of small Syncs", Exploration{Nodes: []node.ID{2}, Downs: []time.Duration{0, time.Second}},
			[]string{"n2 sync 1", "n2 sync 1, restart after 1s", "n2 sync 1 torn keep {}", "n2 sync 1 torn keep {}, restart after 1s",
				"n2 sync 1 torn keep {0}", "n2 sync 1 torn keep {0}, restart after 1s", "n2 sync 1 torn keep {1}", "n2 sync 1 torn keep {1}, restart after 1s"}, 8},
		{"a large Sync's tears are bounded", Exploration{Nodes: []node.ID{1}}, nil, 1 + 2 + 1 + DefaultMaxTears},
		{"points are bounded", Exploration{MaxPoints: 3, NoTears: true}, []string{"n1 sync 1", "n2 sync 1", "n1 sync 2"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := CrashPoints(syncs, tc.x)
			assert.Len(t, ps, tc.n)
			if tc.want != nil {
				assert.Equal(t, tc.want, names(ps))
			}
			assert.Equal(t, ps, CrashPoints(syncs, tc.x), "a pure function")
		})
	}
	large := CrashPoints(syncs[3:], Exploration{})
	assert.Contains(t, names(large), "n1 sync 3 torn keep {}", "nothing kept")
	assert.Contains(t, names(large), "n1 sync 3 torn keep {0,1,2}", "a prefix kept")
	assert.Contains(t, names(large), "n1 sync 3 torn keep {0,1,2,3,4,5}", "the last write lost")
}

func TestCrashPointsAreValidated(t *testing.T) {
	for _, tc := range []struct {
		p    []CrashPoint
		want string
	}{
		{[]CrashPoint{{Node: 3, Sync: 1}}, "crashes[0].node: unknown node 3"},
		{[]CrashPoint{{Node: 1}}, "crashes[0].sync: 0; Syncs are counted from 1"},
		{[]CrashPoint{{Node: 1, Sync: 1, Keep: 1}}, "the Sync is not torn"},
		{[]CrashPoint{{Node: 1, Sync: 1, Down: -1}}, "down: -1ns is negative"},
		{[]CrashPoint{{Node: 1, Sync: 2}, {Node: 1, Sync: 2, Torn: true}}, "crashes[1]: a second crash point at n1's Sync 2"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := New(Config{Nodes: 2, Factory: compactors(true), Crashes: tc.p})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestRebootRestartsAtOnce: a Reboot brings the node back at
// the same instant, between handlers or when a crash within one strikes.
func TestRebootRestartsAtOnce(t *testing.T) {
	for _, within := range []bool{false, true} {
		t.Run(fmt.Sprintf("within=%v", within), func(t *testing.T) {
			sched := faults.Schedule{{At: faults.Duration(15 * time.Millisecond), Kind: faults.Reboot, Nodes: []node.ID{1}, Within: within}}
			s, err := New(Config{Nodes: 2, Seed: 3, Factory: compactors(true), Faults: faults.Reliable(), Schedule: sched})
			require.NoError(t, err)
			var crashed, restarted time.Duration
			s.OnEvent(func(ev *Event) {
				if ev.Kind == EventFault && ev.Fault.Kind == faults.Restart {
					restarted = ev.Time
				}
				if !s.Up(1) && crashed == 0 {
					crashed = ev.Time
				}
			})
			s.RunUntil(100 * time.Millisecond)
			require.NotZero(t, crashed)
			assert.Equal(t, crashed, restarted, "restarted at the instant it went down")
			assert.Equal(t, uint32(2), s.nodes[1].epoch)
			assert.True(t, s.Up(1))
		})
	}
}
