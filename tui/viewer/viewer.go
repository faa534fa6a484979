// Package viewer draws a trace as a space-time diagram in the terminal: one
// column per node, one row per event, time flowing down, messages as arrows
// from sender to receiver, and a cursor to step through the run.
package viewer

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/tui/keyhelp"
)

// BackMsg is sent when the user leaves the viewer with Esc; a parent screen
// goes back, a standalone viewer quits.
type BackMsg struct{}

// Model is the viewer. Build it with New.
type Model struct {
	ix     *index
	title  string
	rows   []int // record indexes shown, after filters
	cursor int   // position in rows
	top    int   // first row on screen

	width, height int
	side          bool
	sideForced    bool
	showLogs      bool
	nodeFilter    int    // -1: all, else a column
	typeFilter    string // "": all
	timeInput     textinput.Model
	askingTime    bool
	status        string // a one-line message, such as "no later drop"
	standalone    bool

	keys     KeyMap
	styles   Styles
	keyStyle keyhelp.Styles
	showKeys bool // the ? page is shown instead of the diagram

	charts     []chart.Chart // the run's time series, if it has any
	showCharts bool          // the charts are shown instead of the diagram

	// label is the short label of a message on its arrow, from the lab or
	// demo that made the trace (suite.Labeler).
	label func(typ string, payload json.RawMessage) string
}

// New returns a viewer of buf. title names the run in the header.
// standalone viewers quit on Esc; embedded ones send BackMsg.
func New(buf *trace.Buffer, title string, standalone bool) Model {
	ti := textinput.New()
	ti.Placeholder = "1.5s"
	ti.Prompt = "jump to time: "
	ti.CharLimit = 20
	m := Model{ix: newIndex(buf), title: title, nodeFilter: -1, timeInput: ti, standalone: standalone,
		keys: DefaultKeyMap(), styles: DefaultStyles(), keyStyle: keyhelp.DefaultStyles(), width: 80, height: 24,
		label: suite.Labeler(buf.Head)}
	m.keys.Charts.SetEnabled(false)
	m.refilter(-1)
	return m
}

// SetCharts gives the viewer the charts of the run's time series, which
// the c key toggles with the diagram; open shows them first. No charts
// disables the key.
func (m *Model) SetCharts(charts []chart.Chart, open bool) {
	m.charts = charts
	m.keys.Charts.SetEnabled(len(charts) > 0)
	m.showCharts = open && len(charts) > 0
}

// ShowingCharts reports whether the charts are on screen.
func (m Model) ShowingCharts() bool { return m.showCharts }

// Init does nothing: the trace is already in memory.
func (m Model) Init() tea.Cmd { return nil }

// SetSize sets the viewer's size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scroll()
}

// Typing reports whether keys go to a text field (the time to jump to), not
// to the viewer's commands: a parent then leaves q alone.
func (m Model) Typing() bool { return m.askingTime }

// Keys returns the viewer's key map, for a parent's help.
func (m Model) Keys() KeyMap { return m.keys }

// Cursor returns the record index under the cursor, or -1 for an empty view.
func (m Model) Cursor() int {
	if len(m.rows) == 0 {
		return -1
	}
	return m.rows[m.cursor]
}

// shown reports whether record r is a row under the current filters.
func (m *Model) shown(r int) bool {
	rec := &m.ix.buf.Records[r]
	switch rec.Kind {
	case trace.TimerSet, trace.TimerCancel, trace.Return:
		return false
	case trace.Log:
		if !m.showLogs {
			return false
		}
	case trace.Check:
		if rec.Verdict != "fail" {
			return false
		}
	}
	if m.nodeFilter >= 0 {
		id := m.ix.nodes[m.nodeFilter]
		if rec.Node != id && rec.Peer != id && rec.Node != 0 {
			return false
		}
	}
	if m.typeFilter != "" && rec.Kind.IsMessage() && rec.Type != m.typeFilter {
		return false
	}
	if m.typeFilter != "" && !rec.Kind.IsMessage() && rec.Kind != trace.Partition && rec.Kind != trace.Crash && rec.Kind != trace.Restart {
		return false
	}
	return true
}

// refilter rebuilds the rows, keeping the cursor on record keep (or the
// nearest row after it).
func (m *Model) refilter(keep int) {
	m.rows = m.rows[:0]
	m.cursor = 0
	for r := range m.ix.buf.Records {
		if m.shown(r) {
			if r <= keep {
				m.cursor = len(m.rows)
			}
			m.rows = append(m.rows, r)
		}
	}
	m.scroll()
}

// bodyHeight is the number of diagram rows on screen: all but the title,
// the column headers, the status line and the footer.
func (m Model) bodyHeight() int { return max(1, m.height-4) }

func (m *Model) scroll() {
	h := m.bodyHeight()
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+h {
		m.top = m.cursor - h + 1
	}
	m.top = max(0, min(m.top, max(0, len(m.rows)-h)))
}

func (m *Model) move(to int) {
	m.cursor = max(0, min(to, len(m.rows)-1))
	m.scroll()
}

// seek moves to the next (dir 1) or previous (dir -1) row matching ok.
func (m *Model) seek(dir int, what string, ok func(*trace.Record) bool) {
	for i := m.cursor + dir; i >= 0 && i < len(m.rows); i += dir {
		if ok(&m.ix.buf.Records[m.rows[i]]) {
			m.move(i)
			return
		}
	}
	m.status = "no " + map[int]string{1: "later ", -1: "earlier "}[dir] + what
}

// Update handles keys and window sizes.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyMsg:
		if m.askingTime {
			return m.updateTime(msg)
		}
		m.status = ""
		k := m.keys
		switch {
		case key.Matches(msg, k.Quit):
			return m, tea.Quit
		case key.Matches(msg, k.Back):
			if m.showKeys {
				m.showKeys = false
				return m, nil
			}
			if m.standalone {
				return m, tea.Quit
			}
			return m, func() tea.Msg { return BackMsg{} }
		case key.Matches(msg, k.Help):
			m.showKeys = !m.showKeys
		case key.Matches(msg, k.Charts):
			m.showCharts = !m.showCharts
		case key.Matches(msg, k.Down):
			m.move(m.cursor + 1)
		case key.Matches(msg, k.Up):
			m.move(m.cursor - 1)
		case key.Matches(msg, k.PageDown):
			m.move(m.cursor + m.bodyHeight())
		case key.Matches(msg, k.PageUp):
			m.move(m.cursor - m.bodyHeight())
		case key.Matches(msg, k.Top):
			m.move(0)
		case key.Matches(msg, k.Bottom):
			m.move(len(m.rows) - 1)
		case key.Matches(msg, k.NextNode), key.Matches(msg, k.PrevNode):
			if cur := m.Cursor(); cur >= 0 {
				id := m.ix.buf.Records[cur].Node
				dir := 1
				if key.Matches(msg, k.PrevNode) {
					dir = -1
				}
				m.seek(dir, "event of "+id.String(), func(r *trace.Record) bool { return r.Node == id })
			}
		case key.Matches(msg, k.NextKind), key.Matches(msg, k.PrevKind):
			if cur := m.Cursor(); cur >= 0 {
				kind := m.ix.buf.Records[cur].Kind
				dir := 1
				if key.Matches(msg, k.PrevKind) {
					dir = -1
				}
				m.seek(dir, string(kind), func(r *trace.Record) bool { return r.Kind == kind })
			}
		case key.Matches(msg, k.NextFault):
			m.seek(1, "drop, crash or partition", func(r *trace.Record) bool {
				switch r.Kind {
				case trace.Drop, trace.Crash, trace.Partition, trace.Panic, trace.Pause, trace.Misuse:
					return true
				case trace.Check:
					return r.Verdict == "fail"
				}
				return false
			})
		case key.Matches(msg, k.FilterNode):
			m.nodeFilter++
			if m.nodeFilter >= len(m.ix.nodes) {
				m.nodeFilter = -1
			}
			m.refilter(m.Cursor())
		case key.Matches(msg, k.FilterType):
			m.typeFilter = nextType(m.ix.types, m.typeFilter)
			m.refilter(m.Cursor())
		case key.Matches(msg, k.Logs):
			m.showLogs = !m.showLogs
			m.refilter(m.Cursor())
		case key.Matches(msg, k.Side):
			m.side = !m.sideShown()
			m.sideForced = true
		case key.Matches(msg, k.Time):
			m.askingTime = true
			m.timeInput.SetValue("")
			return m, m.timeInput.Focus()
		}
	}
	return m, nil
}

func nextType(types []string, cur string) string {
	if cur == "" {
		if len(types) > 0 {
			return types[0]
		}
		return ""
	}
	for i, t := range types {
		if t == cur && i+1 < len(types) {
			return types[i+1]
		}
	}
	return ""
}

func (m Model) updateTime(msg tea.KeyMsg) (Model, tea.Cmd) {
	switch msg.Type {
	case tea.KeyEsc:
		m.askingTime = false
		m.timeInput.Blur()
		return m, nil
	case tea.KeyEnter:
		m.askingTime = false
		m.timeInput.Blur()
		d, err := parseTime(m.timeInput.Value())
		if err != nil {
			m.status = err.Error()
			return m, nil
		}
		for i, r := range m.rows {
			if m.ix.buf.Records[r].T >= int64(d) {
				m.move(i)
				return m, nil
			}
		}
		m.move(len(m.rows) - 1)
		m.status = fmt.Sprintf("the run ends before %v", d)
		return m, nil
	}
	var cmd tea.Cmd
	m.timeInput, cmd = m.timeInput.Update(msg)
	return m, cmd
}

// parseTime reads "1.5s", "300ms", or a bare number of milliseconds.
func parseTime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	if d, err := time.ParseDuration(s + "ms"); err == nil {
		return d, nil
	}
	return 0, fmt.Errorf("%q is not a time: write 1.5s or 300ms", s)
}

func (m Model) sideShown() bool {
	if m.sideForced {
		return m.side
	}
	return m.width >= 110
}

// nodeLabel is a column header.
func nodeLabel(id node.ID, st nodeState) string {
	if s := st.String(); s != "" {
		return id.String() + " " + s
	}
	return id.String()
}

// Styles are the viewer's styles.
type Styles struct {
	Title, Header, Gutter, Life, Down, Arrow, Send, Drop, Crash, Good, Event, Partition, Log, Cursor, Status, SideTitle, Side lipgloss.Style
}
