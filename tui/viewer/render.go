package viewer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/tui/keyhelp"
	"github.com/faultline-dev/faultline/tui/theme"
)

// DefaultStyles returns the viewer's styles.
func DefaultStyles() Styles {
	s := lipgloss.NewStyle
	return Styles{
		Title:     s().Bold(true).Foreground(theme.Accent),
		Header:    s().Bold(true),
		Gutter:    s().Foreground(theme.Muted),
		Life:      s().Foreground(theme.Muted),
		Down:      s().Foreground(theme.Bad).Faint(true),
		Arrow:     s().Foreground(theme.Accent),
		Send:      s().Foreground(theme.Accent).Faint(true),
		Drop:      s().Foreground(theme.Bad),
		Crash:     s().Foreground(theme.Bad).Bold(true),
		Good:      s().Foreground(theme.Good).Bold(true),
		Event:     s().Foreground(theme.Warn),
		Partition: s().Foreground(theme.Bad),
		Log:       s().Foreground(theme.Muted).Italic(true),
		Cursor:    s().Reverse(true),
		Status:    s().Foreground(theme.Warn),
		SideTitle: s().Bold(true).Foreground(theme.Accent),
		Side:      s().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(theme.Muted).PaddingLeft(1),
	}
}

const (
	gutterW = 9
	sideW   = 44
)

// style indexes for cells
const (
	stPlain = iota
	stLife
	stDown
	stArrow
	stSend
	stDrop
	stCrash
	stGood
	stEvent
	stPartition
	stLog
)

type cell struct {
	r rune
	s int8
}

// canvas is one diagram row being drawn.
type canvas struct {
	cells []cell
}

func (c *canvas) set(x int, r rune, s int8) {
	if x >= 0 && x < len(c.cells) {
		c.cells[x] = cell{r, s}
	}
}

func (c *canvas) text(x int, str string, s int8, limit int) {
	for _, r := range str {
		if x >= limit || x >= len(c.cells) {
			return
		}
		c.set(x, r, s)
		x++
	}
}

func (m Model) styleOf(s int8) lipgloss.Style {
	st := m.styles
	return [...]lipgloss.Style{lipgloss.NewStyle(), st.Life, st.Down, st.Arrow, st.Send, st.Drop, st.Crash, st.Good, st.Event, st.Partition, st.Log}[s]
}

func (c *canvas) render(m Model) string {
	var b strings.Builder
	i := 0
	for i < len(c.cells) {
		j := i
		var run strings.Builder
		for j < len(c.cells) && c.cells[j].s == c.cells[i].s {
			run.WriteRune(c.cells[j].r)
			j++
		}
		if c.cells[i].s == stPlain {
			b.WriteString(run.String())
		} else {
			b.WriteString(m.styleOf(c.cells[i].s).Render(run.String()))
		}
		i = j
	}
	return b.String()
}

// layout returns the diagram's width and each column's width.
func (m Model) layout() (diagramW, colW int) {
	diagramW = m.width
	if m.sideShown() {
		diagramW = max(20, m.width-sideW-1)
	}
	n := max(1, len(m.ix.nodes))
	colW = max(8, (diagramW-gutterW)/n)
	return diagramW, colW
}

// View draws the header, the visible window of the diagram, and the footer.
func (m Model) View() string {
	diagramW, colW := m.layout()
	center := func(c int) int { return gutterW + c*colW + colW/2 }
	cur := m.Cursor()

	var lines []string
	// Where the cursor is comes first: a long title is what gets cut.
	head := fmt.Sprintf("event %d/%d", m.cursor+min(1, len(m.rows)), len(m.rows))
	if cur >= 0 {
		head += "  t=" + fmtTime(m.ix.buf.Records[cur].T)
	}
	head += "   " + m.title
	lines = append(lines, m.styles.Title.Render(truncate(head, diagramW)))

	// Column headers with each node's state at the cursor.
	states := m.ix.stateAt(cur)
	var hdr strings.Builder
	hdr.WriteString(strings.Repeat(" ", gutterW))
	for c, id := range m.ix.nodes {
		label := truncate(nodeLabel(id, states[c]), colW-1)
		pad := max(0, colW-lipgloss.Width(label))
		left := pad / 2
		st := m.styles.Header
		if states[c].Role != "" {
			st = st.Foreground(theme.Term(states[c].Term))
		}
		if c == m.nodeFilter {
			st = st.Underline(true)
		}
		hdr.WriteString(strings.Repeat(" ", left) + st.Render(label) + strings.Repeat(" ", pad-left))
	}
	lines = append(lines, truncateANSI(hdr.String(), diagramW))

	h := m.bodyHeight()
	prevT := int64(-1)
	if m.top > 0 {
		prevT = m.ix.buf.Records[m.rows[m.top-1]].T
	}
	for i := m.top; i < m.top+h; i++ {
		if i >= len(m.rows) {
			lines = append(lines, "")
			continue
		}
		r := m.rows[i]
		rec := &m.ix.buf.Records[r]
		cv := m.drawRow(r, rec, diagramW, colW, center)
		gutter := "        "
		if rec.T != prevT || i == m.cursor {
			gutter = fmt.Sprintf("%8s", fmtTime(rec.T))
		}
		prevT = rec.T
		if i == m.cursor {
			plain := make([]rune, len(cv.cells))
			for x, c := range cv.cells {
				plain[x] = c.r
			}
			lines = append(lines, m.styles.Cursor.Render("▸"+gutter+string(plain[gutterW:])))
			continue
		}
		lines = append(lines, m.styles.Gutter.Render(" "+gutter)+cv.render(m)[gutterW:])
	}

	body := strings.Join(lines, "\n")
	if m.sideShown() {
		body = lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(diagramW).Render(body), m.sidePane(cur, len(lines)))
	}

	var status string
	switch {
	case m.askingTime:
		status = m.timeInput.View()
	case m.status != "":
		status = m.styles.Status.Render(m.status)
	case cur >= 0 && m.ix.buf.Records[cur].Kind == trace.Check && !m.sideShown():
		status = m.styles.Status.Render("tab: the failed check in full, beside the diagram")
	default:
		status = m.styles.Gutter.Render(m.filters())
	}
	switch {
	case m.showKeys:
		body = m.keysPage()
	case m.showCharts:
		body = m.chartsPage()
	}
	foot := keyhelp.Footer(m.keyStyle, m.width, m.keys.ShortHelp(), m.keys.Essential()...)
	return body + "\n" + truncateANSI(status, m.width) + "\n" + foot
}

// keysPage is the ? screen, in place of the diagram: every key, in as many
// columns as fit, exactly as tall as the diagram it replaces.
func (m Model) keysPage() string {
	var all []key.Binding
	for _, col := range m.keys.FullHelp() {
		all = append(all, col...)
	}
	h := m.bodyHeight() + 2
	lines := []string{m.styles.Title.Render(truncate("Keys and marks of the trace viewer (? or esc to go back)", m.width))}
	if h > 2 {
		lines = append(lines, "")
	}
	lines = append(lines, keyhelp.Page(m.keyStyle, all, m.width, h-len(lines))...)
	// The marks follow the keys, where the page has room: a ◆ or a ★ on
	// the diagram is otherwise explained nowhere.
	used := len(lines)
	for used > 0 && lines[used-1] == "" {
		used--
	}
	if rest := h - used - 2; rest > 0 {
		lines = append(lines[:used], "", m.styles.Title.Render(truncate("Marks on the diagram", m.width)))
		lines = append(lines, keyhelp.Page(m.keyStyle, legend(), m.width, rest)...)
	}
	return strings.Join(lines, "\n")
}

// legend explains every mark drawRow uses, as key-like entries so that
// keyhelp lays them out in columns.
func legend() []key.Binding {
	var out []key.Binding
	for _, it := range [][2]string{
		{"○", "node starts"},
		{"●", "message sent (→ receiver)"},
		{"─▶", "message delivered"},
		{"╌✗", "message lost (✗ why)"},
		{"◎", "message duplicated"},
		{"◆", "timer fired (its name)"},
		{"★", "role and term changed"},
		{"X", "crash or panic"},
		{"┆", "node down"},
		{"↻", "restart"},
		{"‖ ▷", "pause / resume"},
		{"┄", "partition changes"},
		{"◷", "clock skew or drift changed"},
		{"⇢", "client call"},
		{"!", "API misuse"},
		{"·", "log line (l shows them)"},
	} {
		out = append(out, key.NewBinding(key.WithKeys(it[0]), key.WithHelp(it[0], it[1])))
	}
	return out
}

// chartsPage is the c screen, in place of the diagram: the run's charts
// stacked, sharing the diagram's height and the full width.
func (m Model) chartsPage() string {
	h := m.bodyHeight() + 2
	lines := []string{m.styles.Title.Render(truncate("charts · "+m.title+"   (c: the space-time diagram)", m.width))}
	rest := h - len(lines)
	st := chart.DefaultStyles()
	for i, c := range m.charts {
		ch := rest / (len(m.charts) - i)
		if ch > 0 {
			lines = append(lines, chart.Terminal(c, m.width, ch, st))
		}
		rest -= ch
	}
	return strings.Join(lines, "\n")
}

func (m Model) filters() string {
	var parts []string
	if m.nodeFilter >= 0 {
		parts = append(parts, "node "+m.ix.nodes[m.nodeFilter].String())
	}
	if m.typeFilter != "" {
		parts = append(parts, "type "+m.typeFilter)
	}
	if m.showLogs {
		parts = append(parts, "logs shown")
	}
	if len(parts) == 0 && m.ix.failed {
		// x stops at a failed check too: the row that says why the run failed.
		return "all events · x jumps to the next drop, crash, partition or failed check"
	}
	if len(parts) == 0 {
		return "all events · x jumps to the next drop, crash or partition"
	}
	return "showing " + strings.Join(parts, ", ") + " (f, m, l to change)"
}

// drawRow draws record r as one diagram row (gutter left blank).
func (m Model) drawRow(r int, rec *trace.Record, width, colW int, center func(int) int) canvas {
	cv := canvas{cells: make([]cell, width)}
	for x := range cv.cells {
		cv.cells[x] = cell{' ', stPlain}
	}
	for c := range m.ix.nodes {
		if m.ix.isDown(r, c) {
			cv.set(center(c), '┆', stDown)
		} else {
			cv.set(center(c), '│', stLife)
		}
	}
	col, hasNode := m.ix.col[rec.Node]
	peer, hasPeer := m.ix.col[rec.Peer]
	mark := func(r rune, s int8, label string) {
		if !hasNode {
			return
		}
		x := center(col)
		cv.set(x, r, s)
		// A label that would run off the right edge (the last column) goes
		// on the left of its mark when there is room there.
		if n := utf8.RuneCountInString(label); x+2+n > len(cv.cells) && x-1-n >= gutterW {
			cv.text(x-1-n, label, s, x-1)
			return
		}
		cv.text(x+2, label, s, x+colW+colW/2)
	}
	switch rec.Kind {
	case trace.Deliver, trace.Drop:
		if !hasNode || !hasPeer {
			break
		}
		from, to := center(peer), center(col)
		fill, st := '─', int8(stArrow)
		if rec.Kind == trace.Drop {
			fill, st = '╌', stDrop
		}
		lo, hi := min(from, to), max(from, to)
		for x := lo + 1; x < hi; x++ {
			cv.set(x, fill, st)
		}
		label := m.label(rec.Type, m.payloadOf(rec.Msg, r))
		if rec.Kind == trace.Drop {
			label += " ✗ " + rec.Text
			if to > from {
				cv.set(to-1, '✗', stDrop)
			} else {
				cv.set(to+1, '✗', stDrop)
			}
		} else if to > from {
			cv.set(to-1, '▶', stArrow)
		} else {
			cv.set(to+1, '◀', stArrow)
		}
		if n := len([]rune(label)); n+2 < hi-lo {
			cv.text((lo+hi)/2-n/2, label, st, hi-1)
		} else if lo == hi {
			cv.text(hi+2, label, st, width)
		}
	case trace.Send:
		if hasPeer {
			mark('●', stSend, "→"+rec.Peer.String()+" "+rec.Type)
		}
	case trace.Dup:
		mark('◎', stDrop, "dup "+rec.Type+"→"+rec.Peer.String())
	case trace.TimerFire:
		mark('◆', stEvent, "timer "+rec.Type)
	case trace.Crash:
		mark('X', stCrash, "crash")
	case trace.Panic:
		mark('X', stCrash, "panic: "+rec.Text)
	case trace.Restart:
		mark('↻', stGood, "restart")
	case trace.Start:
		mark('○', stGood, "start")
	case trace.Pause:
		mark('‖', stEvent, "pause")
	case trace.Resume:
		mark('▷', stGood, "resume")
	case trace.Clock:
		mark('◷', stEvent, rec.Text)
	case trace.State:
		var st nodeState
		_ = json.Unmarshal(rec.Data, &st)
		mark('★', stGood, st.String())
	case trace.Log:
		mark('·', stLog, rec.Text)
	case trace.Call:
		mark('⇢', stEvent, rec.Text)
	case trace.Misuse:
		mark('!', stDrop, "misuse: "+rec.Text)
	case trace.Partition, trace.Note, trace.Check:
		text := rec.Text
		s := int8(stPartition)
		switch rec.Kind {
		case trace.Note:
			s = stLog
		case trace.Check:
			text = m.checkLine(rec, width-gutterW-3)
		}
		for x := gutterW; x < width; x++ {
			if rec.Kind == trace.Partition {
				cv.set(x, '┄', s)
			}
		}
		cv.text(gutterW+1, " "+text+" ", s, width)
	}
	return cv
}

// checkLine is a failed check's row: its name and why it failed, in w
// cells. The reason is what a reader of a failing run looks for first, so
// it is on the row itself; a reason cut short says which key shows it whole.
func (m Model) checkLine(rec *trace.Record, w int) string {
	text := "CHECK FAILED: " + rec.Text
	if why := checkReason(rec); why != "" {
		text += ": " + why
	}
	if utf8.RuneCountInString(text) <= w || m.sideShown() {
		return truncate(text, w)
	}
	const more = "… tab: details"
	cut := []rune(text)[:max(0, w-utf8.RuneCountInString(more))]
	return strings.TrimRight(string(cut), " :,;") + more
}

// checkReason is a failed check's message, kept as a JSON string in Data
// (sim's tracer), on one line.
func checkReason(rec *trace.Record) string {
	var why string
	if json.Unmarshal(rec.Data, &why) != nil {
		return ""
	}
	return strings.Join(strings.Fields(why), " ")
}

// sidePane shows the record under the cursor and the node's recent log.
func (m Model) sidePane(cur, height int) string {
	var b strings.Builder
	w := sideW - 2
	line := func(format string, args ...any) { b.WriteString(truncate(fmt.Sprintf(format, args...), w) + "\n") }
	if cur < 0 {
		return m.styles.Side.Width(sideW).Height(height).Render("no events")
	}
	rec := &m.ix.buf.Records[cur]
	b.WriteString(m.styles.SideTitle.Render(string(rec.Kind)) + " at " + fmtTime(rec.T) + "\n")
	if rec.Node != 0 {
		line("node   %v", rec.Node)
	}
	if rec.Peer != 0 {
		line("peer   %v", rec.Peer)
	}
	if rec.Msg != 0 {
		line("msg    #%d %s (%d bytes)", rec.Msg, rec.Type, rec.Size)
	} else if rec.Type != "" {
		line("type   %s", rec.Type)
	}
	if rec.Text != "" {
		for _, l := range wrap(rec.Text, w) {
			line("%s", l)
		}
	}
	data := rec.Data
	if len(data) == 0 && rec.Msg != 0 {
		data = m.payloadOf(rec.Msg, cur)
	}
	var text string
	if len(data) > 0 && data[0] == '"' && json.Unmarshal(data, &text) == nil {
		// A string payload (a check's verdict, a log line) reads best
		// unquoted and wrapped.
		b.WriteString(m.styles.SideTitle.Render("payload") + "\n")
		for i, l := range wrap(text, w) {
			if i >= 12 {
				line("…")
				break
			}
			line("%s", l)
		}
		data = nil
	}
	if len(data) > 0 {
		var pretty bytes.Buffer
		if json.Indent(&pretty, data, "", "  ") != nil {
			pretty.Write(data)
		}
		b.WriteString(m.styles.SideTitle.Render("payload") + "\n")
		for i, l := range strings.Split(pretty.String(), "\n") {
			if i >= 12 {
				line("…")
				break
			}
			line("%s", l)
		}
	}
	if rec.Node != 0 {
		logs := m.recentLogs(cur, rec.Node, 5)
		if len(logs) > 0 {
			b.WriteString(m.styles.SideTitle.Render("recent log of "+rec.Node.String()) + "\n")
			for _, l := range logs {
				line("%s", l)
			}
		}
	}
	return m.styles.Side.Width(sideW).Height(height).MaxHeight(height).Render(strings.TrimRight(b.String(), "\n"))
}

// payloadOf finds the payload of message id from its send record.
func (m Model) payloadOf(id uint64, before int) []byte {
	for i := before; i >= 0 && before-i < 20000; i-- {
		r := &m.ix.buf.Records[i]
		if r.Kind == trace.Send && r.Msg == id {
			return r.Data
		}
	}
	return nil
}

func (m Model) recentLogs(cur int, id interface{ String() string }, n int) []string {
	var out []string
	for i := cur; i >= 0 && cur-i < 20000 && len(out) < n; i-- {
		r := &m.ix.buf.Records[i]
		if r.Kind == trace.Log && r.Node.String() == id.String() {
			out = append([]string{fmtTime(r.T) + " " + r.Text}, out...)
		}
	}
	return out
}

func fmtTime(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d/time.Microsecond)
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.3fs", d.Seconds())
	}
}

func truncate(s string, w int) string {
	r := []rune(s)
	if w <= 0 {
		return ""
	}
	if len(r) <= w {
		return s
	}
	return string(r[:w-1]) + "…"
}

// truncateANSI cuts a styled line to w cells.
func truncateANSI(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}

func wrap(s string, w int) []string {
	var out []string
	for len([]rune(s)) > w {
		r := []rune(s)
		cut := w
		for i := w; i > w/2; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, string(r[:cut]))
		s = strings.TrimLeft(string(r[cut:]), " ")
	}
	return append(out, s)
}
