package reference_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/internal/reference"
	"github.com/stretchr/testify/require"
)

// TestSwarmPrefixes checks the reference against a property that needs
// none of the lab's harness: under a swarm of random fault models and
// schedules (crashes, pauses, partitions, one-way cuts, clock skew, loss,
// duplication, long tails), every sequence of commands any incarnation of
// any node applied is a prefix of the longest one, and once the faults
// stop, every node catches up with it.
func TestSwarmPrefixes(t *testing.T) {
	seeds := 100
	if testing.Short() {
		seeds = 20
	}
	if v, err := strconv.Atoi(os.Getenv("RAFT_SWARM_SEEDS")); err == nil {
		seeds = v // for a longer hunt: RAFT_SWARM_SEEDS=5000 go test -run Swarm
	}
	for _, snapEvery := range []int{0, 7} {
		t.Run(fmt.Sprintf("snapshot-every-%d", snapEvery), func(t *testing.T) {
			for seed := uint64(1); seed <= uint64(seeds); seed++ {
				swarmRun(t, seed, snapEvery)
			}
		})
	}
}

// swarmRun runs one seed. With snapEvery > 0 each service snapshots its
// whole applied sequence every snapEvery entries, so lagging nodes catch up
// by InstallSnapshot, and an installed snapshot must be a prefix too.
func swarmRun(t *testing.T, seed uint64, snapEvery int) {
	const n, horizon = 5, 6 * time.Second
	model, sched := faults.Swarm(rand.New(rand.NewPCG(seed, 99)), n, horizon, nil)
	var seqs [][]string         // every incarnation's applied commands, from index 1
	current := make([]int, n+1) // node -> its incarnation's index in seqs
	var s *sim.Sim
	factory := func(id node.ID) node.Node {
		seqs = append(seqs, nil)
		k := len(seqs) - 1
		current[id] = k
		return reference.New(id, func(m raft.ApplyMsg) {
			if m.SnapshotValid {
				require.Positive(t, snapEvery, "seed %d: no snapshots were asked for", seed)
				require.Greater(t, m.SnapshotIndex, len(seqs[k]), "seed %d: %v installed a stale snapshot", seed, id)
				seqs[k] = strings.Split(string(m.Snapshot), ",")
				require.Len(t, seqs[k], m.SnapshotIndex, "seed %d: %v: the snapshot does not cover SnapshotIndex", seed, id)
				return
			}
			require.Equal(t, len(seqs[k])+1, m.CommandIndex, "seed %d: %v applied out of order", seed, id)
			seqs[k] = append(seqs[k], string(m.Command))
			if i := m.CommandIndex; snapEvery > 0 && i%snapEvery == 0 {
				data := []byte(strings.Join(seqs[k], ","))
				s.After(0, func() {
					if current[id] == k && s.Up(id) {
						_ = s.Call(id, func() string { return "Snapshot" }, func(nd node.Node) string {
							nd.(raft.Node).Snapshot(i, data)
							return ""
						})
					}
				})
			}
		}, reference.Bugs{})
	}
	s, err := sim.New(sim.Config{Nodes: n, Seed: seed, Factory: factory, Faults: model, Schedule: sched})
	require.NoError(t, err)
	r := s.Rand("client")
	seq := 0
	var client func()
	client = func() {
		if s.Now() > horizon+6*time.Second {
			return
		}
		seq++
		cmd := fmt.Sprintf("x%d", seq)
		id := node.ID(1 + r.IntN(n))
		_ = s.Call(id, func() string { return "Propose" }, func(nd node.Node) string {
			nd.(raft.Node).Propose([]byte(cmd))
			return ""
		})
		s.After(time.Duration(10+r.IntN(60))*time.Millisecond, client)
	}
	s.At(0, client)
	s.RunUntil(horizon)
	// The nemesis has undone its faults by the horizon; make sure, and let
	// the cluster settle: clients keep proposing until 2 s before the end,
	// so that the last leader has an entry of its own term to commit (a
	// leader never commits an earlier term's entries alone, §5.4.2).
	s.Heal()
	s.Restart(s.IDs()...)
	s.Resume(s.IDs()...)
	s.RunFor(8 * time.Second)
	// A leader elected after the last proposal cannot commit the earlier
	// terms' entries it holds until it has one of its own (§5.4.2): give it one.
	converged := func() bool {
		for id := 1; id <= n; id++ {
			if len(seqs[current[id]]) != len(seqs[current[1]]) {
				return false
			}
		}
		return true
	}
	for try := 0; try < 10 && !converged(); try++ {
		for _, id := range s.IDs() {
			_ = s.Call(id, func() string { return "Propose" }, func(nd node.Node) string {
				nd.(raft.Node).Propose([]byte(fmt.Sprintf("final%d", try)))
				return ""
			})
		}
		s.RunFor(time.Second)
	}

	longest := 0
	for k := range seqs {
		if len(seqs[k]) > len(seqs[longest]) {
			longest = k
		}
	}
	for _, q := range seqs {
		for i := range q {
			require.Equal(t, seqs[longest][i], q[i], "seed %d: two incarnations applied different commands at index %d", seed, i+1)
		}
	}
	require.NotEmpty(t, seqs[longest], "seed %d: nothing committed in %v", seed, s.Now())
	if os.Getenv("SWARM_DEBUG") != "" {
		fmt.Printf("model %+v\nsched %v\n", model, sched)
		for id := 1; id <= n; id++ {
			rn := s.Node(node.ID(id)).(raft.Node)
			term, lead := rn.State()
			fmt.Println(id, term, lead, len(seqs[current[id]]), rn.(interface{ Role() string }).Role())
		}
	}
	for id := 1; id <= n; id++ {
		require.Len(t, seqs[current[id]], len(seqs[longest]), "seed %d: %v did not catch up after the faults stopped", seed, node.ID(id))
	}
}
