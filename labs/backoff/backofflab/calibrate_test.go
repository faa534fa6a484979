package backofflab

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// margins states, for every graded figure, how far inside its bound the
// worst case of the designs the task allows must stay, over 1,000 seeds
// and more: task.md gives each bound with its derivation, and
// TestCalibration re-derives them. An upper bound must be at least the
// worst value plus the margin, a lower bound at most the worst value minus
// it. A margin of 0 marks a figure the task fixes exactly (every call
// succeeds on a server that fails nothing). A key "Test/figure" overrides
// the figure's margin in one test.
var margins = map[string]float64{
	"success rate":                                 0.005,
	"Healthy/success rate":                         0,
	"ClosedLoop/success rate":                      0,
	"ServerFailsEverything/success rate":           0,
	"attempts per call":                            0.05,
	"LossyNetwork/attempts per call":               0.1,
	"p50 latency (ms)":                             20,
	"p99 latency (ms)":                             50,
	"failed share":                                 0.05,
	"peak attempts in 10 ms":                       5,
	"call 1 took (s)":                              10,
	"attempts per failing call":                    0.05,
	"p99 latency after recovery (ms)":              100,
	"time to recover (s)":                          0.3,
	"goodput after the trigger (share of offered)": 0.05,
}

// calibrationDesigns are the designs the calibration measures: the
// reference, and the ladder's full client, written from the task alone.
func calibrationDesigns() map[string]any {
	return map[string]any{"reference": Lab.Solution, "ladder full": ladder[len(ladder)-1].factory()}
}

// TestCalibration re-derives every graded bound from the distribution of
// the designs the task allows, over the seeds of -lab.sweep (1,000 or
// more), and fails where a design's worst case comes within the stated
// margin of a bound, or past it:
//
//	go test ./labs/backoff/backofflab -run TestCalibration -lab.sweep 1000 -v
//
// The log is the table task.md's bounds are derived from.
func TestCalibration(t *testing.T) {
	n := 0
	if f := flag.Lookup("lab.sweep"); f != nil {
		n, _ = strconv.Atoi(f.Value.String())
	}
	if n < 1000 {
		t.Skip("set -lab.sweep=N (N ≥ 1000) to re-derive the bounds over N seeds")
	}
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			for name, impl := range calibrationDesigns() {
				worst := map[string]figure{}
				var order []string
				for _, seed := range seedsOf(test, n) {
					var h *harness
					newHarnessHook = func(r *harness) { h = r }
					o := runOne(test, impl, name, seed, nil)
					newHarnessHook = nil
					// A run that fails at a graded figure still shows it
					// below; any other failure is an error.
					if !o.Passed() && (h == nil || !outside(h.figs)) {
						t.Errorf("%s seed %d: %s", name, seed, o.Describe())
					}
					for _, f := range h.figs {
						w, seen := worst[f.name]
						if !seen {
							order = append(order, f.name)
						}
						if !seen || (f.upper && f.value > w.value) || (!f.upper && f.value < w.value) {
							worst[f.name] = f
						}
					}
				}
				var lines []string
				for _, fig := range order {
					w := worst[fig]
					m, ok := margins[test.Name+"/"+fig]
					if !ok {
						m, ok = margins[fig]
					}
					require.True(t, ok, "no margin for %q", fig)
					derived, sign := w.value+m, "≤"
					if !w.upper {
						derived, sign = w.value-m, "≥"
					}
					lines = append(lines, fmt.Sprintf("  %-46s worst %8.4g  bound %s %-8.4g derived %s %.4g (margin %g)", fig, w.value, sign, w.bound, sign, derived, m))
					if w.upper {
						assert.LessOrEqual(t, derived, w.bound+1e-9, "%s: %s's worst %s is %.4g: within %g of the bound %.4g", test.Name, name, fig, w.value, m, w.bound)
					} else {
						assert.GreaterOrEqual(t, derived, w.bound-1e-9, "%s: %s's worst %s is %.4g: within %g of the bound %.4g", test.Name, name, fig, w.value, m, w.bound)
					}
				}
				t.Logf("%s, %s over %d seeds:\n%s", test.Name, name, n, strings.Join(lines, "\n"))
			}
		})
	}
}

// outside reports whether a figure is outside its bound.
func outside(figs []figure) bool {
	for _, f := range figs {
		if (f.upper && f.value > f.bound) || (!f.upper && f.value < f.bound) {
			return true
		}
	}
	return false
}
