package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chartDemo is fakeDemo with time series: two sides, a marked slowdown.
func chartDemo(name string) (suite.Demo, error) {
	d, err := fakeDemo(name)
	if err != nil {
		return d, err
	}
	d.Series = func(seed uint64) (series.Set, error) {
		set := series.Set{Marks: []series.Interval{{From: time.Second, To: 2 * time.Second, Label: "slowdown"}}}
		for i, side := range []string{"naive", "reference"} {
			s := series.Series{Name: side + ": goodput", Unit: "calls/s"}
			for t := time.Duration(0); t < 4*time.Second; t += 500 * time.Millisecond {
				v := 30.0
				if t >= time.Second && (i == 0 || t < 2*time.Second) {
					v = float64(seed)
				}
				s.Add(t, v)
			}
			set.Series = append(set.Series, s)
		}
		return set, nil
	}
	return d, nil
}

const chartLesson = "---\ntitle: Second\nslug: second\nsummary: s.\n---\nText.\n\n```faultline-chart\nscenario: fake\nseed: 2\nseries: %s\ncaption: The naive side stays down.\n```\n\n## The end\n"

func TestBuildChart(t *testing.T) {
	tests := []struct {
		name   string
		series string
		demo   func(string) (suite.Demo, error)
		err    string
	}{
		{"drawn", "goodput", chartDemo, ""},
		{"unknown metric", "queue", chartDemo, `lessons/02-second.md:8: demo fake: no series "queue" (there are: goodput)`},
		{"demo without series", "goodput", fakeDemo, "lessons/02-second.md:8: demo fake has no time series to chart"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			c := loadFixture(t, map[string]string{"lessons/02-second.md": strings.Replace(chartLesson, "%s", tt.series, 1)})
			st, err := Build(Options{Out: out, Course: c, Demo: tt.demo})
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 1, st.Charts)
			page, err := os.ReadFile(filepath.Join(out, "second.html"))
			require.NoError(t, err)
			html := string(page)
			for _, want := range []string{`<figure class="chart">`, `<svg xmlns="http://www.w3.org/2000/svg" class="ch"`,
				`>naive</text>`, `>slowdown 1s–2s</text>`, "The naive side stays down.", "faultline demo fake --seed 2"} {
				assert.Contains(t, html, want)
			}
			assert.NotContains(t, html, "faultline-chart")
		})
	}
}

// BenchmarkChartBlock is what one chart block of lesson 4 costs the site
// build: run the backoff-storm demo for its series (untraced) and draw two
// SVG charts. A build runs each (scenario, seed) once and caches it.
func BenchmarkChartBlock(b *testing.B) {
	spec := content.Chart{Scenario: "backoff-storm", Seed: 1, Series: content.Names{"server arrivals", "goodput"}, Caption: "c"}
	b.ReportAllocs()
	for range b.N {
		if _, err := newCharts(suite.LookupDemo).draw(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChartDraw is the drawing alone, from a cached run.
func BenchmarkChartDraw(b *testing.B) {
	spec := content.Chart{Scenario: "backoff-storm", Seed: 1, Series: content.Names{"server arrivals", "goodput"}, Caption: "c"}
	c := newCharts(suite.LookupDemo)
	if _, err := c.draw(spec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.draw(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBuildChartSeeds: a block with seeds: N draws the median of N runs
// with their spread, and its caption points at one of them.
func TestBuildChartSeeds(t *testing.T) {
	out := t.TempDir()
	lesson := strings.Replace(strings.Replace(chartLesson, "%s", "goodput", 1), "seed: 2\n", "seed: 2\nseeds: 3\n", 1)
	lesson = strings.Replace(lesson, "The naive side stays down.", "The naive side stays down in 3 seeds.", 1)
	c := loadFixture(t, map[string]string{"lessons/02-second.md": lesson})
	_, err := Build(Options{Out: out, Course: c, Demo: chartDemo})
	require.NoError(t, err)
	page, err := os.ReadFile(filepath.Join(out, "second.html"))
	require.NoError(t, err)
	html := string(page)
	for _, want := range []string{`class="ch-band ch-band-0"`, ">min–max over 3 seeds (line: median)</text>",
		"faultline demo fake --seed 2</code> opens on the charts of one of these 3 seeds"} {
		assert.Contains(t, html, want)
	}
}
