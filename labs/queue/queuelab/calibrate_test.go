package queuelab

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
// worst case of the designs the task allows must stay over 1,000 seeds
// and more: task.md gives each bound with its derivation, and
// TestCalibration re-derives them. An upper bound must be at least the
// worst value plus the margin, a lower bound at most the worst value minus
// it. A key "Test/figure" overrides the figure's margin in one test.
var margins = map[string]float64{
	"most requests waiting":         10,
	"timeouts (share of offered)":   0.005,
	"success rate":                  0.01,
	"p99 time to reject (ms)":       20,
	"|L − λW| − tolerance":          0.3,
	"wasted (share of worker time)": 0.005,
	"success rate after the burst":  0.01,
	"goodput (share of capacity)":   0.015,
	"p99 latency (ms)":              20,
	"critical success rate":         0.005,
	"the nine's success rate":       0.02,
	"each one's success rate":       0.1,
	"the flood's share of goodput":  0.05,
}

// calibrationDesigns are the designs the calibration measures: the
// reference, and the ladder's full server, written from the task alone.
// (The reference's other designs, FIFO with CoDel and LIFO alone, pass
// every default seed: internal/reference's TestOtherDesigns.)
func calibrationDesigns() map[string]any {
	return map[string]any{"reference": Lab.Solution, "ladder full": ladder[len(ladder)-1].factory()}
}

// TestCalibration re-derives every graded bound from the distribution of
// the designs the task allows, over the seeds of -lab.sweep (1,000 or
// more), and fails where a design's worst case comes within the stated
// margin of a bound, or past it:
//
//	go test ./labs/queue/queuelab -run TestCalibration -lab.sweep 1000 -v
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
				worst := map[string]graded{}
				var order []string
				for _, seed := range seeds(test, n) {
					var f *figures
					runHook = func(got *figures) { f = got }
					o := runOne(test, seed, impl, name)
					runHook = nil
					if !o.Passed() && (f == nil || !outside(f.graded)) {
						t.Errorf("%s seed %d: %s", name, seed, o.Describe())
					}
					if f == nil {
						continue
					}
					for _, g := range f.graded {
						w, seen := worst[g.name]
						if !seen {
							order = append(order, g.name)
						}
						if !seen || (g.upper && g.value > w.value) || (!g.upper && g.value < w.value) {
							worst[g.name] = g
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
					lines = append(lines, fmt.Sprintf("  %-32s worst %8.4g  bound %s %-8.4g derived %s %.4g (margin %g)", fig, w.value, sign, w.bound, sign, derived, m))
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

// outside reports whether a graded figure is outside its bound.
func outside(gs []graded) bool {
	for _, g := range gs {
		if (g.upper && g.value > g.bound) || (!g.upper && g.value < g.bound) {
			return true
		}
	}
	return false
}
