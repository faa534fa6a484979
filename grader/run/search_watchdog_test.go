package run_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
)

// TestSearchReportsProgressToTheWatchdog: a graded search explores its
// states inside one test, dispatching no simulator event. It reports them
// to the watchdog (suite.T.Progressed), so a search that takes longer than
// the watchdog's budget of CPU time, as it does on a slow machine or under
// the race detector, is not judged a handler that never returns. Under
// the race detector kvraft's search was judged hung, and mutants were
// "caught" by a verdict of the machine.
func TestSearchReportsProgressToTheWatchdog(t *testing.T) {
	lab, err := suite.Lookup("raft")
	require.NoError(t, err)
	res, err := run.Grade(context.Background(), run.Options{Lab: lab, Impl: "solution",
		Run: regexp.MustCompile("^SearchElectionSafety$"), Watchdog: 50 * time.Millisecond, NoShrink: true})
	require.NoError(t, err)
	require.Len(t, res.Tests, 1)
	assert.Equal(t, result.Pass, res.Tests[0].Status, res.Tests[0].Message)
}
