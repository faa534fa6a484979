package tui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/grader/workspace"
)

// EngineRunner runs the TUI's tests through the grading engine, so that the
// seeds, messages and replays match `faultline grade` exactly. Inside a
// workspace the student's code is the default, rebuilt (or found in the
// cache by its content hash) before every run, so the TUI never grades
// stale code.
func EngineRunner(ws *workspace.Workspace) Runner {
	options := func(lab *suite.Lab, impl string) (run.Options, error) {
		o := run.Options{Lab: lab, Impl: impl}
		if impl != "student" {
			return o, nil
		}
		b, err := workspace.BuildStudent(context.Background(), ws, lab)
		if err != nil {
			return o, err
		}
		o.Runner = b.Runner
		return o, nil
	}
	return Runner{
		Run: func(lab *suite.Lab, test *suite.Test, impl string) TestResult {
			o, err := options(lab, impl)
			if err != nil {
				return TestResult{Message: err.Error()}
			}
			o.NoTraces, o.NoShrink = true, true
			o.Charts = true // the lab screen's c draws a test's last run, passed or not
			o.Run = regexp.MustCompile("^" + regexp.QuoteMeta(test.Name) + "$")
			res, err := run.Grade(context.Background(), o)
			if err != nil {
				return TestResult{Message: err.Error()}
			}
			t := res.Tests[0]
			msg := t.Message
			if t.Hint != "" {
				msg += "\n" + t.Hint
			}
			return TestResult{Passed: t.Status == result.Pass, Seed: t.Seed, Seeds: t.Seeds, Message: msg, Charts: t.Charts}
		},
		Replay: func(lab *suite.Lab, test *suite.Test, impl string, seed uint64) (*trace.Buffer, error) {
			o, err := options(lab, impl)
			if err != nil {
				return nil, err
			}
			dir, err := os.MkdirTemp("", "faultline-replay-")
			if err != nil {
				return nil, err
			}
			defer os.RemoveAll(dir)
			path := filepath.Join(dir, "run.jsonl")
			if err := run.TraceRun(context.Background(), o, test.Name, seed, path); err != nil {
				return nil, err
			}
			return trace.ReadFile(path)
		},
		Impls: func(lab *suite.Lab) []string {
			impls := []string{"solution", "starter"}
			if lab.Solution == nil { // the student edition: no reference to run
				impls = []string{"starter"}
			}
			if ws != nil && lab.Student.Package != "" {
				impls = append([]string{"student"}, impls...)
			}
			return impls
		},
	}
}
