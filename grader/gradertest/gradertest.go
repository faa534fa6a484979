// Package gradertest runs a lab's graded suite under `go test`, one subtest
// per test, so that an implementation can be checked with the usual tools:
//
//	func TestMyRaft(t *testing.T) { gradertest.Run(t, "raft", "solution") }
package gradertest

import (
	"context"
	"regexp"
	"testing"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
)

// Run grades impl of lab with each test's default seeds, each test a subtest.
// Failing runs' traces go to a temporary directory named in the message.
func Run(t *testing.T, lab, impl string) {
	t.Helper()
	each(t, lab, run.Options{Impl: impl})
}

// RunStudent grades impl, a student's implementation of lab, in this
// process, one subtest per test: what `go test` runs in a workspace.
// `faultline grade` grades the same code in runner processes.
func RunStudent(t *testing.T, lab string, impl any) {
	t.Helper()
	each(t, lab, run.Options{Impl: "student", Student: impl})
}

// RunStudentUsing is RunStudent for a lab that builds on the student's
// implementations of other labs (suite.Student.Uses), given by lab name.
func RunStudentUsing(t *testing.T, lab string, impl any, uses map[string]any) {
	t.Helper()
	each(t, lab, run.Options{Impl: "student", Student: impl, StudentDeps: uses})
}

// each grades every test of lab as o says, one parallel subtest per test.
func each(t *testing.T, lab string, o run.Options) {
	t.Helper()
	l, err := suite.Lookup(lab)
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range l.Tests {
		t.Run(test.Name, func(t *testing.T) {
			t.Parallel()
			o := o
			o.Lab, o.Parallel, o.TraceDir, o.NoShrink = l, 1, t.TempDir(), true
			o.Run = regexp.MustCompile("^" + regexp.QuoteMeta(test.Name) + "$")
			res, err := run.Grade(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range res.Tests {
				if tr.Status != result.Pass {
					t.Errorf("%s: %s\nreplay: %s", tr.Status, tr.Message, tr.Replay)
				}
			}
		})
	}
}
