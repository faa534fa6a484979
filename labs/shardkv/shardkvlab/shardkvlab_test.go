package shardkvlab

import (
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	raftsolution "github.com/faultline-dev/faultline/labs/raft/solution"
)

func runOne(test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return labtest.RunOne(Lab, test, impl, name, seed, sink)
}

// seeds sets how many seeds TestReferencePasses runs per test:
// `-shardkv.seeds 300` is the 300-seed sweep of the reference.
var seeds = flag.Int("shardkv.seeds", 0, "TestReferencePasses: seeds per test (default: the test's default)")

// TestReferencePasses runs the reference over the seeds faultline grade
// runs.
func TestReferencePasses(t *testing.T) { labtest.ReferencePasses(t, Lab, *seeds) }

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
}

// TestEveryMutantIsCaught requires each mutant to fail the test named for
// it, at a default seed, with the check that names its bug.
func TestEveryMutantIsCaught(t *testing.T) { labtest.MutantsCaught(t, Lab, mutantCases) }

// rates sets how many seeds TestMutantCatchRates runs: `-shardkv.rates
// 300` reports, for each mutant, the share of seeds of its test that
// catch it.
var rates = flag.Int("shardkv.rates", 0, "TestMutantCatchRates: seeds per mutant (0: skip)")

func TestMutantCatchRates(t *testing.T) {
	if *rates == 0 {
		t.Skip("set -shardkv.rates N to measure")
	}
	labtest.CatchRates(t, Lab, mutantCases, *rates)
}

// TestStarterFailsEveryTest checks that the starter compiles into a lab
// that fails every test, as a student's first run should.
func TestStarterFailsEveryTest(t *testing.T) { labtest.StarterFailsEveryTest(t, Lab) }

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
		{"reference handed over", raftsolution.Factory, ""},
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
