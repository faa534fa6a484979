package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readOn runs `faultline read args...` as if stdout were a w×h terminal
// (h 0: piped), and returns what was printed and what went to the pager.
func readOn(t *testing.T, w, h int, pager string, args ...string) (out, paged, pagerCmd string) {
	t.Helper()
	oldSize, oldPage := terminalSize, page
	t.Cleanup(func() { terminalSize, page = oldSize, oldPage })
	terminalSize = func() (int, int, error) { return w, h, nil }
	page = func(_ *cliEnv, cmd, text string) error {
		paged, pagerCmd = text, cmd
		return nil
	}
	var stdout, stderr bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, isTerminal: h > 0,
		getenv: func(k string) string { return map[string]string{"GLAMOUR_STYLE": "ascii", "PAGER": pager}[k] }}
	code := Run(context.Background(), env, append([]string{"read"}, args...))
	require.Equal(t, 0, code, "stderr: %s", stderr.String())
	return stdout.String(), paged, pagerCmd
}

func TestReadFitsTheTerminal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		w, h    int
		pager   string
		args    []string
		paged   bool
		want    []string // in the text shown
		notWant []string
	}{
		{"80 columns, paged with less", 80, 24, "", []string{"why-distribute"}, true,
			[]string{"After this lesson you can", "▸ Answer (faultline read why-distribute --answers shows it)", "latency works through"},
			[]string{"2,000 GB × 10", "tail-latency.md", "distribute it.Answer"}},
		{"answers shown", 80, 24, "", []string{"why-distribute", "--answers"}, true,
			[]string{"▾ **Answer**", "2,000 GB × 10 CPU-minutes"}, []string{"▸ Answer"}},
		{"$PAGER is used", 120, 40, "most", []string{"why-distribute"}, true, []string{"Why distribute at all?"}, nil},
		{"a screen taller than the lesson is not paged", 100, 5000, "", []string{"why-distribute"}, false, []string{"Why distribute at all?"}, nil},
		{"--width narrows", 120, 40, "", []string{"why-distribute", "--width", "72"}, true, []string{"Why distribute at all?"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, paged, pagerCmd := readOn(t, tc.w, tc.h, tc.pager, tc.args...)
			text := out
			if tc.paged {
				require.Empty(t, out, "a long lesson goes to the pager")
				text = paged
				assert.Equal(t, tc.pager, pagerCmd)
			} else {
				require.Empty(t, paged)
			}
			limit := tc.w
			if len(tc.args) > 2 && tc.args[1] == "--width" {
				limit = 72
			}
			for i, l := range strings.Split(text, "\n") {
				if strings.ContainsAny(l, "|+") {
					continue // tables and code art are never wrapped
				}
				assert.LessOrEqual(t, lipgloss.Width(l), limit, "line %d: %q", i, l)
			}
			for _, w := range tc.want {
				assert.Contains(t, text, w)
			}
			for _, w := range tc.notWant {
				assert.NotContains(t, text, w)
			}
			assert.NotRegexp(t, `\n *\S+ *\n *[a-z]`, text, "a lone word on a line: the text was wrapped twice")
		})
	}
}

func TestReadPipedIsPlainMarkdown(t *testing.T) {
	out, paged, _ := readOn(t, 0, 0, "", "why-distribute")
	assert.Empty(t, paged)
	assert.True(t, strings.HasPrefix(out, "# Why distribute at all?\n"))
	assert.Contains(t, out, "- Argue for or against distributing")
	assert.NotContains(t, out, "<details>")
	assert.NotContains(t, out, "2,000 GB × 10")
	out, _, _ = readOn(t, 0, 0, "", "why-distribute", "--answers")
	assert.Contains(t, out, "2,000 GB × 10")
}
