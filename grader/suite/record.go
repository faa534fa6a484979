package suite

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
)

// A run's own curves (issue 25, item 5): an overload or hot-shard test
// records the time series it measured, and marks the figures its checks
// judge, so that a failing student sees their own run drawn beside the
// reference's for the same seed, with the bound that failed on it.
//
//	t.Record(func() series.Set { return series.Set{Series: m.Series()} })
//	t.Guide(suite.Guide{Metric: "queue length", Value: 20, Label: "queue bound 20", Upper: true})
//	t.Check("bounded queue", ...)
//
// Record's function runs once when the run ends, whether it passed or
// failed, so that a run stopped by a failed check is drawn up to where it
// stopped. A Guide is noted at once: call it before the check it marks,
// since a failed check stops the run.

// Guide is a bound a check judged, drawn on the chart of its metric as a
// horizontal line over the span the check looked at.
type Guide struct {
	// Metric is the series' metric the bound belongs on ("goodput"; see
	// series.Series.Metric), in that series' unit.
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
	// From and To are the span of virtual time the check judged; both 0
	// means the whole run. On a curve (series.Set.X) they are x values,
	// as series.AtX makes them.
	From time.Duration `json:"from,omitempty"`
	To   time.Duration `json:"to,omitempty"`
	// Label says what was judged and how: "queue bound 20", "goodput ≥
	// 0.85× capacity".
	Label string `json:"label"`
	// Upper: the value is a maximum, else a minimum.
	Upper bool `json:"upper,omitempty"`
}

// Recording is what one run recorded for charts: its time series and
// intervals (series.Set) and the bounds its checks judged, in the order
// they were noted. A test that records nothing has none (Outcome.Recording
// is nil).
type Recording struct {
	Set    series.Set
	Guides []Guide
}

// Record arranges for fn to give the run's time series when the run ends,
// passed or failed. A later Record replaces an earlier one (a test that
// builds a second harness records the one it judged last). fn runs after
// the test body, in the run's goroutine; a panic in it loses the recording,
// never the run's verdict.
func (t *T) Record(fn func() series.Set) { t.record = fn }

// Guide notes a bound a check of the run judges, to mark on its chart.
// The same guide noted twice (a check inside a loop) is kept once.
func (t *T) Guide(g Guide) {
	for _, h := range t.guides {
		if h == g {
			return
		}
	}
	t.guides = append(t.guides, g)
}

// recording calls the test's Record function, if it set one.
func (t *T) recording() (rec *Recording, err error) {
	if t.record == nil && len(t.guides) == 0 {
		return nil, nil
	}
	defer func() {
		if v := recover(); v != nil {
			rec, err = nil, fmt.Errorf("recording the run's series panicked: %s", PanicText(v))
		}
	}()
	rec = &Recording{Guides: t.guides}
	if t.record != nil {
		rec.Set = t.record()
	}
	return rec, nil
}
