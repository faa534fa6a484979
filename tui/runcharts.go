package tui

import (
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/report"
	"github.com/faultline-dev/faultline/grader/result"
)

// runCharts is the c screen of the lab: the charts of one test's last run
// (issue 25, item 5), the student's curve beside the reference's for the
// same seed, the bounds the checks judged marked, the metrics judged
// first. As many charts as fit are shown at once; ↓/↑ scroll by chart.
type runCharts struct {
	title  string
	note   string
	charts []chart.Chart
	top    int // the first chart on screen
	w, h   int
}

func newRunCharts(title string, c *result.Charts) runCharts {
	r := runCharts{title: title, note: c.Note}
	for _, m := range c.Metrics() {
		if ch, err := chart.ForMetric(c.Set, m); err == nil {
			r.charts = append(r.charts, ch)
		}
	}
	return r
}

// header is the lines above the charts: the title, what is shown, and
// the note, wrapped.
func (r runCharts) header(st Styles) []string {
	w := max(20, r.w)
	lines := []string{st.Title.Render(truncate("charts · "+r.title, w))}
	sub := fmt.Sprintf("%d charts", len(r.charts))
	if len(r.charts) == 1 {
		sub = "1 chart"
	}
	if n := r.shown(); n < len(r.charts) {
		sub = fmt.Sprintf("charts %d–%d of %d (↓/↑ for the others)", r.top+1, r.top+n, len(r.charts))
	}
	lines = append(lines, st.Muted.Render(truncate(sub, w)))
	if r.note != "" {
		for _, l := range WrapWords(report.PrintableLine(r.note), w) {
			lines = append(lines, st.Muted.Render(l))
		}
	}
	return lines
}

// headerRows is how many rows the header takes.
func (r runCharts) headerRows() int {
	if r.note == "" {
		return 2
	}
	return 2 + len(WrapWords(report.PrintableLine(r.note), max(20, r.w)))
}

// chartRows is how tall one chart is drawn: two to a screen of 24 rows,
// never less than 8 rows nor more than 16.
func (r runCharts) chartRows() int { return max(8, min(16, (r.h-r.headerRows())/2)) }

// shown is how many charts fit from top.
func (r runCharts) shown() int {
	if len(r.charts) == 0 {
		return 0
	}
	return max(1, min(len(r.charts)-r.top, (r.h-r.headerRows())/r.chartRows()))
}

func (r runCharts) scroll(by int) runCharts {
	r.top = max(0, min(r.top+by, len(r.charts)-r.shown()))
	return r
}

func (r runCharts) view(st Styles) string {
	w := max(20, r.w)
	lines := r.header(st)
	cs := chart.DefaultStyles()
	for _, c := range r.charts[r.top : r.top+r.shown()] {
		lines = append(lines, chart.Terminal(c, w, r.chartRows(), cs))
	}
	return strings.Join(lines, "\n")
}
