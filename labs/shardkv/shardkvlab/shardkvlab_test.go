package shardkvlab

import (
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	raftsolution "github.com/faultline-dev/faultline/labs/raft/solution"
)

func runOne(test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: impl, ImplName: name, Trace: sink}).Run()
}

// seeds sets how many seeds TestReferencePasses runs per test:
// `-shardkv.seeds 300` is the 300-seed sweep of the reference.
var seeds = flag.Int("shardkv.seeds", 0, "TestReferencePasses: seeds per test (default: the test's default)")

// TestReferencePasses runs the reference over the seeds faultline grade
// runs.
func TestReferencePasses(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			n := max(test.Seeds, 1)
			if *seeds > 0 {
				n = *seeds
			}
			for i := range n {
				seed := grun.SeedFor(Lab.Name, test.Name, i)
				o := runOne(test, Lab.Solution, "solution", seed, nil)
				require.True(t, o.Passed(), "seed %d: %s", seed, o.Describe())
			}
		})
	}
}

// mutantCases names, for each mutant, the test that catches it and the
// check that fails.
var mutantCases = []struct {
	mutant, test, check string
}{
	{"serves-before-data", "JoinLeave", "linearizability"},
	{"drops-dedup-state", "DedupAcrossMigration", "exactly once"},
	{"skips-configs", "CatchUp", "liveness"},
	{"no-wait-migration", "CatchUp", "linearizability"},
	{"replica-rebalance", "ControllerBalance", "determinism"},
	{"moves-too-many", "ControllerBalance", "minimal movement"},
	{"leave-to-lowest", "ControllerBalance", "balance"},
	{"no-ownership-check", "JoinLeave", "linearizability"},
	{"never-gc", "GarbageCollection", "garbage collection"},
	{"deletes-early", "GCWaitsForOwner", "liveness"},
}

// TestEveryMutantIsCaught requires each mutant to fail the test named for
// it, at a default seed, with the check that names its bug.
func TestEveryMutantIsCaught(t *testing.T) {
	require.Len(t, mutantCases, len(Lab.Mutants), "every mutant has a row")
	for _, tc := range mutantCases {
		t.Run(tc.mutant, func(t *testing.T) {
			impl, err := Lab.Impl("mutant:" + tc.mutant)
			require.NoError(t, err)
			test, ok := Lab.Test(tc.test)
			require.True(t, ok, "no test %s", tc.test)
			for i := range max(test.Seeds, 1) {
				seed := grun.SeedFor(Lab.Name, test.Name, i)
				o := runOne(test, impl, "mutant:"+tc.mutant, seed, nil)
				if !o.Passed() {
					t.Logf("caught by %s seed %d: %s", test.Name, seed, o.Describe())
					require.NotNil(t, o.Failure, o.Describe())
					assert.Equal(t, tc.check, o.Failure.Check)
					return
				}
			}
			t.Fatalf("mutant %s passed %s at every default seed", tc.mutant, tc.test)
		})
	}
}

// rates sets how many seeds TestMutantCatchRates runs.
var rates = flag.Int("shardkv.rates", 0, "TestMutantCatchRates: seeds per mutant (0: skip)")

func TestMutantCatchRates(t *testing.T) {
	if *rates == 0 {
		t.Skip("set -shardkv.rates N to measure")
	}
	for _, tc := range mutantCases {
		impl, err := Lab.Impl("mutant:" + tc.mutant)
		require.NoError(t, err)
		test, _ := Lab.Test(tc.test)
		caught := 0
		for i := range *rates {
			if o := runOne(test, impl, "mutant:"+tc.mutant, grun.SeedFor(Lab.Name, test.Name, i), nil); !o.Passed() {
				caught++
			}
		}
		t.Logf("%-20s by %-22s %3d/%d seeds", tc.mutant, tc.test, caught, *rates)
	}
}

// TestStarterFailsEveryTest checks that the starter compiles into a lab
// that fails every test.
func TestStarterFailsEveryTest(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		o := runOne(test, Lab.Starter, "starter", grun.SeedFor(Lab.Name, test.Name, 0), nil)
		assert.False(t, o.Passed(), test.Name)
	}
}

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
