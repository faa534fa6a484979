package tui

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/tui/viewer"
)

// Explorer walks a model checker's state graph by hand (DSLabs' visual
// debugger, Stateright's Explorer): it shows every node's state, the
// messages in flight and the pending timers of the current state, lists
// the events enabled in it to choose from, goes back and forward along
// the path, and opens the path so far as a space-time diagram in the
// trace viewer. It opens at the end of a path: a counterexample, or the
// initial state.
type Explorer struct {
	c       *search.Checker
	title   string
	header  trace.Header
	cur     *search.State
	evs     []search.Event
	sel     int
	redo    []search.Event // events undone by Back, the latest last
	err     string         // the last event's broken node contract
	width   int
	height  int
	diagram *viewer.Model // the path as a trace, while it is shown
	keys    ExplorerKeys
	styles  Styles
	// Embedded: q and esc send ExplorerBackMsg to the parent screen
	// instead of quitting the program.
	Embedded bool
}

// ExplorerBackMsg is sent when the user leaves an embedded explorer.
type ExplorerBackMsg struct{}

// ExplorerKeys are the explorer's keys.
type ExplorerKeys struct {
	Up, Down, Apply, Back, Forward, Diagram, Quit key.Binding
}

// DefaultExplorerKeys returns the explorer's keys.
func DefaultExplorerKeys() ExplorerKeys {
	b := func(h, d string, ks ...string) key.Binding {
		return key.NewBinding(key.WithKeys(ks...), key.WithHelp(h, d))
	}
	return ExplorerKeys{
		Up:      b("↑/k", "previous event", "up", "k"),
		Down:    b("↓/j", "next event", "down", "j"),
		Apply:   b("enter/→", "take the event", "enter", "right", "l"),
		Back:    b("←/⌫", "back one event", "left", "h", "backspace"),
		Forward: b("f", "forward again", "f"),
		Diagram: b("d", "space-time diagram of the path", "d"),
		Quit:    b("q", "quit", "q", "esc", "ctrl+c"),
	}
}

// NewExplorer returns an explorer of c's model at the end of path (nil:
// the initial state). h names the lab and implementation in the diagram.
func NewExplorer(c *search.Checker, title string, h trace.Header, path []search.Event) (Explorer, error) {
	e := Explorer{c: c, title: title, header: h, width: 80, height: 24, keys: DefaultExplorerKeys(), styles: DefaultStyles()}
	s, err := c.Initial()
	if err != nil {
		e.err = err.Error()
	}
	for i, ev := range path {
		if e.err != "" {
			return e, fmt.Errorf("explore: the path stops at event %d: %s", i, e.err)
		}
		s, err = c.Apply(s, ev)
		if err != nil {
			e.err = err.Error()
		}
	}
	e.setState(s)
	return e, nil
}

func (e *Explorer) setState(s *search.State) {
	e.cur = s
	e.evs = e.c.Enabled(s)
	e.sel = min(e.sel, max(len(e.evs)-1, 0))
}

// State returns the state shown.
func (e Explorer) State() *search.State { return e.cur }

// SetSize sets the screen size.
func (e *Explorer) SetSize(w, h int) {
	e.width, e.height = w, h
	if e.diagram != nil {
		e.diagram.SetSize(w, h)
	}
}

// Init does nothing: the state is built already.
func (e Explorer) Init() tea.Cmd { return nil }

// Update handles keys and sizes.
func (e Explorer) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if e.diagram != nil {
		if _, back := msg.(viewer.BackMsg); back {
			e.diagram = nil
			return e, nil
		}
		if sz, ok := msg.(tea.WindowSizeMsg); ok {
			e.SetSize(sz.Width, sz.Height)
			return e, nil
		}
		d, cmd := e.diagram.Update(msg)
		e.diagram = &d
		return e, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		e.SetSize(msg.Width, msg.Height)
	case tea.KeyMsg:
		k := e.keys
		switch {
		case key.Matches(msg, k.Quit):
			if e.Embedded {
				return e, func() tea.Msg { return ExplorerBackMsg{} }
			}
			return e, tea.Quit
		case key.Matches(msg, k.Up):
			e.sel = max(e.sel-1, 0)
		case key.Matches(msg, k.Down):
			e.sel = min(e.sel+1, max(len(e.evs)-1, 0))
		case key.Matches(msg, k.Apply):
			if len(e.evs) > 0 && e.err == "" {
				e.redo = nil
				e.take(e.evs[e.sel])
			}
		case key.Matches(msg, k.Back):
			path := e.cur.Path()
			if len(path) > 0 {
				e.redo = append(e.redo, path[len(path)-1])
				e.back(path[:len(path)-1])
			}
		case key.Matches(msg, k.Forward):
			if n := len(e.redo); n > 0 && e.err == "" {
				ev := e.redo[n-1]
				e.redo = e.redo[:n-1]
				e.take(ev)
			}
		case key.Matches(msg, k.Diagram):
			var buf trace.Buffer
			if err := e.c.WriteTrace(&buf, e.header, e.cur.Path(), nil); err != nil {
				e.err = err.Error()
				return e, nil
			}
			d := viewer.New(&buf, e.title+": the path so far", false)
			d.SetSize(e.width, e.height)
			e.diagram = &d
		}
	}
	return e, nil
}

func (e *Explorer) take(ev search.Event) {
	s, err := e.c.Apply(e.cur, ev)
	e.err = ""
	if err != nil {
		e.err = err.Error()
	}
	e.sel = 0
	e.setState(s)
}

// back goes to the state at the end of path, a prefix of the current
// state's: the explorer builds its states with Apply, so their parents
// keep their contents.
func (e *Explorer) back(path []search.Event) {
	s := e.cur
	for len(s.Path()) > len(path) && s.Parent() != nil {
		s = s.Parent()
	}
	e.err = ""
	e.setState(s)
}

// View draws the state, the events and the path.
func (e Explorer) View() string {
	if e.diagram != nil {
		return e.diagram.View()
	}
	st := e.styles
	w := max(e.width, 20)
	cut := func(s string) string {
		if lipgloss.Width(s) > w {
			r := []rune(s)
			for len(r) > 0 && lipgloss.Width(string(r)) > w-1 {
				r = r[:len(r)-1]
			}
			return string(r) + "…"
		}
		return s
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(cut(s) + "\n") }
	path := e.cur.Path()
	line(st.Title.Render(e.title) + st.Muted.Render(fmt.Sprintf("  depth %d  state %016x", len(path), e.cur.Hash())))
	line(st.Section.Render("Nodes"))
	for i := 1; i <= e.cur.Nodes(); i++ {
		id := node.ID(i)
		var timers []string
		for _, t := range e.cur.Timers(id) {
			timers = append(timers, fmt.Sprintf("%v@%v", showValue(t.Value), t.Due))
		}
		line(fmt.Sprintf(" %v  clock %v  incarnation %d  timers [%s]", id, e.cur.Clock(id), e.cur.Incarnation(id), strings.Join(timers, " ")))
		line(st.Muted.Render("    " + showNode(e.cur.Node(id))))
	}
	line(st.Section.Render(fmt.Sprintf("In flight (%d)", len(e.cur.InFlight()))))
	for _, m := range e.cur.InFlight() {
		copies := ""
		if m.Copies > 1 {
			copies = fmt.Sprintf(" ×%d", m.Copies)
		}
		line(fmt.Sprintf(" %v→%v %s%s", m.From, m.To, showValue(m.Msg), copies))
	}
	if g := e.cur.Ghost(); g != nil {
		line(st.Section.Render("Observed"))
		line(st.Muted.Render(" " + showValue(g)))
	}
	if e.err != "" {
		line(st.Fail.Render("✗ " + e.err))
	} else if v := e.c.Violated(e.cur); v != nil {
		line(st.Fail.Render("✗ " + v.Invariant + ": " + v.Err.Error()))
	}
	line(st.Section.Render(fmt.Sprintf("Enabled events (%d)", len(e.evs))))
	// The event list takes what the screen has left, scrolled to the
	// selection.
	used := strings.Count(b.String(), "\n")
	room := max(e.height-used-2, 3)
	first := max(0, min(e.sel-room/2, len(e.evs)-room))
	for i := first; i < len(e.evs) && i < first+room; i++ {
		if i == e.sel {
			line(st.Selected.Render() + " " + e.evs[i].String())
		} else {
			line(st.Item.Render(e.evs[i].String()))
		}
	}
	if len(e.evs) == 0 {
		line(st.Item.Render(st.Muted.Render("none: nothing can happen")))
	}
	last := "initial state"
	if len(path) > 0 {
		last = fmt.Sprintf("after %d. %v", len(path), path[len(path)-1])
	}
	line(st.Muted.Render(last))
	k := e.keys
	var help []string
	for _, kb := range []key.Binding{k.Up, k.Down, k.Apply, k.Back, k.Forward, k.Diagram, k.Quit} {
		help = append(help, kb.Help().Key+" "+kb.Help().Desc)
	}
	// Exactly the screen's height: the key help on the last row.
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	h := max(e.height, 2)
	if len(lines) > h-1 {
		lines = lines[:h-1]
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	lines = append(lines, cut(st.Muted.Render(strings.Join(help, " · "))))
	return strings.Join(lines, "\n")
}

// showValue prints a message, timer or ghost value on one line.
func showValue(v any) string {
	s := fmt.Sprintf("%+v", v)
	if t := reflect.TypeOf(v); t != nil {
		name := t.String()
		if i := strings.LastIndex(name, "."); i >= 0 && !strings.ContainsAny(name, "[]") {
			name = name[i+1:]
		}
		s = name + strings.TrimPrefix(s, "&")
	}
	return s
}

// showNode prints a node's fields on one line, its Env left out.
func showNode(n node.Node) string {
	v := reflect.ValueOf(n)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return fmt.Sprintf("%+v", n)
	}
	var parts []string
	envType := reflect.TypeFor[node.Env]()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Type == envType || f.Type.Kind() == reflect.Func {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s:%+v", f.Name, printable(v.Field(i))))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// printable returns a field's value for printing, unexported or not:
// fmt prints an unexported field's value through reflection.
func printable(v reflect.Value) any {
	if v.CanInterface() {
		return v.Interface()
	}
	return v
}
