package sim

import (
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gossipRun runs five gossip nodes for 3 s of virtual time under loss,
// duplication, reordering, a skewed clock, a partition, a pause and a
// crash/restart, and returns the trace.
func gossipRun(t testing.TB, seed uint64) *trace.Buffer {
	ms := func(v int) faults.Duration { return faults.Duration(time.Duration(v) * time.Millisecond) }
	var buf trace.Buffer
	s, err := New(Config{
		Nodes:   5,
		Seed:    seed,
		Factory: func(node.ID) node.Node { return &gossip{} },
		Faults: faults.Model{
			Latency:   faults.Dist{Kind: faults.LongTail, Min: ms(1), Max: ms(20), TailProb: 0.05, TailMin: ms(100), TailMax: ms(300)},
			Loss:      0.1,
			Duplicate: 0.05,
			Clocks:    []faults.Clock{{Node: 4, Skew: ms(250), Drift: 0.02}},
		},
		Schedule: faults.Schedule{
			{At: ms(500), Kind: faults.Partition, Groups: [][]node.ID{{1, 2}, {3, 4, 5}}},
			{At: ms(900), Kind: faults.Crash, Nodes: []node.ID{3}},
			{At: ms(1200), Kind: faults.Heal},
			{At: ms(1500), Kind: faults.Restart, Nodes: []node.ID{3}},
			{At: ms(1800), Kind: faults.Pause, Nodes: []node.ID{5}},
			{At: ms(2100), Kind: faults.Resume, Nodes: []node.ID{5}},
		},
		Trace: &buf,
	})
	require.NoError(t, err)
	s.ObserveState(func(id node.ID, n node.Node) any { return map[string]int{"version": n.(*gossip).versions[id]} })
	s.RunFor(3 * time.Second)
	return &buf
}

func TestDeterminism(t *testing.T) {
	seen := map[string]uint64{}
	for seed := uint64(1); seed <= 100; seed++ {
		a, b := gossipRun(t, seed).Hash(), gossipRun(t, seed).Hash()
		require.Equal(t, a, b, "seed %d: two runs gave different traces", seed)
		if other, dup := seen[a]; dup {
			t.Fatalf("seeds %d and %d gave the same trace %s", other, seed, a)
		}
		seen[a] = seed
	}
}

func TestGossipTraceIsRich(t *testing.T) {
	buf := gossipRun(t, 7)
	kinds := map[trace.Kind]int{}
	for _, r := range buf.Records {
		kinds[r.Kind]++
	}
	for _, k := range []trace.Kind{trace.Start, trace.Send, trace.Deliver, trace.Drop, trace.Dup, trace.TimerSet,
		trace.TimerFire, trace.Crash, trace.Restart, trace.Pause, trace.Resume, trace.Partition, trace.Log, trace.State} {
		assert.Positive(t, kinds[k], "no %s record: the scenario does not exercise it", k)
	}
}
