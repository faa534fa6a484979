//go:build !student

package reference_test

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/labs/kvraft/kvraftlab"
)

// TestMutationSuite grades this package, the kvraft reference, with the
// lab's suite (labtest.MutationSuite): the test scripts/mutation.sh runs
// against each mutant. kvraftlab reaches this package only through its
// reference.go, which the student edition leaves out, hence the build tag.
func TestMutationSuite(t *testing.T) { labtest.MutationSuite(t, kvraftlab.Lab) }
