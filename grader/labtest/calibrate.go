package labtest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
)

// Score grades impl as `faultline grade` does, at each test's default
// seeds: a test's points when every seed passes. It returns the score and,
// for each failed test, its first failure as "check (seed S): what".
func Score(lab *suite.Lab, impl any, name string) (int, map[string]string) {
	score, failures := 0, map[string]string{}
	for i := range lab.Tests {
		test := &lab.Tests[i]
		passed := true
		for k := range max(test.Seeds, 1) {
			seed := run.SeedFor(lab.Name, test.Name, k)
			if o := RunOne(lab, test, impl, name, seed, nil); !o.Passed() {
				passed = false
				failures[test.Name] = CheckOf(&o) + " (seed " + strconv.FormatUint(seed, 10) + "): " + o.Describe()
				break
			}
		}
		if passed {
			score += test.Points
		}
	}
	return score, failures
}

// Graded runs one test of a lab once and returns its outcome and the
// figures it graded (nil when it graded none).
type Graded func(test *suite.Test, impl any, name string, seed uint64) (suite.Outcome, []suite.Figure)

// Calibrate re-derives every graded bound of lab from the distribution of
// the designs the task allows (designs: name to implementation), over n
// seeds of each test, and fails where a design's worst case comes within
// its margin of a bound, or past it. margins gives each figure's margin
// by name, or by "Test/figure" for one test; an upper bound must be at
// least the worst value plus the margin, a lower one at most the worst
// value minus it. It logs the table a task's bounds are derived from. A
// run that fails outside a graded figure is an error.
func Calibrate(t *testing.T, lab *suite.Lab, designs map[string]any, margins map[string]float64, n int, graded Graded) {
	t.Helper()
	for i := range lab.Tests {
		test := &lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			for name, impl := range designs {
				worst := map[string]suite.Figure{}
				var order []string
				for k := range n {
					seed := run.SeedFor(lab.Name, test.Name, k)
					o, figs := graded(test, impl, name, seed)
					if !o.Passed() && allWithin(figs) {
						t.Errorf("%s seed %d: %s", name, seed, o.Describe())
					}
					for _, f := range figs {
						w, seen := worst[f.Name]
						if !seen {
							order = append(order, f.Name)
						}
						if !seen || (f.Upper && f.Value > w.Value) || (!f.Upper && f.Value < w.Value) {
							worst[f.Name] = f
						}
					}
				}
				var lines []string
				for _, fig := range order {
					lines = append(lines, checkMargin(t, test.Name, name, worst[fig], margins))
				}
				t.Logf("%s, %s over %d seeds:\n%s", test.Name, name, n, strings.Join(lines, "\n"))
			}
		})
	}
}

// checkMargin asserts that the worst case w of one figure stays its margin
// inside the bound, and returns the line of the calibration table.
func checkMargin(t *testing.T, test, design string, w suite.Figure, margins map[string]float64) string {
	m, ok := margins[test+"/"+w.Name]
	if !ok {
		m, ok = margins[w.Name]
	}
	require.True(t, ok, "no margin for %q", w.Name)
	derived, sign := w.Value+m, "≤"
	if !w.Upper {
		derived, sign = w.Value-m, "≥"
	}
	if w.Upper {
		assert.LessOrEqual(t, derived, w.Bound+1e-9, "%s: %s's worst %s is %.4g: within %g of the bound %.4g", test, design, w.Name, w.Value, m, w.Bound)
	} else {
		assert.GreaterOrEqual(t, derived, w.Bound-1e-9, "%s: %s's worst %s is %.4g: within %g of the bound %.4g", test, design, w.Name, w.Value, m, w.Bound)
	}
	return fmt.Sprintf("  %-46s worst %8.4g  bound %s %-8.4g derived %s %.4g (margin %g)", w.Name, w.Value, sign, w.Bound, sign, derived, m)
}

// allWithin reports whether every figure meets its bound.
func allWithin(figs []suite.Figure) bool {
	for _, f := range figs {
		if !f.Within() {
			return false
		}
	}
	return true
}

// SweepSeeds is the -lab.sweep flag's value: what a lab's calibration
// test runs over (0 when unset).
func SweepSeeds() int { return *sweepFlag }

// Tests are the tests named by -lab.tests (none: every test), for a
// calibration that re-derives the bounds of a few tests only.
func Tests() []string {
	var out []string
	for _, name := range strings.Split(*testsFlag, ",") {
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// Rung is one implementation of a lab's ladder: designs written from the
// task alone, each adding one technique to the one below it.
type Rung struct {
	Name string
	Impl any
	// Fails names the tests the rung must fail and the check each must
	// fail with: the real cause of what the rung lacks.
	Fails map[string]string
}

// Ladder grades rungs in order (Score) and requires strictly increasing
// scores, the top rung a full score, and each rung to fail every test of
// its Fails with the check named there.
func Ladder(t *testing.T, lab *suite.Lab, rungs []Rung) {
	t.Helper()
	prev := -1
	for _, rg := range rungs {
		score, failures := Score(lab, rg.Impl, rg.Name)
		var lines []string
		for _, test := range lab.Tests {
			if f, ok := failures[test.Name]; ok {
				lines = append(lines, fmt.Sprintf("  %s: %s", test.Name, f))
			}
		}
		t.Logf("%s: %d/%d\n%s", rg.Name, score, lab.MaxScore(), strings.Join(lines, "\n"))
		assert.Greater(t, score, prev, "%s scores no more than the rung below it", rg.Name)
		prev = score
		for test, check := range rg.Fails {
			f, ok := failures[test]
			if assert.True(t, ok, "%s passes %s", rg.Name, test) {
				assert.True(t, strings.HasPrefix(f, check+" "), "%s fails %s with %q; want check %q", rg.Name, test, f, check)
			}
		}
	}
	require.Equal(t, lab.MaxScore(), prev, "the top rung, written from the task, passes every test")
}

// MutationSuite grades lab's reference with lab's suite at every test's
// default seeds, as `faultline grade --impl solution` does, and fails at
// the first run that does not pass: the test scripts/mutation.sh has
// gremlins run against each mutant of a reference, so that a mutant counts
// as killed exactly when the suite a student is graded by catches it
// (docs/grading.md, "Mutation testing"). It is skipped unless
// FAULTLINE_MUTATION is set: the lab's own TestLab already grades the
// reference in a default run.
func MutationSuite(t *testing.T, lab *suite.Lab) {
	t.Helper()
	if os.Getenv("FAULTLINE_MUTATION") == "" {
		t.Skipf("set FAULTLINE_MUTATION=1 (scripts/mutation.sh does) to grade this package with the %s suite", lab.Name)
	}
	require.NotNil(t, lab.Solution, "%s has no reference: built with -tags student?", lab.Name)
	for i := range lab.Tests {
		test := &lab.Tests[i]
		for k := range max(test.Seeds, 1) {
			seed := run.SeedFor(lab.Name, test.Name, k)
			o := RunOne(lab, test, lab.Solution, "solution", seed, nil)
			require.True(t, o.Passed(), "%s seed %d (default seed %d of %d): %s",
				test.Name, seed, k+1, max(test.Seeds, 1), o.Describe())
		}
	}
}
