package suite

import (
	"fmt"
	"slices"

	"github.com/faultline-dev/faultline/grader/series"
)

// A run's own curves (issue 25, item 5): an overload or hot-shard test
// records the time series it measured, and marks the bounds its checks
// judge, so that a failing student sees their own run drawn beside the
// reference's for the same seed, with the bound that failed on it.
//
//	t.Record(func() series.Set { return series.Set{Series: m.Series()} })
//	t.Guide(series.Guide{Metric: "queue length", Label: "bound ≤ 20", V: 20})
//	t.Check("bounded queue", ...)
//
// Record's function runs once when the run ends, whether it passed or
// failed, so that a run stopped by a failed check is drawn up to where it
// stopped. A guide is noted at once: note it before the check it marks,
// since a failed check stops the run. A bound judged over a span only is
// a guide through two points (series.Guide.Points); an instant a check
// judged (a recovery deadline) is a Mark with From == To.

// Record arranges for fn to give the run's time series when the run ends,
// passed or failed. A later Record replaces an earlier one (a test that
// builds a second harness records the one it judged last). fn runs after
// the test body, in the run's goroutine; a panic in it loses the recording,
// never the run's verdict.
func (t *T) Record(fn func() series.Set) { t.record = fn }

// Guide notes a bound a check of the run judges, to draw on the chart of
// its metric; the run's recording holds it in Set.Guides, after the ones
// Record's set has. The same guide noted twice (a check inside a loop) is
// kept once.
func (t *T) Guide(g series.Guide) {
	if !slices.ContainsFunc(t.guides, func(h series.Guide) bool { return SameGuide(g, h) }) {
		t.guides = append(t.guides, g)
	}
}

// Mark notes an interval or an instant (From == To) a check of the run
// judges, such as the deadline of a recovery, to mark on the run's charts
// (Set.Marks, after the ones Record's set has).
func (t *T) Mark(m series.Interval) {
	if !slices.Contains(t.marks, m) {
		t.marks = append(t.marks, m)
	}
}

// SameGuide reports whether two guides mark the same bound.
func SameGuide(a, b series.Guide) bool {
	return a.Metric == b.Metric && a.Label == b.Label && a.V == b.V && slices.Equal(a.Points, b.Points)
}

// recording calls the test's Record function, if it set one, and adds
// the guides noted.
func (t *T) recording() (rec *series.Set, err error) {
	if t.record == nil && len(t.guides) == 0 && len(t.marks) == 0 {
		return nil, nil
	}
	defer func() {
		if v := recover(); v != nil {
			rec, err = nil, fmt.Errorf("recording the run's series panicked: %s", PanicText(v))
		}
	}()
	rec = &series.Set{}
	if t.record != nil {
		*rec = t.record()
		rec.Series = series.ZeroRates(rec.Series)
	}
	for _, g := range t.guides {
		if !slices.ContainsFunc(rec.Guides, func(h series.Guide) bool { return SameGuide(g, h) }) {
			rec.Guides = append(rec.Guides, g)
		}
	}
	for _, m := range t.marks {
		if !slices.Contains(rec.Marks, m) {
			rec.Marks = append(rec.Marks, m)
		}
	}
	return rec, nil
}
