package tui

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/pingpong/pingponglab" // a lab with a search model
)

// brokenCharts are the charts fakeLab's Broken test records: the
// student's queue grows past its bound, the reference's stays low.
func brokenCharts(note string, sides ...string) *result.Charts {
	set := series.Set{Headline: []string{"goodput", "queue length", "p99 latency"},
		Marks:  []series.Interval{{From: time.Second, To: 2 * time.Second, Label: "3× load"}},
		Guides: []series.Guide{{Metric: "queue length", Label: "bound ≤ 20", V: 20}}}
	for i, side := range sides {
		good := series.Series{Name: side + ": goodput", Unit: "requests/s"}
		queue := series.Series{Name: side + ": queue length", Unit: "requests"}
		p99 := series.Series{Name: side + ": p99 latency", Unit: "ms"}
		for k := range 40 {
			at := time.Duration(k) * 100 * time.Millisecond
			load := 1.0
			if at >= time.Second && at < 2*time.Second {
				load = 3
			}
			good.Add(at, 180-float64(1-i)*20*load+float64(k%3))
			queue.Add(at, load*float64(5+k%4)*float64(1+4*(1-i)))
			p99.Add(at, 40*load*float64(2-i))
		}
		set.Series = append(set.Series, good, queue, p99)
	}
	return &result.Charts{Seed: 7, Set: set, Note: note}
}

// chartsRunner is fakeRunner whose Broken test recorded charts.
func chartsRunner(c *result.Charts) Runner {
	r := fakeRunner()
	run := r.Run
	r.Run = func(lab *suite.Lab, t *suite.Test, impl string) TestResult {
		res := run(lab, t, impl)
		if t.Name == "Broken" {
			res.Charts = c
		}
		return res
	}
	return r
}

func chartsApp(t *testing.T, w, h int, c *result.Charts) App {
	a := newApp(t, w, h)
	a.opts.Runner = chartsRunner(c)
	// Open the lab, run every test, select Broken.
	return send(t, a, keys("down", "down", "enter", "a", "down")...)
}

// TestLabChartsKey: c shows the charts of the selected test's last run; the
// footer and the ? page offer c only for a test that has charts.
func TestLabChartsKey(t *testing.T) {
	a := chartsApp(t, 80, 24, brokenCharts("", "yours", "reference"))
	require.Equal(t, screenLab, a.screen)
	require.NotNil(t, a.lab.charts())
	assert.Contains(t, a.View(), "c charts", "the footer offers c on a test with charts")
	help := send(t, a, keys("?")...).View()
	assert.Contains(t, help, "c charts of the test's last run")

	works := send(t, a, keys("up")...)
	assert.NotContains(t, works.View(), "c charts", "no charts, no c")
	assert.NotContains(t, send(t, works, keys("?")...).View(), "c charts of")
	works = send(t, works, keys("c")...)
	assert.Equal(t, screenLab, works.screen)
	assert.Contains(t, works.View(), "no charts for this test yet")

	a = send(t, a, keys("c")...)
	require.Equal(t, screenCharts, a.screen)
	view := a.View()
	assert.Contains(t, view, "charts · tuifake/Broken · solution · seed 7 (failed)")
	assert.Contains(t, view, "queue length (requests)", "the judged metric first")
	assert.Contains(t, view, "yours")
	assert.Contains(t, view, "reference")
	assert.Contains(t, view, "bound ≤ 20")
	assert.Contains(t, view, "charts 1–2 of 3")
	a = send(t, a, keys("down")...)
	assert.Contains(t, a.View(), "charts 2–3 of 3")
	a = send(t, a, keys("esc")...)
	assert.Equal(t, screenLab, a.screen)
}

func TestGoldenLabCharts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		w, h   int
		charts *result.Charts
		keys   []string
	}{
		{"lab-with-charts-80x24", 80, 24, brokenCharts("", "yours", "reference"), nil},
		{"charts-80x24", 80, 24, brokenCharts("", "yours", "reference"), []string{"c"}},
		{"charts-120x40", 120, 40, brokenCharts("", "yours", "reference"), []string{"c"}},
		{"charts-student-edition-80x24", 80, 24, brokenCharts("the reference's curve for this seed is drawn only in the instructor edition", "yours"), []string{"c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := send(t, chartsApp(t, tc.w, tc.h, tc.charts), keys(tc.keys...)...)
			goldenScreen(t, tc.name, a.View(), tc.w, tc.h)
		})
	}
}

// TestLabExploreKey: x opens the model checker's explorer of a lab with a
// search model, for one of the platform's implementations, and q comes
// back to the lab; a lab without a model, or the student's code, says why
// not, and no footer offers x there.
func TestLabExploreKey(t *testing.T) {
	a := newApp(t, 80, 24)
	a, _ = a.openLab("pingpong")
	require.Equal(t, screenLab, a.screen)
	require.Equal(t, "solution", a.lab.impls[a.lab.impl])
	assert.Contains(t, a.View(), "x explore")
	a = send(t, a, keys("x")...)
	require.Equal(t, screenExplorer, a.screen, a.err)
	assert.Contains(t, a.View(), "pingpong exactly-once (solution)")
	a = send(t, a, keys("q")...)
	assert.Equal(t, screenLab, a.screen, "q leaves the embedded explorer, not the app")

	a.lab.impls, a.lab.impl = []string{"student"}, 0
	assert.NotContains(t, a.View(), "x explore", "not offered for code the explorer cannot run")
	a = send(t, a, keys("x")...)
	assert.Equal(t, screenLab, a.screen)
	assert.Contains(t, a.View(), "the explorer runs the model in this process")

	fake := send(t, newApp(t, 80, 24), keys("down", "down", "enter")...)
	require.Equal(t, screenLab, fake.screen)
	assert.NotContains(t, fake.View(), "x explore")
	fake = send(t, fake, keys("x")...)
	assert.Equal(t, screenLab, fake.screen)
	assert.Contains(t, fake.View(), `lab "tuifake" has no search model`)
}

// recLab's test records a series and fails for the mutant: what the
// engine's runner hands the lab screen for c.
var recLab = &suite.Lab{
	Name: "tuirecord", Title: "Recording lab",
	Tests: []suite.Test{{Name: "Records", Points: 1, Seeds: 2, Run: func(t *suite.T) {
		t.Record(func() series.Set {
			return series.Set{Series: []series.Series{{Name: "queue length", Unit: "requests", Points: []series.Point{{T: 0, V: 1}, {T: time.Second, V: 30}}}}}
		})
		t.Guide(series.Guide{Metric: "queue length", Label: "bound ≤ 20", V: 20})
		if t.Impl() == "bad" {
			t.Fatalf("the queue grew to 30")
		}
	}}},
	Solution: "good",
	Mutants:  []suite.Mutant{{Name: "bad", Impl: "bad"}},
}

// TestEngineRunnerKeepsTheCharts: the engine's runner returns the charts
// of a test's last run, failing or passing, beside the reference's.
func TestEngineRunnerKeepsTheCharts(t *testing.T) {
	r := EngineRunner(nil)
	for _, tc := range []struct {
		impl   string
		want   []string
		passed bool
	}{
		{"mutant:bad", []string{"mutant:bad: queue length", "reference: queue length"}, false},
		{"solution", []string{"reference: queue length"}, true},
	} {
		t.Run(tc.impl, func(t *testing.T) {
			res := r.Run(recLab, &recLab.Tests[0], tc.impl)
			assert.Equal(t, tc.passed, res.Passed, res.Message)
			require.NotNil(t, res.Charts)
			var names []string
			for _, s := range res.Charts.Set.Series {
				names = append(names, s.Name)
			}
			assert.Equal(t, tc.want, names)
			assert.Equal(t, res.Seed, res.Charts.Seed)
		})
	}
}
