//go:build !student

package reference_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/labs/kvraft/kvraftlab"
)

// TestMutationSuite grades this package, the kvraft reference, with the
// kvraft lab's suite at every test's default seeds, as `faultline grade
// --impl solution` does, and fails at the first run that does not pass.
// It is the test scripts/mutation.sh has gremlins run against each
// mutant of this package, so a mutant counts as killed exactly when the
// suite a student is graded by catches it (docs/grading.md, "Mutation
// testing"). kvraftlab reaches this package only through its reference.go,
// which the student edition leaves out, hence the build tag. Skipped
// unless FAULTLINE_MUTATION is set: kvraftlab's own TestLab already grades
// the reference in the default run.
func TestMutationSuite(t *testing.T) {
	if os.Getenv("FAULTLINE_MUTATION") == "" {
		t.Skip("set FAULTLINE_MUTATION=1 (scripts/mutation.sh does) to grade this package with the kvraft suite")
	}
	lab := kvraftlab.Lab
	require.NotNil(t, lab.Solution, "kvraftlab.Lab has no reference: built with -tags student?")
	for i := range lab.Tests {
		test := &lab.Tests[i]
		for k := range max(test.Seeds, 1) {
			seed := run.SeedFor(lab.Name, test.Name, k)
			o := labtest.RunOne(lab, test, lab.Solution, "solution", seed, nil)
			require.True(t, o.Passed(), "%s seed %d (default seed %d of %d): %s",
				test.Name, seed, k+1, max(test.Seeds, 1), o.Describe())
		}
	}
}
