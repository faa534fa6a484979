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
