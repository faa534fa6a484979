package viewer

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the viewer's keys.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	NextNode, PrevNode, NextKind, PrevKind  key.Binding
	NextFault                               key.Binding
	FilterNode, FilterType, Logs, Time      key.Binding
	Side, Help, Back, Quit                  key.Binding
	// Charts toggles between the diagram and the run's charts; it is
	// enabled only for a run that has charts (Model.SetCharts).
	Charts key.Binding
}

// DefaultKeyMap returns the viewer's default keys.
func DefaultKeyMap() KeyMap {
	b := func(help string, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:         b("↑/k", "previous event", "up", "k"),
		Down:       b("↓/j", "next event", "down", "j"),
		PageUp:     b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown:   b("pgdn", "page down", "pgdown", "ctrl+d", " "),
		Top:        b("g", "first event", "g", "home"),
		Bottom:     b("G", "last event", "G", "end"),
		NextNode:   b("n/N", "next/prev event of this node", "n"),
		PrevNode:   b("N", "previous event of this node", "N"),
		NextKind:   b("]/[", "next/prev event of this kind", "]"),
		PrevKind:   b("[", "previous event of this kind", "["),
		NextFault:  b("x", "next drop, crash or partition", "x"),
		FilterNode: b("f", "show one node's events (cycle)", "f"),
		FilterType: b("m", "show one message type (cycle)", "m"),
		Logs:       b("l", "show log lines", "l"),
		Time:       b("t", "jump to a time", "t"),
		Side:       b("tab", "details pane", "tab"),
		Help:       b("?", "show or hide these keys", "?"),
		Back:       b("esc", "back", "esc"),
		Quit:       b("q", "quit", "q", "ctrl+c"),
		Charts:     b("c", "charts of the run / space-time diagram", "c"),
	}
}

// ShortHelp is the footer, with short descriptions: the footer drops keys
// from its end to fit, and short ones let more of them stay.
func (k KeyMap) ShortHelp() []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	return []key.Binding{short(k.Charts, "charts"), short(k.Down, "step"), short(k.NextNode, "node"), short(k.NextKind, "kind"),
		short(k.NextFault, "fault"), short(k.Time, "time"), short(k.FilterNode, "filter"), short(k.Side, "details")}
}

// Essential are the keys the footer always shows.
func (k KeyMap) Essential() []key.Binding {
	help := k.Help
	help.SetHelp("?", "keys")
	return []key.Binding{help, k.Back, k.Quit}
}

// FullHelp is the ? screen: every key once (the n/N and ]/[ pairs share a
// line).
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.NextNode, k.NextKind, k.NextFault, k.Time},
		{k.FilterNode, k.FilterType, k.Logs, k.Side, k.Charts, k.Help, k.Back, k.Quit},
	}
}
