package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

// demoScreen lists the demo scenarios; Enter runs one and opens the viewer
// (on the run's charts, for a demo with time series).
type demoScreen struct {
	demos  []suite.Demo
	cursor int
	w      int
}

func (s demoScreen) update(msg tea.KeyMsg, k KeyMap) (demoScreen, tea.Cmd) {
	switch {
	case key.Matches(msg, k.Down):
		s.cursor = min(s.cursor+1, len(s.demos)-1)
	case key.Matches(msg, k.Up):
		s.cursor = max(s.cursor-1, 0)
	case key.Matches(msg, k.Open):
		if len(s.demos) > 0 {
			return s, runDemoCmd(s.demos[s.cursor])
		}
	}
	return s, nil
}

func runDemoCmd(d suite.Demo) tea.Cmd {
	return func() tea.Msg {
		buf := &trace.Buffer{}
		err := d.Run(d.Seed, buf)
		var charts []chart.Chart
		if err == nil {
			charts, err = DemoCharts(d, d.Seed)
		}
		return traceReadyMsg{buf: buf, charts: charts, err: err, title: fmt.Sprintf("demo %s · seed %d", d.Name, d.Seed)}
	}
}

// DemoCharts are the charts a demo's viewer opens on: its first two
// headline metrics (series.Set.Headline), or none for a demo without
// series (suite.Demo.Series nil).
func DemoCharts(d suite.Demo, seed uint64) ([]chart.Chart, error) {
	if d.Series == nil {
		return nil, nil
	}
	set, err := d.Series(seed)
	if err != nil {
		return nil, fmt.Errorf("demo %s with seed %d: series: %w", d.Name, seed, err)
	}
	return chart.Headline(set, 2), nil
}

func (s demoScreen) view(st Styles) string {
	var b strings.Builder
	b.WriteString(st.Title.Render("Demo scenarios") + st.Muted.Render("  a reference solution, run under faults; enter opens the run") + "\n\n")
	for i, d := range s.demos {
		if i == s.cursor {
			b.WriteString(st.Selected.Render(d.Name) + "  " + d.Title + "\n")
			for _, l := range WrapWords(d.Description, max(20, min(90, s.w-6))) {
				b.WriteString("    " + st.Muted.Render(l) + "\n")
			}
		} else {
			b.WriteString(st.Item.Render(d.Name) + "  " + st.Muted.Render(d.Title) + "\n")
		}
	}
	if len(s.demos) == 0 {
		b.WriteString(st.Muted.Render("  no demos are registered"))
	}
	return b.String()
}

// WrapWords breaks s into lines of at most w runes, at spaces.
func WrapWords(s string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > w {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}
