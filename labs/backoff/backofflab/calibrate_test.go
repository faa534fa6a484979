package backofflab

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/grader/suite"
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
	// The first wait's bound admits a base of up to 100 ms (full jitter
	// then waits 100 ms on average), far above the reference's 20 ms.
	"mean first wait (ms)":                    100,
	"calls failed without an attempt (share)": 0.05,
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
	n := labtest.SweepSeeds()
	if n < 1000 {
		t.Skip("set -lab.sweep=N (N ≥ 1000) to re-derive the bounds over N seeds")
	}
	labtest.Calibrate(t, Lab, calibrationDesigns(), margins, n, func(test *suite.Test, impl any, name string, seed uint64) (suite.Outcome, []suite.Figure) {
		var h *harness
		newHarnessHook = func(r *harness) { h = r }
		defer func() { newHarnessHook = nil }()
		o := runOne(test, impl, name, seed, nil)
		if h == nil {
			return o, nil
		}
		return o, h.figs
	})
}
