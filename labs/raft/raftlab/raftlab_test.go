package raftlab

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/raft/solution"
	"github.com/stretchr/testify/require"
)

// run runs one test with one seed.
func run(test *suite.Test, seed uint64, impl any, name string) suite.Outcome {
	return suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: impl, ImplName: name}).Run()
}

func describe(o suite.Outcome) string {
	switch {
	case o.Failure != nil:
		return o.Failure.Error()
	case o.Panic != nil:
		return o.Panic.Error()
	case o.Limit != nil:
		return o.Limit.Error()
	case o.Err != nil:
		return o.Err.Error()
	}
	return "passed"
}

// TestSolution runs the reference over every test's default seeds (1..Seeds).
func TestSolution(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			t.Parallel()
			for seed := uint64(1); seed <= uint64(max(test.Seeds, 1)); seed++ {
				o := run(test, seed, solution.Factory, "solution")
				require.True(t, o.Passed(), "seed %d: %s", seed, describe(o))
			}
		})
	}
}

// caughtBy returns the first test and seed (default seeds) that impl
// fails, and why.
func caughtBy(impl any, name string) (string, uint64, string) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		for seed := uint64(1); seed <= uint64(max(test.Seeds, 1)); seed++ {
			if o := run(test, seed, impl, name); !o.Passed() {
				return test.Name, seed, describe(o)
			}
		}
	}
	return "", 0, ""
}

// TestMutantsCaught requires every mutant to fail some test with its
// default seeds, and reports which one caught it.
func TestMutantsCaught(t *testing.T) {
	for _, m := range Lab.Mutants {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			test, seed, why := caughtBy(m.Impl, "mutant:"+m.Name)
			if test == "" {
				t.Fatalf("mutant %s (%s) passes every test with the default seeds: strengthen the suite", m.Name, m.Description)
			}
			t.Logf("caught by %s seed %d: %s", test, seed, why)
		})
	}
}

// TestSolutionManySeeds runs the reference over 20 more seeds per test
// than the defaults cover.
func TestSolutionManySeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("the 20-seed sweep is skipped with -short")
	}
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			t.Parallel()
			from := uint64(max(test.Seeds, 1)) + 1
			for seed := from; seed < from+20; seed++ {
				o := run(test, seed, solution.Factory, "solution")
				require.True(t, o.Passed(), "seed %d: %s", seed, describe(o))
			}
		})
	}
}
