package gradertest_test

import (
	"context"
	"testing"

	"github.com/faultline-dev/faultline/grader/gradertest"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/all"
)

// The references pass their own suites when graded exactly as students are.
func TestPingpongReference(t *testing.T) { gradertest.Run(t, "pingpong", "solution") }
func TestRaftReference(t *testing.T)     { gradertest.Run(t, "raft", "solution") }

// BenchmarkGradeRaft measures a whole grading of the Raft reference as
// `faultline grade raft` does it: every test over its default seeds, the
// determinism re-runs, on all cores.
func BenchmarkGradeRaft(b *testing.B) { benchGrade(b, "raft") }

// BenchmarkGradePingpong does the same for the warm-up lab.
func BenchmarkGradePingpong(b *testing.B) { benchGrade(b, "pingpong") }

func benchGrade(b *testing.B, name string) {
	lab, err := suite.Lookup(name)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for range b.N {
		res, err := run.Grade(context.Background(), run.Options{Lab: lab, TraceDir: b.TempDir()})
		if err != nil || res.Status != result.Pass {
			b.Fatalf("%v %v", err, res.Status)
		}
	}
}
