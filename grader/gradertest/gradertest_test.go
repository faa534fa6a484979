package gradertest_test

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/gradertest"
	_ "github.com/faultline-dev/faultline/labs/all"
)

// The references pass their own suites when graded exactly as students are.
func TestPingpongReference(t *testing.T) { gradertest.Run(t, "pingpong", "solution") }
func TestRaftReference(t *testing.T)     { gradertest.Run(t, "raft", "solution") }
