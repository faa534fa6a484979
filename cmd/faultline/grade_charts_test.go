package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/series"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// ownRun is a fixed result of a failing overload test with charts: the
// student's queue grows past its bound while the reference's stays low.
func ownRun(note string, sides ...string) *result.Result {
	set := series.Set{Headline: []string{"goodput", "queue length"},
		Marks:  []series.Interval{{From: time.Second, To: 2 * time.Second, Label: "3× load"}},
		Guides: []series.Guide{{Metric: "queue length", Label: "bound ≤ 20", V: 20}}}
	for i, side := range sides {
		good := series.Series{Name: side + ": goodput", Unit: "requests/s"}
		queue := series.Series{Name: side + ": queue length", Unit: "requests"}
		for k := range 40 {
			at := time.Duration(k) * 100 * time.Millisecond
			load := 1.0
			if at >= time.Second && at < 2*time.Second {
				load = 3
			}
			good.Add(at, 180-float64(i)*20*load+float64(k%3))
			queue.Add(at, load*float64(5+k%4)*float64(1+4*(1-i)))
		}
		set.Series = append(set.Series, good, queue)
	}
	return &result.Result{Lab: "queue", Impl: "student", Status: result.Fail, Tests: []result.Test{
		{Name: "Recovery", Status: result.Fail, Seed: 42, Charts: &result.Charts{Seed: 42, Set: set, Note: note}},
		{Name: "Underload", Status: result.Pass, Seed: 7},
	}}
}

// TestOwnChartsGolden: the charts of a failing test, drawn without colour
// at 80 columns (each line in its own glyph), as `faultline grade` prints
// them under the report.
func TestOwnChartsGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		res  *result.Result
	}{
		{"beside-the-reference", ownRun("", "yours", "reference")},
		{"student-edition", ownRun("the reference's curve for this seed is drawn only in the instructor edition; here: your run and the bounds the checks judged", "yours")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			writeOwnCharts(&b, tc.res, false, false)
			got := b.String()
			for _, line := range strings.Split(got, "\n") {
				assert.LessOrEqual(t, utf8.RuneCountInString(line), chartWidth, "fits %d columns: %q", chartWidth, line)
			}
			assert.NotContains(t, got, "\x1b[", "no colour when not a terminal")
			path := filepath.Join("testdata", "grade-charts-"+tc.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestOwnChartsGolden -update to create it")
			assert.Equal(t, string(want), got)
		})
	}
}

// TestGradeDrawsTheOwnRun: a failing overload test draws its run beside the
// reference's under the text report, the JSON report carries the series,
// and the charts are written as SVG beside it, named by test and seed; a
// test that passes draws nothing unless --charts asks.
func TestGradeDrawsTheOwnRun(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		drawn  bool
		legend string
	}{
		{"a failing test", []string{"--impl", "mutant:unbounded-queue", "--run", "^Goodput2x$"}, 1, true, "• mutant:unbounded-queue  × reference"},
		{"a passing test", []string{"--impl", "solution", "--run", "^Goodput2x$"}, 0, false, ""},
		{"a passing test with --charts", []string{"--impl", "solution", "--run", "^Goodput2x$", "--charts"}, 0, true, "• reference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"grade", "queue", "--seeds", "1", "--no-shrink", "--trace-dir", dir, "--json", filepath.Join(dir, "r.json")}, tc.args...)
			code, out, errOut := runCLI(args...)
			require.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			b, err := os.ReadFile(filepath.Join(dir, "r.json"))
			require.NoError(t, err)
			var res result.Result
			require.NoError(t, json.Unmarshal(b, &res))
			require.Len(t, res.Tests, 1)
			tr := res.Tests[0]
			svgs, _ := filepath.Glob(filepath.Join(dir, "queue-Goodput2x-*.svg"))
			if !tc.drawn {
				assert.Nil(t, tr.Charts)
				assert.Empty(t, svgs)
				assert.NotContains(t, out, "queue length (requests)")
				return
			}
			require.NotNil(t, tr.Charts)
			assert.Equal(t, tr.Seed, tr.Charts.Seed)
			assert.Contains(t, out, "queue length (requests)")
			assert.Contains(t, out, tc.legend)
			assert.Contains(t, out, "··· bound ≤ ", "the judged bound is marked")
			assert.Len(t, svgs, chartsShown)
			assert.FileExists(t, filepath.Join(dir, "queue-Goodput2x-"+strings.TrimSpace(jsonSeed(tr.Seed))+"-queue-length.svg"))
			assert.ElementsMatch(t, svgs, tr.Artifacts, "the report lists every SVG")
		})
	}
}

func jsonSeed(seed uint64) string { b, _ := json.Marshal(seed); return string(b) }

// TestOwnChartsFirstOnly: without --charts only the first test's charts are
// drawn, and the others are named with the commands that draw them; with
// --charts every test's are.
func TestOwnChartsFirstOnly(t *testing.T) {
	res := ownRun("", "yours", "reference")
	second := res.Tests[0]
	second.Name = "Goodput5x"
	res.Tests = append(res.Tests, second)
	var b bytes.Buffer
	writeOwnCharts(&b, res, false, false)
	assert.Equal(t, 1, strings.Count(b.String(), "· seed 42 ·"), "one test drawn")
	assert.Contains(t, b.String(), "not drawn, the charts of 1 more test: Goodput5x")
	assert.Contains(t, b.String(), "faultline grade queue --run '^Goodput5x$'")
	b.Reset()
	writeOwnCharts(&b, res, false, true)
	assert.Equal(t, 2, strings.Count(b.String(), "· seed 42 ·"), "--charts draws both")
	assert.NotContains(t, b.String(), "not drawn")
}
