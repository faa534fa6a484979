package viewer

import (
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureCharts are two charts of a made-up storm: the naive side's
// goodput stays down after the slowdown and its arrivals climb.
func fixtureCharts(t *testing.T) []chart.Chart {
	set := series.Set{Marks: []series.Interval{{From: 200 * time.Millisecond, To: 300 * time.Millisecond, Label: "slowdown"}},
		Headline: []string{"goodput", "server arrivals"}}
	for _, side := range []string{"naive", "reference"} {
		good := series.Series{Name: side + ": goodput", Unit: "calls/s"}
		arr := series.Series{Name: side + ": server arrivals", Unit: "attempts/s"}
		for i := range 10 {
			at := time.Duration(i) * 50 * time.Millisecond
			g, a := 35.0, 35.0
			if at >= 200*time.Millisecond && (side == "naive" || at < 300*time.Millisecond) {
				g, a = 0, 35+float64(i*30)
			}
			good.Add(at, g)
			arr.Add(at, a)
		}
		set.Series = append(set.Series, good, arr)
	}
	cs := chart.Headline(set, 2)
	require.Len(t, cs, 2)
	return cs
}

func TestChartsToggle(t *testing.T) {
	m := New(fixture(), "fixture", true)
	m.SetSize(80, 24)
	m = keys(m, "c")
	assert.False(t, m.ShowingCharts(), "a run without charts has no charts page")
	assert.NotContains(t, m.View(), "c charts", "nor a footer key for it")

	m.SetCharts(fixtureCharts(t), true)
	assert.True(t, m.ShowingCharts(), "a run with charts opens on them")
	assert.Contains(t, m.View(), "goodput (calls/s)")
	m = keys(m, "c")
	assert.False(t, m.ShowingCharts())
	assert.Contains(t, m.View(), "event 1/")
	m = keys(m, "x", "c")
	assert.True(t, m.ShowingCharts(), "the charts keep the diagram's place")
	m = keys(m, "c")
	assert.Equal(t, "drop", string(kindAt(m)))
}

func TestGoldenCharts(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		keys []string
	}{
		{"charts-80x24", 80, 24, nil},
		{"charts-120x40", 120, 40, nil},
		{"charts-help-80x24", 80, 24, []string{"?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(fixture(), "demo fixture · seed 7", true)
			m.SetSize(tc.w, tc.h)
			m.SetCharts(fixtureCharts(t), true)
			m = keys(m, tc.keys...)
			goldenScreen(t, tc.name, m.View(), tc.w, tc.h)
		})
	}
}
