package result

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
)

// Charts are the time series a test's reported run recorded (issue 25,
// item 5), for charts of the student's own run: each series is named
// "side: metric", the side "yours" for the run graded (or the name of the
// platform implementation graded) and "reference" for the reference's run
// of the same seed, where the edition has the reference. The set's
// guides are the bounds the test's checks judged, drawn on their metric's
// chart. A spread over seeds (series.Series.Spread) is not kept: these
// are one run's series.
//
// In JSON a series is compact: its values to four significant digits, and
// its times as a start and a step when they are evenly spaced (a rate per
// 100 ms bucket), else as a list, all in milliseconds of virtual time.
type Charts struct {
	Seed uint64
	// Set holds the series, the marked intervals and the guides: the
	// bounds the checks judged, in the order they were noted.
	Set series.Set
	// Note says what the charts leave out, such as the reference's curve
	// in the student edition.
	Note string
}

type chartsJSON struct {
	Seed     uint64       `json:"seed,string"`
	Note     string       `json:"note,omitempty"`
	X        string       `json:"x,omitempty"`
	XCount   bool         `json:"x_count,omitempty"`
	XTitle   string       `json:"x_title,omitempty"`
	Headline []string     `json:"headline,omitempty"`
	Marks    []markJSON   `json:"marks,omitempty"`
	Guides   []guideJSON  `json:"guides,omitempty"`
	Series   []seriesJSON `json:"series"`
}

type markJSON struct {
	From  float64 `json:"from_ms"`
	To    float64 `json:"to_ms"`
	Label string  `json:"label,omitempty"`
}

type guideJSON struct {
	Metric string  `json:"metric,omitempty"`
	Label  string  `json:"label,omitempty"`
	V      float64 `json:"v,omitempty"`
	// T and Vs are the points of a guide through points.
	T  []float64 `json:"t_ms,omitempty"`
	Vs []float64 `json:"vs,omitempty"`
}

type seriesJSON struct {
	Name  string `json:"name"`
	Unit  string `json:"unit,omitempty"`
	Count bool   `json:"count,omitempty"`
	// Start and Step give the times of evenly spaced points; T lists them
	// otherwise.
	Start *float64  `json:"start_ms,omitempty"`
	Step  float64   `json:"step_ms,omitempty"`
	T     []float64 `json:"t_ms,omitempty"`
	V     []float64 `json:"v"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func fromMS(v float64) time.Duration { return time.Duration(math.Round(v*1000)) * time.Microsecond }

// sig4 rounds v to four significant digits: a chart draws no finer.
func sig4(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 4, 64), 64)
	return r
}

// MarshalJSON writes the compact form.
func (c Charts) MarshalJSON() ([]byte, error) {
	out := chartsJSON{Seed: c.Seed, Note: c.Note, X: c.Set.X, XCount: c.Set.XCount, XTitle: c.Set.XTitle, Headline: c.Set.Headline, Series: []seriesJSON{}}
	for _, m := range c.Set.Marks {
		out.Marks = append(out.Marks, markJSON{ms(m.From), ms(m.To), m.Label})
	}
	for _, g := range c.Set.Guides {
		gj := guideJSON{Metric: g.Metric, Label: g.Label, V: sig4(g.V)}
		for _, p := range g.Points {
			gj.T, gj.Vs = append(gj.T, ms(p.T)), append(gj.Vs, sig4(p.V))
		}
		out.Guides = append(out.Guides, gj)
	}
	for _, s := range c.Set.Series {
		sj := seriesJSON{Name: s.Name, Unit: s.Unit, Count: s.Count, V: []float64{}}
		var ts []time.Duration
		for _, p := range s.Points {
			if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
				continue // JSON has no NaN; a chart draws no point there
			}
			ts = append(ts, p.T)
			sj.V = append(sj.V, sig4(p.V))
		}
		if step, ok := even(ts); ok {
			start := ms(ts[0])
			sj.Start, sj.Step = &start, ms(step)
		} else {
			for _, t := range ts {
				sj.T = append(sj.T, ms(t))
			}
		}
		out.Series = append(out.Series, sj)
	}
	return json.Marshal(out)
}

// even reports whether ts are evenly spaced (one point or more), and the
// spacing.
func even(ts []time.Duration) (time.Duration, bool) {
	if len(ts) == 0 {
		return 0, false
	}
	if len(ts) == 1 {
		return 0, true
	}
	step := ts[1] - ts[0]
	for i := 2; i < len(ts); i++ {
		if ts[i]-ts[i-1] != step {
			return 0, false
		}
	}
	return step, step > 0
}

// UnmarshalJSON reads the compact form.
func (c *Charts) UnmarshalJSON(b []byte) error {
	var in chartsJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*c = Charts{Seed: in.Seed, Note: in.Note, Set: series.Set{X: in.X, XCount: in.XCount, XTitle: in.XTitle, Headline: in.Headline}}
	for _, m := range in.Marks {
		c.Set.Marks = append(c.Set.Marks, series.Interval{From: fromMS(m.From), To: fromMS(m.To), Label: m.Label})
	}
	for _, gj := range in.Guides {
		g := series.Guide{Metric: gj.Metric, Label: gj.Label, V: gj.V}
		for i, t := range gj.T {
			if i < len(gj.Vs) {
				g.Points = append(g.Points, series.Point{T: fromMS(t), V: gj.Vs[i]})
			}
		}
		c.Set.Guides = append(c.Set.Guides, g)
	}
	for _, sj := range in.Series {
		s := series.Series{Name: sj.Name, Unit: sj.Unit, Count: sj.Count}
		for i, v := range sj.V {
			var t time.Duration
			switch {
			case sj.Start != nil:
				t = fromMS(*sj.Start + float64(i)*sj.Step)
			case i < len(sj.T):
				t = fromMS(sj.T[i])
			}
			s.Add(t, v)
		}
		c.Set.Series = append(c.Set.Series, s)
	}
	return nil
}

// Metrics lists the metrics to draw, once each: those a check judged (the
// guides') first, then the set's headline, then the rest in order of
// first appearance.
func (c *Charts) Metrics() []string {
	var out []string
	add := func(m string) {
		if m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	for _, g := range c.Set.Guides {
		add(g.Metric)
	}
	for _, m := range c.Set.Headline {
		add(m)
	}
	for _, s := range c.Set.Series {
		add(s.Metric())
	}
	return out
}
