package kvraftlab

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

func runOne(test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: impl, ImplName: name, Trace: sink}).Run()
}

// seeds sets how many seeds TestReferencePasses runs per test:
// `-kvraft.seeds 300` is the 300-seed sweep of the reference.
var seeds = flag.Int("kvraft.seeds", 0, "TestReferencePasses: seeds per test (default: the test's default)")

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

// TestEveryMutantIsCaught requires each mutant to fail the test named for
// it, at a default seed, with the failure kind that names its bug.
func TestEveryMutantIsCaught(t *testing.T) {
	cases := []struct {
		mutant, test, check string
	}{
		{"stale-reads", "LeaderPartitions", "linearizability"},
		{"local-dedup", "Unreliable", "linearizability"},
		{"install-keeps-dedup", "SnapshotDedup", "linearizability"},
		{"answers-early", "ManyClerks", "linearizability"},
		{"snapshot-without-dedup", "SnapshotDedup", "linearizability"},
		{"no-leader-check", "LeaderPartitions", "linearizability"},
		{"no-retry-on-timeout", "Unreliable", "liveness"},
		{"reuses-seq", "OneClerk", "linearizability"},
		{"never-snapshots", "SnapshotSize", "snapshot size"},
	}
	require.Len(t, cases, len(Lab.Mutants), "every mutant has a row")
	for _, tc := range cases {
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

// TestStarterFailsEveryTest checks that the starter compiles into a lab
// that fails every test, as a student's first run should.
func TestStarterFailsEveryTest(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		o := runOne(test, Lab.Starter, "starter", grun.SeedFor(Lab.Name, test.Name, 0), nil)
		assert.False(t, o.Passed(), test.Name)
	}
}
