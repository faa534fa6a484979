package series

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Point is one value at one virtual time.
type Point struct {
	T time.Duration `json:"t"`
	V float64       `json:"v"`
}

// Series is a named sequence of points in increasing time order.
type Series struct {
	Name   string  `json:"name"`
	Unit   string  `json:"unit"`
	Points []Point `json:"points"`
	// Spread, when set, is how far the value varied over several runs
	// (seeds) of which Points is the median: one Range per point, at the
	// same times. A chart shades it round the line.
	Spread []Range `json:"spread,omitempty"`
	// Count says the values are counts (requests waiting, groups): a chart
	// gives their axis whole-number ticks.
	Count bool `json:"count,omitempty"`
}

// Range is the lowest and highest value of a figure at one time over
// several runs.
type Range struct {
	T  time.Duration `json:"t"`
	Lo float64       `json:"lo"`
	Hi float64       `json:"hi"`
}

// Add appends a point; t must not be before the last point's time.
func (s *Series) Add(t time.Duration, v float64) { s.Points = append(s.Points, Point{t, v}) }

// Mean returns the mean value of the points with from <= T < to, and false
// when there are none.
func (s *Series) Mean(from, to time.Duration) (float64, bool) {
	sum, n := 0.0, 0
	for _, p := range s.Points {
		if p.T >= from && p.T < to {
			sum += p.V
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// Counter counts events into buckets of equal width starting at time zero.
type Counter struct {
	width  time.Duration
	counts []float64
}

// NewCounter returns a counter with buckets of the given width (> 0).
func NewCounter(width time.Duration) *Counter {
	if width <= 0 {
		panic("series: bucket width must be positive")
	}
	return &Counter{width: width}
}

// Width returns the bucket width.
func (c *Counter) Width() time.Duration { return c.width }

func bucket(t, width time.Duration) int {
	if t < 0 {
		return 0
	}
	return int(t / width)
}

// Add adds n at virtual time t (negative times count in the first bucket).
func (c *Counter) Add(t time.Duration, n float64) {
	i := bucket(t, c.width)
	for len(c.counts) <= i {
		c.counts = append(c.counts, 0)
	}
	c.counts[i] += n
}

// Sum returns the total counted in the buckets that start in [from, to).
func (c *Counter) Sum(from, to time.Duration) float64 {
	total := 0.0
	for i, n := range c.counts {
		if t := time.Duration(i) * c.width; t >= from && t < to {
			total += n
		}
	}
	return total
}

// Rate returns the counts per second of virtual time, one point at the start
// of each bucket up to the last one counted into.
func (c *Counter) Rate(name, unit string) Series {
	s := Series{Name: name, Unit: unit, Points: make([]Point, len(c.counts))}
	perSec := float64(time.Second) / float64(c.width)
	for i, n := range c.counts {
		s.Points[i] = Point{time.Duration(i) * c.width, n * perSec}
	}
	return s
}

// Sampler keeps the values observed in buckets of equal width, for
// percentiles per bucket.
type Sampler struct {
	width  time.Duration
	values [][]float64
}

// NewSampler returns a sampler with buckets of the given width (> 0).
func NewSampler(width time.Duration) *Sampler {
	if width <= 0 {
		panic("series: bucket width must be positive")
	}
	return &Sampler{width: width}
}

// Add records value v observed at virtual time t.
func (s *Sampler) Add(t time.Duration, v float64) {
	i := bucket(t, s.width)
	for len(s.values) <= i {
		s.values = append(s.values, nil)
	}
	s.values[i] = append(s.values[i], v)
}

// Percentile returns the q-quantile (0 <= q <= 1) of each non-empty bucket,
// one point at the start of the bucket.
func (s *Sampler) Percentile(name, unit string, q float64) Series {
	out := Series{Name: name, Unit: unit}
	for i, vs := range s.values {
		if len(vs) == 0 {
			continue
		}
		sorted := slices.Clone(vs)
		sort.Float64s(sorted)
		out.Add(time.Duration(i)*s.width, Quantile(sorted, q))
	}
	return out
}

// All returns every value observed in buckets that start in [from, to),
// sorted.
func (s *Sampler) All(from, to time.Duration) []float64 {
	var out []float64
	for i, vs := range s.values {
		if t := time.Duration(i) * s.width; t >= from && t < to {
			out = append(out, vs...)
		}
	}
	sort.Float64s(out)
	return out
}

// Quantile returns the q-quantile of sorted values by the nearest-rank
// method (the smallest value with at least q of the values at or below it),
// or NaN for no values.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// PeakInWindow returns the largest number of times (sorted ascending) that
// fall in any window [s, s+window) with from <= s and s+window <= to, and
// the start of the first such window. Spikes of synchronized retries show up
// as a high peak in a short window.
func PeakInWindow(times []time.Duration, window, from, to time.Duration) (int, time.Duration) {
	best, at := 0, from
	lo := sort.Search(len(times), func(i int) bool { return times[i] >= from })
	// Every maximal window can be slid right until its first element sits on
	// its left edge, so it suffices to try windows starting at each time.
	hi := lo
	for i := lo; i < len(times) && times[i]+window <= to; i++ {
		for hi < len(times) && times[hi] < times[i]+window {
			hi++
		}
		if n := hi - i; n > best {
			best, at = n, times[i]
		}
	}
	return best, at
}

// Gauge keeps the largest value set in each bucket of equal width, such as
// the longest a queue got in each 100 ms.
type Gauge struct {
	width time.Duration
	max   []float64
	set   []bool
}

// NewGauge returns a gauge with buckets of the given width (> 0).
func NewGauge(width time.Duration) *Gauge {
	if width <= 0 {
		panic("series: bucket width must be positive")
	}
	return &Gauge{width: width}
}

// Set records value v at virtual time t.
func (g *Gauge) Set(t time.Duration, v float64) {
	i := bucket(t, g.width)
	for len(g.max) <= i {
		g.max = append(g.max, 0)
		g.set = append(g.set, false)
	}
	if !g.set[i] || v > g.max[i] {
		g.max[i], g.set[i] = v, true
	}
}

// Series returns the largest value of each bucket that was set, one point
// at the start of the bucket.
func (g *Gauge) Series(name, unit string) Series {
	s := Series{Name: name, Unit: unit}
	for i, v := range g.max {
		if g.set[i] {
			s.Add(time.Duration(i)*g.width, v)
		}
	}
	return s
}

// Interval is a span of virtual time worth marking on a chart, such as the
// trigger of an overload: [From, To), named by Label ("slowdown").
type Interval struct {
	From, To time.Duration
	Label    string
}

// Set is what one run measured for charts: its series and the intervals to
// mark on them. A series of one side of a comparison is named "side:
// metric" ("naive: goodput"); Metric and Side split such a name.
type Set struct {
	Series []Series
	Marks  []Interval
	// Headline names the metrics a viewer charts first ("goodput",
	// "server arrivals"); empty means the first ones of Series.
	Headline []string
	// X, when set, says the set's points are a curve over another quantity
	// than virtual time: Point.T holds that quantity in seconds (T = 2s is
	// x = 2), and X formats a value of it, with %v for the number: "%v×"
	// (offered load, × capacity) or "ρ=%v". "" means virtual time.
	X string
	// XTitle names the x axis of a curve ("offered load").
	XTitle string
	// XCount says the x quantity of a curve is a count (replica groups):
	// its ticks are whole numbers.
	XCount bool `json:",omitempty"`
	// Guides are reference lines drawn on the charts: the offered load, a
	// threshold a check judged, a theory's curve.
	Guides []Guide `json:",omitempty"`
	// Seeds is how many runs (consecutive seeds) the set summarizes: each
	// series is their median, with its Spread. 0 or 1 is one run.
	Seeds int `json:",omitempty"`
}

// Guide is a reference line on the chart of one metric: a horizontal line
// at V across the whole axis when Points is empty, otherwise a line through
// Points (an offered load that changes in steps; y = x on a curve over
// offered load). Label names it in the legend ("offered load", "bound
// 0.9× capacity").
type Guide struct {
	// Metric is the chart the guide belongs on ("goodput"); "" is every
	// chart of the set.
	Metric string  `json:"metric,omitempty"`
	Label  string  `json:"label,omitempty"`
	V      float64 `json:"v,omitempty"`
	Points []Point `json:"points,omitempty"`
}

// AtX returns the Point.T that stands for x on a curve (Set.X).
func AtX(x float64) time.Duration { return time.Duration(x * float64(time.Second)) }

// Side returns the part of the series' name before ": ", or "" for a name
// without one.
func (s *Series) Side() string {
	side, _, ok := strings.Cut(s.Name, ": ")
	if !ok {
		return ""
	}
	return side
}

// Metric returns the part of the series' name after ": ", or the whole name
// for a name without one.
func (s *Series) Metric() string {
	if _, metric, ok := strings.Cut(s.Name, ": "); ok {
		return metric
	}
	return s.Name
}

// Every returns the series resampled into windows of the given width
// (> 0) from time zero: one point at the start of each window that holds
// points, the mean of their values. For a rate per narrow bucket this is
// the rate over the wider window, which reads better on a chart than the
// noise of 100 ms buckets. The result has no Spread: the spread of a
// window's mean over seeds is not the mean of the spreads, so resample each
// run before Summarize.
func (s *Series) Every(width time.Duration) Series {
	return s.every(width, func(vs []float64) float64 {
		sum := 0.0
		for _, v := range vs {
			sum += v
		}
		return sum / float64(len(vs))
	})
}

// EveryMax is Every with the largest value of each window instead of the
// mean: for a level kept as the most in each bucket (a Gauge, such as the
// longest a queue got), whose mean would be no queue length ever seen.
func (s *Series) EveryMax(width time.Duration) Series {
	return s.every(width, func(vs []float64) float64 { return slices.Max(vs) })
}

func (s *Series) every(width time.Duration, of func([]float64) float64) Series {
	if width <= 0 {
		panic("series: window width must be positive")
	}
	out := Series{Name: s.Name, Unit: s.Unit, Count: s.Count}
	var vs []float64
	for i := 0; i < len(s.Points); {
		w := bucket(s.Points[i].T, width)
		vs = vs[:0]
		for ; i < len(s.Points) && bucket(s.Points[i].T, width) == w; i++ {
			vs = append(vs, s.Points[i].V)
		}
		out.Add(time.Duration(w)*width, of(vs))
	}
	return out
}

// ZeroRates gives each rate in ss (a unit per second, "requests/s") that
// nothing was counted into a zero at each time of the longest series: a
// server that never completed a request has no goodput buckets, and a
// chart of its run should draw the flat zero line that is the failure,
// not an empty plot. Other series stay as they are: with nothing
// completed there is no latency to draw.
func ZeroRates(ss []Series) []Series {
	var longest []Point
	for _, s := range ss {
		if len(s.Points) > len(longest) {
			longest = s.Points
		}
	}
	for i := range ss {
		if len(ss[i].Points) > 0 || !strings.HasSuffix(ss[i].Unit, "/s") {
			continue
		}
		for _, p := range longest {
			ss[i].Add(p.T, 0)
		}
	}
	return ss
}
