package queuelab

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/grader/suite"
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
	n := labtest.SweepSeeds()
	if n < 1000 {
		t.Skip("set -lab.sweep=N (N ≥ 1000) to re-derive the bounds over N seeds")
	}
	labtest.Calibrate(t, Lab, calibrationDesigns(), margins, n, func(test *suite.Test, impl any, name string, seed uint64) (suite.Outcome, []suite.Figure) {
		var f *figures
		runHook = func(got *figures) { f = got }
		defer func() { runHook = nil }()
		o := runOne(test, seed, impl, name)
		if f == nil {
			return o, nil
		}
		return o, f.graded
	})
}
