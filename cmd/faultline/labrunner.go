package main

import (
	"context"
	"regexp"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/tui"
)

// labRunner runs the TUI's tests through the grading engine, so that the
// seeds, messages and replays match `faultline grade` exactly.
func labRunner() tui.Runner {
	return tui.Runner{
		Run: func(lab *suite.Lab, test *suite.Test, impl string) tui.TestResult {
			res, err := run.Grade(context.Background(), run.Options{Lab: lab, Impl: impl, NoTraces: true, NoShrink: true,
				Run: regexp.MustCompile("^" + regexp.QuoteMeta(test.Name) + "$")})
			if err != nil {
				return tui.TestResult{Message: err.Error()}
			}
			t := res.Tests[0]
			return tui.TestResult{Passed: t.Status == result.Pass, Seed: t.Seed, Seeds: t.Seeds, Message: t.Message}
		},
		Replay: func(lab *suite.Lab, test *suite.Test, impl string, seed uint64) (*trace.Buffer, error) {
			return tui.SuiteRunner().Replay(lab, test, impl, seed)
		},
	}
}
