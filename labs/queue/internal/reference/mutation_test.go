//go:build !student

package reference_test

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/labs/queue/queuelab"
)

// TestMutationSuite grades this package, the queue reference, with the
// lab's suite (labtest.MutationSuite): the test scripts/mutation.sh runs
// against each mutant. queuelab reaches this package only through its
// reference.go, which the student edition leaves out, hence the build tag.
func TestMutationSuite(t *testing.T) { labtest.MutationSuite(t, queuelab.Lab) }
