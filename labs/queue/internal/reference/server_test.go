package reference_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	grader "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/labs/queue/internal/reference"
	"github.com/faultline-dev/faultline/labs/queue/queuelab"
)

// TestOtherDesigns: the suite grades the policy's outcome, not the policy.
// CoDel's queue-time limit alone (always FIFO), and LIFO with a shorter
// length limit and no queue-time limit, pass every test on the default
// seeds, as the reference (adaptive LIFO with CoDel) does.
func TestOtherDesigns(t *testing.T) {
	lab := queuelab.Lab
	for _, tc := range []struct {
		name string
		bugs reference.Bugs
	}{
		{"fifo-codel", reference.Bugs{FIFOOnly: true}},
		{"lifo-only", reference.Bugs{LIFOOnly: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			impl := reference.New(tc.bugs)
			for i := range lab.Tests {
				test := &lab.Tests[i]
				for n := range test.Seeds {
					seed := grader.SeedFor(lab.Name, test.Name, n)
					o := labtest.RunOne(lab, test, impl, tc.name, seed, nil)
					require.True(t, o.Passed(), "%s seed %d: %s", test.Name, seed, o.Describe())
				}
			}
		})
	}
}
