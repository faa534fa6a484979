package chart

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
)

// Chart is one metric over virtual time.
type Chart struct {
	// Title names the metric ("goodput"); Unit is its unit on the y axis
	// ("calls/s").
	Title, Unit string
	// Lines are drawn in order, each labelled in the legend.
	Lines []Line
	// Marks are shaded intervals, such as the trigger of an overload.
	Marks []series.Interval
	// From and To bound the x axis; both 0 means from 0 to the last point.
	From, To time.Duration
	// X and XTitle, for a curve over another quantity than time: see
	// series.Set.X. "" means the x axis is virtual time.
	X, XTitle string
	// Guides are reference lines (offered load, a judged threshold),
	// drawn under the lines and named in the legend.
	Guides []series.Guide
	// Seeds is how many runs the lines summarize (series.Set.Seeds): the
	// legend names the shaded spread "min–max over N seeds".
	Seeds int
	// XCount and YCount say an axis counts something (replica groups,
	// requests waiting): its ticks are whole numbers.
	XCount, YCount bool
}

// fmtX formats a tick of the x axis.
func (c Chart) fmtX(t time.Duration) string {
	if c.X == "" {
		return fmtTime(t)
	}
	return strings.Replace(c.X, "%v", fmtValue(t.Seconds()), 1)
}

// xTitle names the x axis.
func (c Chart) xTitle() string {
	if c.X == "" {
		return "virtual time"
	}
	return c.XTitle
}

// Line is one series on a chart, labelled in the legend.
type Line struct {
	Label  string
	Series series.Series
}

// ForMetric returns the chart of one metric of a set: one line for each
// series whose Metric is metric, labelled by its Side (or its name), with
// the set's marks, over the time axis of the whole set (so that the charts
// of one run line up). It returns an error naming the metrics there are when
// the set has none of that name.
//
// The chart gets the set's guides for that metric (and those for every
// metric), its seed count and its count axes: the y axis counts when every
// line's series does.
func ForMetric(set series.Set, metric string) (Chart, error) {
	c := Chart{Title: metric, Marks: set.Marks, X: set.X, XTitle: set.XTitle, Seeds: set.Seeds, XCount: set.XCount, YCount: true}
	for _, g := range set.Guides {
		if g.Metric == "" || g.Metric == metric {
			c.Guides = append(c.Guides, g)
		}
	}
	for _, s := range set.Series {
		if s.Metric() != metric {
			continue
		}
		label := s.Side()
		if label == "" {
			label = s.Name
		}
		if c.Unit == "" {
			c.Unit = s.Unit
		}
		c.YCount = c.YCount && s.Count
		c.Lines = append(c.Lines, Line{Label: label, Series: s})
	}
	if len(c.Lines) == 0 {
		return c, fmt.Errorf("no series %q (there are: %s)", metric, strings.Join(Metrics(set), ", "))
	}
	all := Chart{Marks: set.Marks}
	for _, s := range set.Series {
		all.Lines = append(all.Lines, Line{Series: s})
	}
	c.From, c.To = all.xRange()
	return c, nil
}

// Headline returns the charts of a set's first n headline metrics
// (Set.Headline, then its other metrics in order).
func Headline(set series.Set, n int) []Chart {
	metrics := slices.Clone(set.Headline)
	for _, m := range Metrics(set) {
		if !slices.Contains(metrics, m) {
			metrics = append(metrics, m)
		}
	}
	var out []Chart
	for _, m := range metrics {
		if len(out) == n {
			break
		}
		if c, err := ForMetric(set, m); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// Metrics lists the metrics of a set once each, in order of first
// appearance.
func Metrics(set series.Set) []string {
	var out []string
	for _, s := range set.Series {
		if m := s.Metric(); !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// xRange returns the chart's time axis.
func (c Chart) xRange() (time.Duration, time.Duration) {
	if c.From != 0 || c.To != 0 {
		if c.To <= c.From {
			return c.From, c.From + time.Second // an empty axis still draws
		}
		return c.From, c.To
	}
	var to time.Duration
	for _, l := range c.Lines {
		if n := len(l.Series.Points); n > 0 {
			to = max(to, l.Series.Points[n-1].T)
		}
	}
	for _, m := range c.Marks {
		to = max(to, m.To)
	}
	for _, g := range c.Guides {
		if n := len(g.Points); n > 0 {
			to = max(to, g.Points[n-1].T)
		}
	}
	if to <= 0 {
		return 0, time.Second
	}
	// End on a tick: a run measured in 100 ms buckets up to 4.9 s reads
	// better on an axis to 5 s.
	step := c.tickStep(0, to, 8)
	return 0, (to + step - 1) / step * step
}

// shown reports whether a point at t with value v is drawn on an x axis
// from..to.
func shown(t, from, to time.Duration, v float64) bool {
	return t >= from && t <= to && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// yTicks returns the y axis's ticks from 0 to a round top at or above
// every value shown, about n of them.
func (c Chart) yTicks(n int) []float64 {
	from, to := c.xRange()
	top := 0.0
	for _, l := range c.Lines {
		for _, p := range l.Series.Points {
			if shown(p.T, from, to, p.V) {
				top = max(top, p.V)
			}
		}
		for _, r := range l.Series.Spread {
			if shown(r.T, from, to, r.Hi) {
				top = max(top, r.Hi)
			}
		}
	}
	for _, g := range c.Guides {
		if len(g.Points) == 0 && !math.IsNaN(g.V) && !math.IsInf(g.V, 0) {
			top = max(top, g.V)
		}
		for _, p := range g.Points {
			if shown(p.T, from, to, p.V) {
				top = max(top, p.V)
			}
		}
	}
	if top <= 0 {
		top = 1
	}
	step := niceStep(top / float64(max(n-1, 1)))
	if c.YCount {
		// A count has no ticks between whole numbers: 0, 1, 2 requests,
		// never 0.5.
		step = max(step, 1)
	}
	var out []float64
	for v := 0.0; ; v += step {
		out = append(out, v)
		if v >= top-step*1e-9 {
			return out
		}
	}
}

// niceStep rounds x up to 1, 2 or 5 times a power of ten.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// timeSteps are the spacings of time ticks, in increasing order.
var timeSteps = []time.Duration{
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
}

// xTicks returns the ticks of the x axis in [from, to], at most n of
// them (whole numbers only when the axis counts).
func (c Chart) xTicks(from, to time.Duration, n int) []time.Duration {
	step := c.tickStep(from, to, n)
	var out []time.Duration
	for t := (from + step - 1) / step * step; t <= to; t += step {
		out = append(out, t)
	}
	return out
}

// tickStep returns the smallest of timeSteps that puts at most n ticks
// (at least 2) on [from, to], and at least 1 (time.Second, x = 1 on a
// curve) when the x axis counts.
func (c Chart) tickStep(from, to time.Duration, n int) time.Duration {
	for _, s := range timeSteps {
		if c.XCount && s < time.Second {
			continue
		}
		if int((to-from)/s)+1 <= max(n, 2) {
			return s
		}
	}
	return timeSteps[len(timeSteps)-1]
}

// spreadLabel names the shaded spread round the lines in a legend, or ""
// when no line has one.
func (c Chart) spreadLabel() string {
	for _, l := range c.Lines {
		if len(l.Series.Spread) > 0 {
			if c.Seeds > 1 {
				return fmt.Sprintf("min–max over %d seeds (line: median)", c.Seeds)
			}
			return "min–max over seeds (line: median)"
		}
	}
	return ""
}

// guideLabel names a guide in a legend.
func guideLabel(g series.Guide) string {
	if g.Label != "" {
		return g.Label
	}
	if len(g.Points) == 0 {
		return fmtValue(g.V)
	}
	return "guide"
}

// fmtValue formats an axis value compactly: 0, 35, 2.5, 1.2k.
func fmtValue(v float64) string {
	if v >= 10000 {
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// fmtTime formats a time tick: 0s, 500ms, 1.5s.
func fmtTime(t time.Duration) string {
	if t == 0 {
		return "0s"
	}
	return t.String()
}

// fmtSpan formats an interval for a legend: "slowdown 2s–3s", or "judged
// 2s" for an instant (From == To).
func fmtSpan(m series.Interval) string {
	span := fmtTime(m.From) + "–" + fmtTime(m.To)
	if m.From == m.To {
		span = fmtTime(m.From)
	}
	if m.Label == "" {
		return span
	}
	return m.Label + " " + span
}
