package shardkvlab

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft/raftlab"
)

func runOne(test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return labtest.RunOne(Lab, test, impl, name, seed, sink)
}

// mutantCases names, for each mutant, the test that catches it and the check
// that fails.
var mutantCases = []labtest.Mutant{
	{Name: "serves-before-data", Test: "JoinLeave", Check: "linearizability"},
	{Name: "drops-dedup-state", Test: "DedupAcrossMigration", Check: "exactly once"},
	{Name: "skips-configs", Test: "CatchUp", Check: "liveness"},
	{Name: "no-wait-migration", Test: "CatchUp", Check: "linearizability"},
	{Name: "replica-rebalance", Test: "ControllerBalance", Check: "determinism"},
	{Name: "moves-too-many", Test: "ControllerBalance", Check: "minimal movement"},
	{Name: "leave-to-lowest", Test: "ControllerBalance", Check: "balance"},
	{Name: "no-ownership-check", Test: "JoinLeave", Check: "linearizability"},
	{Name: "never-gc", Test: "GarbageCollection", Check: "garbage collection"},
	{Name: "deletes-early", Test: "GCWaitsForOwner", Check: "liveness"},
	{Name: "snapshot-drops-outgoing", Test: "OwnerCrashes", Check: "liveness"},
	{Name: "no-leader-noop", Test: "LeaderCutMidPull", Check: "liveness"},
	// Its only failing instants are a crash between two Syncs of one
	// handler: the configuration's key and the snapshot after it. A
	// write to a shard whose installation the replay then skips meets a
	// nil map.
	{Name: "config-saved-apart", Test: "CrashExploration", Check: "panic"},
}

// TestLab makes every check of the suite (grader/labtest): the reference
// passes (-lab.seeds N: over N seeds a test), each mutant fails the test
// and check named for it, the starter fails every test; -lab.rates and
// -lab.sweep measure catch rates and sweep the reference.
func TestLab(t *testing.T) { labtest.Check(t, Lab, mutantCases) }

func TestDeterministic(t *testing.T) {
	test, _ := Lab.Test("Unreliable")
	hash := func(seed uint64) string {
		w := trace.NewWriter(io.Discard)
		runOne(test, Lab.Solution, "solution", seed, w)
		return w.Hash()
	}
	assert.Equal(t, hash(5), hash(5))
	assert.NotEqual(t, hash(5), hash(6))
}

// TestRunsOnTheRaftItIsGiven checks that the harness builds every Raft
// peer from T.Dep("raft"): the reference handed over passes, and a value
// of the wrong type is reported.
func TestRunsOnTheRaftItIsGiven(t *testing.T) {
	cases := []struct {
		name string
		raft any
		want string // "" means the run passes
	}{
		{"reference by default", nil, ""},
		{"reference handed over", raftlab.Lab.Solution, ""},
		{"not a Raft", "raft", "want a raft.Factory"},
	}
	test, _ := Lab.Test("StaticGroups")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: grun.SeedFor(Lab.Name, test.Name, 0),
				Impl: Lab.Solution, ImplName: "solution", Deps: map[string]any{"raft": tc.raft}}).Run()
			if tc.want == "" {
				require.True(t, o.Passed(), o.Describe())
				return
			}
			assert.Contains(t, o.Describe(), tc.want)
		})
	}
}

// TestLeaderOfFindsGroupLeaders checks the harness's aim: every group's
// Raft runs under group-local IDs n1..n3, and leaderOf must still name
// the server of that group that leads (before 2026-12, the peers of all
// groups overwrote each other's entries, so "crash the leader" crashed a
// random server and "cut the leader off" never happened). After the
// leader of each group is crashed, another server of the group leads.
func TestLeaderOfFindsGroupLeaders(t *testing.T) {
	type found struct {
		gid            int
		leader, second node.ID
		members        []node.ID
	}
	var got []found
	test := suite.Test{Name: "LeaderOf", Part: "B", Seeds: 1, Limit: 60 * suite.Sec, Run: func(st *suite.T) {
		c := newHarness(st, config{groups: 3, clerks: 1, keys: keysOverShards(1)})
		c.join(c.gids...)
		c.s.RunFor(3 * suite.Sec)
		for _, gid := range c.gids {
			f := found{gid: gid, leader: c.leaderOf(c.groups[gid]), members: c.groups[gid]}
			if f.leader != 0 {
				c.s.Crash(f.leader)
				c.s.RunFor(2 * suite.Sec)
				f.second = c.leaderOf(c.groups[gid])
				c.s.Restart(f.leader)
			}
			got = append(got, f)
		}
	}}
	for i := range 5 {
		got = nil
		o := runOne(&test, Lab.Solution, "solution", grun.SeedFor(Lab.Name, test.Name, i), nil)
		require.True(t, o.Passed(), o.Describe())
		require.Len(t, got, 3)
		for _, f := range got {
			assert.Contains(t, f.members, f.leader, "group %d: leaderOf named %v", f.gid, f.leader)
			assert.Contains(t, f.members, f.second, "group %d after its leader %v crashed: leaderOf named %v", f.gid, f.leader, f.second)
			assert.NotEqual(t, f.leader, f.second, "group %d", f.gid)
		}
	}
}

// TestSwarmConfigurationIsNoted checks that the tests that draw a
// configuration say, in the trace and the report's log, which one each
// seed drew, and that the seeds draw more than one.
func TestSwarmConfigurationIsNoted(t *testing.T) {
	labtest.ConfigurationsNoted(t, Lab, []string{"ControllerUnreliable", "LeaderCutMidPull", "MigrationFaults", "OwnerCrashes", "MoveBack"}, 6)
}
