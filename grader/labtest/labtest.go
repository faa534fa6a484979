// Package labtest holds the checks every lab's own tests make of its
// suite: the reference passes, each mutant is caught by the test and the
// check named for it, and the starter fails. A lab's _test.go calls them:
//
//	func TestReferencePasses(t *testing.T)    { labtest.ReferencePasses(t, Lab, *seeds) }
//	func TestEveryMutantIsCaught(t *testing.T) { labtest.MutantsCaught(t, Lab, mutants) }
package labtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

// Mutant names a mutant of a lab, the test that catches it, and the check
// that fails there.
type Mutant struct{ Name, Test, Check string }

// RunOne runs one test of lab once, with impl (named name in the outcome)
// and seed, tracing into sink if it is not nil.
func RunOne(lab *suite.Lab, test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return suite.NewT(suite.Options{Lab: lab, Test: test, Seed: seed, Impl: impl, ImplName: name, Trace: sink}).Run()
}

// ReferencePasses runs lab's reference over every test's default seeds
// (the ones faultline grade runs), or over seeds seeds per test when
// seeds > 0: a sweep before a release.
func ReferencePasses(t *testing.T, lab *suite.Lab, seeds int) {
	t.Helper()
	for i := range lab.Tests {
		test := &lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			n := max(test.Seeds, 1)
			if seeds > 0 {
				n = seeds
			}
			for i := range n {
				seed := run.SeedFor(lab.Name, test.Name, i)
				o := RunOne(lab, test, lab.Solution, "solution", seed, nil)
				require.True(t, o.Passed(), "seed %d: %s", seed, o.Describe())
			}
		})
	}
}

// MutantsCaught requires every mutant of lab to have a row in mutants, and
// each to fail the test named for it, at a default seed, with the check
// that names its bug.
func MutantsCaught(t *testing.T, lab *suite.Lab, mutants []Mutant) {
	t.Helper()
	require.Len(t, mutants, len(lab.Mutants), "every mutant has a row")
	for _, m := range mutants {
		t.Run(m.Name, func(t *testing.T) {
			impl, err := lab.Impl("mutant:" + m.Name)
			require.NoError(t, err)
			test, ok := lab.Test(m.Test)
			require.True(t, ok, "no test %s", m.Test)
			for i := range max(test.Seeds, 1) {
				seed := run.SeedFor(lab.Name, test.Name, i)
				o := RunOne(lab, test, impl, "mutant:"+m.Name, seed, nil)
				if !o.Passed() {
					t.Logf("caught by %s seed %d: %s", test.Name, seed, o.Describe())
					require.NotNil(t, o.Failure, o.Describe())
					assert.Equal(t, m.Check, o.Failure.Check)
					return
				}
			}
			t.Fatalf("mutant %s passed %s at every default seed", m.Name, m.Test)
		})
	}
}

// CatchRates logs, for each mutant, the share of seeds of its test that
// catch it, over seeds seeds.
func CatchRates(t *testing.T, lab *suite.Lab, mutants []Mutant, seeds int) {
	t.Helper()
	for _, m := range mutants {
		impl, err := lab.Impl("mutant:" + m.Name)
		require.NoError(t, err)
		test, ok := lab.Test(m.Test)
		require.True(t, ok, "no test %s", m.Test)
		caught := 0
		for i := range seeds {
			if o := RunOne(lab, test, impl, "mutant:"+m.Name, run.SeedFor(lab.Name, test.Name, i), nil); !o.Passed() {
				caught++
			}
		}
		t.Logf("%-24s by %-22s %3d/%d seeds", m.Name, m.Test, caught, seeds)
	}
}

// StarterFailsEveryTest checks that lab's starter fails every test at its
// first default seed, as a student's first run should.
func StarterFailsEveryTest(t *testing.T, lab *suite.Lab) {
	t.Helper()
	for i := range lab.Tests {
		test := &lab.Tests[i]
		o := RunOne(lab, test, lab.Starter, "starter", run.SeedFor(lab.Name, test.Name, 0), nil)
		assert.False(t, o.Passed(), test.Name)
	}
}
