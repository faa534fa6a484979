package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii) // goldens hold text, not colours
	os.Exit(m.Run())
}

const ms = time.Millisecond

// storm is a made-up set shaped like the backoff-storm demo: both sides
// track the offered 35 calls/s, a slowdown from 2 s to 3 s, then the naive
// side's goodput stays at zero while its arrivals climb, and the
// reference's come back.
func storm() series.Set {
	var set series.Set
	for _, side := range []string{"naive", "reference"} {
		good := series.Series{Name: side + ": goodput", Unit: "calls/s"}
		arr := series.Series{Name: side + ": server arrivals", Unit: "attempts/s"}
		for t := time.Duration(0); t < 5*time.Second; t += 100 * ms {
			g, a := 35.0, 36.0
			switch {
			case t >= 2*time.Second && t < 3*time.Second:
				g, a = 5, 60
				if side == "naive" {
					a = 200
				}
			case t >= 3*time.Second && side == "naive":
				g, a = 0, 300+float64(t-3*time.Second)/float64(10*ms)
			case t >= 3*time.Second && t < 3500*ms:
				g, a = 50, 45
			}
			good.Add(t, g)
			arr.Add(t, a)
		}
		set.Series = append(set.Series, good, arr)
	}
	set.Marks = []series.Interval{{From: 2 * time.Second, To: 3 * time.Second, Label: "slowdown"}}
	return set
}

func mustChart(t *testing.T, metric string) Chart {
	c, err := ForMetric(storm(), metric)
	require.NoError(t, err)
	return c
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./grader/chart -update to create %s", path)
	assert.Equal(t, string(want), string(got), "%s differs; rerun with -update and review the diff", path)
}

func charts(t *testing.T) []struct {
	name string
	c    Chart
} {
	gap := series.Series{Name: "p99 latency", Unit: "ms"}
	for i, v := range []float64{120, 130, math.NaN(), 900, 850, 140} {
		gap.Add(time.Duration(i)*200*ms, v)
	}
	return []struct {
		name string
		c    Chart
	}{
		{"goodput", mustChart(t, "goodput")},
		{"arrivals", mustChart(t, "server arrivals")},
		{"gap", Chart{Title: "p99 latency", Unit: "ms", Lines: []Line{{Label: "reference", Series: gap}}}},
		{"empty", Chart{Title: "queue", Unit: "attempts"}},
		{"seeds", seedsChart(t)},
		{"groups", groupsChart(t)},
		{"backwards", Chart{Title: "queue", Unit: "attempts", From: 2 * time.Second, To: time.Second, Lines: []Line{{Label: "x", Series: gap}}}},
	}
}

// seedsChart is the storm's goodput over three made-up seeds: median
// lines with their spread, the offered load as a guide, and an instant a
// check judged.
func seedsChart(t testing.TB) Chart {
	set, err := series.OverSeeds(func(seed uint64) (series.Set, error) {
		set := storm()
		for i := range set.Series {
			for j := range set.Series[i].Points {
				set.Series[i].Points[j].V *= 0.9 + 0.1*float64(seed)
			}
		}
		set.Guides = []series.Guide{{Metric: "goodput", Label: "offered 35/s", V: 35}}
		set.Marks = append(set.Marks, series.Interval{From: 4 * time.Second, To: 4 * time.Second, Label: "judged"})
		return set, nil
	}, 1, 3)
	require.NoError(t, err)
	c, err := ForMetric(set, "goodput")
	require.NoError(t, err)
	return c
}

// groupsChart is throughput against a count of replica groups: whole
// numbers on the x axis, with y = 200x as a guide.
func groupsChart(t *testing.T) Chart {
	spread := series.Series{Name: "keys over every shard: throughput", Unit: "ops/s"}
	hot := series.Series{Name: "one hot key: throughput", Unit: "ops/s"}
	for g, v := range []float64{200, 390, 520} {
		spread.Add(series.AtX(float64(g+1)), v)
		hot.Add(series.AtX(float64(g+1)), 200)
	}
	set := series.Set{Series: []series.Series{spread, hot}, X: "%v", XTitle: "replica groups", XCount: true,
		Guides: []series.Guide{{Label: "200 per group", Points: []series.Point{{T: series.AtX(1), V: 200}, {T: series.AtX(3), V: 600}}}}}
	c, err := ForMetric(set, "throughput")
	require.NoError(t, err)
	return c
}

func TestTerminal(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}, {80, 10}, {30, 6}, {19, 4}}
	for _, tt := range charts(t) {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s-%dx%d", tt.name, sz.w, sz.h), func(t *testing.T) {
				got := Terminal(tt.c, sz.w, sz.h, DefaultStyles())
				rows := strings.Split(got, "\n")
				require.Len(t, rows, sz.h, "exactly h rows")
				for i, r := range rows {
					assert.Equal(t, sz.w, lipgloss.Width(r), "row %d is %q", i, r)
				}
				standard := sz == (struct{ w, h int }{80, 24}) || sz == (struct{ w, h int }{120, 40})
				if tt.name != "backwards" && (standard || tt.name != "empty" && sz.h >= 10) {
					golden(t, fmt.Sprintf("%s-%dx%d.golden", tt.name, sz.w, sz.h), []byte(got+"\n"))
				}
			})
		}
	}
}

// TestTerminalColours checks that colour reaches the output when the
// terminal has it, and that lines are then braille dots told apart by
// colour; without colour each line has its own glyph, named in the
// legend. The coloured charts, stripped of colour, are goldens too.
func TestTerminalColours(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    Chart
	}{{"goodput", mustChart(t, "goodput")}, {"seeds", seedsChart(t)}} {
		t.Run(tt.name, func(t *testing.T) {
			plain := Terminal(tt.c, 80, 12, DefaultStyles())
			assert.Equal(t, plain, Terminal(tt.c, 80, 12, Styles{}), "no line styles is no colour")
			assert.Contains(t, plain, "• naive")
			assert.Contains(t, plain, "× reference")
			assert.NotContains(t, plain, "━━ ")
			lipgloss.SetColorProfile(termenv.TrueColor)
			defer lipgloss.SetColorProfile(termenv.Ascii)
			coloured := Terminal(tt.c, 80, 12, DefaultStyles())
			assert.NotEqual(t, plain, coloured)
			stripped := stripANSI(coloured)
			assert.Contains(t, stripped, "━━ naive")
			assert.NotContains(t, stripped, "•")
			assert.Equal(t, strings.Count(plain, "\n"), strings.Count(stripped, "\n"))
			for i, r := range strings.Split(stripped, "\n") {
				assert.Equal(t, 80, lipgloss.Width(r), "row %d", i)
			}
			golden(t, tt.name+"-colour-80x12.golden", []byte(stripped+"\n"))
		})
	}
}

// TestSeedsAndGuides checks what a multi-seed chart shows: the spread in
// the legend with the seed count, the guide, the judged instant, and the
// band in both renderings.
func TestSeedsAndGuides(t *testing.T) {
	c := seedsChart(t)
	require.Equal(t, 3, c.Seeds)
	require.Len(t, c.Guides, 1)
	require.NotEmpty(t, c.Lines[0].Series.Spread)
	term := Terminal(c, 120, 24, Styles{})
	for _, want := range []string{"░ min–max over 3 seeds (line: median)", "··· offered 35/s", "┊ judged 4s", "┊━┊ slowdown 2s–3s"} {
		assert.Contains(t, term, want)
	}
	svg := string(SVG(c))
	for _, want := range []string{`class="ch-band ch-band-0"`, `class="ch-band ch-band-1"`, `class="ch-guide"`, ">offered 35/s</text>",
		">min–max over 3 seeds (line: median)</text>", ">judged 4s</text>", `stroke-dasharray="4 3"`} {
		assert.Contains(t, svg, want)
	}
	// The metric without a guide gets none.
	set := storm()
	set.Guides = []series.Guide{{Metric: "goodput", V: 35}}
	arr, err := ForMetric(set, "server arrivals")
	require.NoError(t, err)
	assert.Empty(t, arr.Guides)
}

// TestCountAxes: a count has whole-number ticks on either axis.
func TestCountAxes(t *testing.T) {
	c := groupsChart(t)
	assert.True(t, c.XCount)
	from, to := c.xRange()
	assert.Equal(t, []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second}, c.xTicks(from, to, 8))
	assert.NotContains(t, string(SVG(c)), ">0.5</text>")
	assert.NotContains(t, Terminal(c, 120, 20, Styles{}), "1.5")

	q := series.Series{Name: "queue", Unit: "requests", Count: true, Points: []series.Point{{T: 0, V: 0}, {T: time.Second, V: 2}}}
	qc, err := ForMetric(series.Set{Series: []series.Series{q}}, "queue")
	require.NoError(t, err)
	assert.True(t, qc.YCount)
	assert.Equal(t, []float64{0, 1, 2}, qc.yTicks(5))
	q.Count = false
	qc, err = ForMetric(series.Set{Series: []series.Series{q}}, "queue")
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 0.5, 1, 1.5, 2}, qc.yTicks(5))
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestSVG(t *testing.T) {
	for _, tt := range charts(t) {
		t.Run(tt.name, func(t *testing.T) {
			got := SVG(tt.c)
			assert.Equal(t, got, SVG(tt.c), "deterministic")
			dec := xml.NewDecoder(bytes.NewReader(got))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				require.NoError(t, err, "well-formed XML")
			}
			s := string(got)
			assert.Contains(t, s, `viewBox="0 0 440 `)
			assert.Contains(t, s, `width="100%"`)
			assert.Contains(t, s, ">"+tt.c.xTitle()+"</text>")
			assert.NotContains(t, s, "NaN")
			if tt.name != "backwards" {
				golden(t, tt.name+".svg", got)
			}
		})
	}
}

func TestForMetric(t *testing.T) {
	c, err := ForMetric(storm(), "goodput")
	require.NoError(t, err)
	assert.Equal(t, "calls/s", c.Unit)
	require.Len(t, c.Lines, 2)
	assert.Equal(t, "naive", c.Lines[0].Label)
	assert.Equal(t, "reference", c.Lines[1].Label)
	assert.Len(t, c.Marks, 1)

	_, err = ForMetric(storm(), "queue")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "goodput, server arrivals")
}

func TestHeadline(t *testing.T) {
	set := storm()
	titles := func(cs []Chart) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Title)
		}
		return out
	}
	assert.Equal(t, []string{"goodput", "server arrivals"}, titles(Headline(set, 5)))
	set.Headline = []string{"server arrivals", "no such metric"}
	assert.Equal(t, []string{"server arrivals"}, titles(Headline(set, 1)))
	assert.Equal(t, []string{"server arrivals", "goodput"}, titles(Headline(set, 5)))
}

func TestTicks(t *testing.T) {
	tests := []struct {
		name string
		top  float64
		n    int
		want []float64
	}{
		{"calls", 38, 5, []float64{0, 10, 20, 30, 40}},
		{"round top", 40, 5, []float64{0, 10, 20, 30, 40}},
		{"small", 0.7, 3, []float64{0, 0.5, 1}},
		{"nothing", 0, 3, []float64{0, 0.5, 1}},
		{"storm", 333, 5, []float64{0, 100, 200, 300, 400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Chart{Lines: []Line{{Series: series.Series{Points: []series.Point{{T: 0, V: tt.top}, {T: time.Second, V: 0}}}}}}
			assert.InDeltaSlice(t, tt.want, c.yTicks(tt.n), 1e-9)
		})
	}
	assert.Equal(t, []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second},
		Chart{}.xTicks(0, 5*time.Second, 8))
	assert.Equal(t, []time.Duration{0, 2 * time.Second, 4 * time.Second}, Chart{}.xTicks(0, 5*time.Second, 3))
}

func BenchmarkSVG(b *testing.B) {
	c, err := ForMetric(storm(), "server arrivals")
	require.NoError(b, err)
	b.ReportAllocs()
	for range b.N {
		SVG(c)
	}
}

func BenchmarkTerminal(b *testing.B) {
	c, err := ForMetric(storm(), "server arrivals")
	require.NoError(b, err)
	b.ReportAllocs()
	for range b.N {
		Terminal(c, 80, 24, DefaultStyles())
	}
}

// TestCurveAxis: a set over another quantity than time (series.Set.X)
// labels its x ticks with that quantity and names the axis.
func TestCurveAxis(t *testing.T) {
	s := series.Series{Name: "fifo: goodput", Unit: "× capacity"}
	for _, x := range []float64{0.5, 1, 2, 3} {
		s.Add(series.AtX(x), 1/x)
	}
	c, err := ForMetric(series.Set{Series: []series.Series{s}, X: "%v×", XTitle: "offered load"}, "goodput")
	require.NoError(t, err)
	svg := string(SVG(c))
	assert.Contains(t, svg, ">1×</text>")
	assert.Contains(t, svg, ">offered load</text>")
	assert.Contains(t, svg, "goodput (× capacity) against offered load")
	term := Terminal(c, 60, 12, Styles{})
	assert.Contains(t, term, "2×")
	assert.NotContains(t, term, "2s")
}

// BenchmarkSVGSeeds and BenchmarkTerminalSeeds draw a chart over three
// seeds: two median lines with their bands, a guide, a marked interval and
// an instant.
func BenchmarkSVGSeeds(b *testing.B) {
	c := seedsChart(b)
	b.ReportAllocs()
	for range b.N {
		SVG(c)
	}
}

func BenchmarkTerminalSeeds(b *testing.B) {
	c := seedsChart(b)
	b.ReportAllocs()
	for range b.N {
		Terminal(c, 80, 24, DefaultStyles())
	}
}
