package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/report"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/tui"
)

// The student's own run, drawn (issue 25, item 5): a failing overload or
// hot-shard test (any such test with --charts) carries the series its
// reported run recorded, beside the reference's run of the same seed
// (grader/run, charts.go). grade draws them in the terminal under the
// report, and writes them as SVG beside the --out or --json report.

// Terminal charts fit 80 columns; four metrics at most per test (goodput,
// attempts or queue, latency): the ones a check judged first.
const (
	chartWidth  = 80
	chartHeight = 12
	chartsShown = 4
)

// testCharts returns the charts of one test's recorded run, n at most:
// the metrics a check judged first (result.Charts.Metrics).
func testCharts(c *result.Charts, n int) []chart.Chart {
	var out []chart.Chart
	for _, m := range c.Metrics() {
		if len(out) == n {
			break
		}
		if ch, err := chart.ForMetric(c.Set, m); err == nil {
			out = append(out, ch)
		}
	}
	return out
}

// writeOwnCharts draws, after the text report, the charts of the first
// test that carries them, or with all (--charts) of every such test: in
// colour on a terminal, else each line in its own glyph (chart.Styles{}),
// each row at most chartWidth cells. A starter fails every overload test,
// and forty charts would bury the report: the others are named, with the
// commands that draw them.
func writeOwnCharts(w io.Writer, res *result.Result, color, all bool) {
	st := chart.Styles{}
	if color {
		st = chart.DefaultStyles()
	}
	drawn := 0
	var more []string
	for _, t := range res.Tests {
		c := t.Charts
		if c == nil {
			continue
		}
		if drawn > 0 && !all {
			more = append(more, t.Name)
			continue
		}
		drawn++
		status := "failed"
		if t.Status == result.Pass {
			status = "passed"
		}
		fmt.Fprintf(w, "\n%s %s · seed %d · %s\n%s\n", res.Lab, t.Name, c.Seed, status, sidesSaid(c))
		for _, ch := range testCharts(c, chartsShown) {
			fmt.Fprintf(w, "\n%s\n", chart.Terminal(ch, chartWidth, chartHeight, st))
		}
		if c.Note != "" {
			label := "\n  note: "
			for _, line := range tui.WrapWords(report.PrintableLine(c.Note), chartWidth-8) {
				fmt.Fprintf(w, "%s%s\n", label, line)
				label = "        "
			}
		}
	}
	if len(more) > 0 {
		tests := "tests"
		if len(more) == 1 {
			tests = "test"
		}
		fmt.Fprintf(w, "\nnot drawn, the charts of %d more %s: %s\n  all: faultline grade %s --charts\n  one: faultline grade %s --run '^%s$'\n",
			len(more), tests, strings.Join(more, ", "), res.Lab, res.Lab, more[0])
	}
}

// sidesSaid names the runs a test's charts draw.
func sidesSaid(c *result.Charts) string {
	var sides []string
	for _, s := range c.Set.Series {
		if side := s.Side(); side != "" && !slices.Contains(sides, side) {
			sides = append(sides, side)
		}
	}
	name := func(side string) string {
		switch side {
		case "yours":
			return "your run"
		case "reference":
			return "the reference's run"
		}
		return side + "'s run"
	}
	var said string
	switch {
	case len(sides) == 2 && sides[1] == "reference":
		said = name(sides[0]) + " beside the reference's for the same seed"
	case len(sides) > 0:
		var names []string
		for _, s := range sides {
			names = append(names, name(s))
		}
		said = strings.Join(names, " beside ")
	default:
		said = "the run"
	}
	return said + "; the bounds judged are marked"
}

// writeChartSVGs writes the charts the terminal draws of every test that
// carries them into dir, named by lab, test, seed and metric, and lists
// each file among the test's artifacts (so the report names it). It
// returns the first error.
func writeChartSVGs(dir string, res *result.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write the charts as SVG: %w", err)
	}
	for i := range res.Tests {
		t := &res.Tests[i]
		if t.Charts == nil {
			continue
		}
		for _, ch := range testCharts(t.Charts, chartsShown) {
			path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d-%s.svg", res.Lab, t.Name, t.Charts.Seed, slug(ch.Title)))
			if err := os.WriteFile(path, chart.SVG(ch), 0o644); err != nil {
				return fmt.Errorf("write the charts as SVG: %w", err)
			}
			t.Artifacts = append(t.Artifacts, path)
		}
	}
	return nil
}

// slug makes a metric's name a file name: "p99 latency" → "p99-latency",
// "throughput, one hot key" → "throughput-one-hot-key".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// hasCharts reports whether any test of res carries charts.
func hasCharts(res *result.Result) bool {
	return slices.ContainsFunc(res.Tests, func(t result.Test) bool { return t.Charts != nil })
}
