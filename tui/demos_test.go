package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stormDemo is the tiny demo with time series: the naive side's goodput
// stays at zero after a slowdown.
func stormDemo() suite.Demo {
	return suite.Demo{Name: "storm", Title: "A storm", Description: "Goodput falls and stays down.", Seed: 1,
		Run: func(seed uint64, sink trace.Sink) error { return replayInto(seed, sink) },
		Series: func(uint64) (series.Set, error) {
			set := series.Set{Marks: []series.Interval{{From: time.Second, To: 2 * time.Second, Label: "slowdown"}}}
			for _, side := range []string{"naive", "reference"} {
				s := series.Series{Name: side + ": goodput", Unit: "calls/s"}
				for i := range 8 {
					v := 35.0
					if i >= 2 && (side == "naive" || i < 4) {
						v = 0
					}
					s.Add(time.Duration(i)*500*time.Millisecond, v)
				}
				set.Series = append(set.Series, s)
			}
			return set, nil
		}}
}

func TestDemoWithSeriesOpensOnCharts(t *testing.T) {
	a := New(Options{Course: course(t), Labs: []*suite.Lab{fakeLab}, Runner: fakeRunner(), Style: "ascii",
		Demos: []suite.Demo{stormDemo()}})
	m, _ := a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	a = send(t, m.(App), keys("d", "enter")...)
	require.Equal(t, screenViewer, a.screen)
	require.True(t, a.viewer.ShowingCharts())
	goldenScreen(t, "demo-charts-80x24", a.View(), 80, 24)

	a = send(t, a, keys("c")...)
	assert.False(t, a.viewer.ShowingCharts(), "c shows the space-time diagram")
	assert.Contains(t, a.View(), "demo storm · seed 1")
	a = send(t, a, keys("c")...)
	assert.True(t, a.viewer.ShowingCharts())
}

func TestDemoCharts(t *testing.T) {
	charts, err := DemoCharts(stormDemo(), 1)
	require.NoError(t, err)
	require.Len(t, charts, 1)
	assert.Equal(t, "goodput", charts[0].Title)

	charts, err = DemoCharts(suite.Demo{Name: "plain"}, 1)
	assert.NoError(t, err)
	assert.Empty(t, charts, "a demo without series has no charts")
}
