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
		{"backwards", Chart{Title: "queue", Unit: "attempts", From: 2 * time.Second, To: time.Second, Lines: []Line{{Label: "x", Series: gap}}}},
	}
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
// terminal has it, and that it does not change the layout.
func TestTerminalColours(t *testing.T) {
	c := mustChart(t, "goodput")
	plain := Terminal(c, 80, 12, DefaultStyles())
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	coloured := Terminal(c, 80, 12, DefaultStyles())
	assert.NotEqual(t, plain, coloured)
	assert.Equal(t, plain, stripANSI(coloured))
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
			assert.Contains(t, s, "virtual time")
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
		xTicks(0, 5*time.Second, 8))
	assert.Equal(t, []time.Duration{0, 2 * time.Second, 4 * time.Second}, xTicks(0, 5*time.Second, 3))
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
