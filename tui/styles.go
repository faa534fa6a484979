package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/tui/theme"
)

// Styles are shared by every screen.
type Styles struct {
	Title, Section, Item, Selected, Muted, Pass, Fail, Error, Badge lipgloss.Style
}

// DefaultStyles returns the app's styles.
func DefaultStyles() Styles {
	s := lipgloss.NewStyle
	return Styles{
		Title:    s().Bold(true).Foreground(theme.Accent),
		Section:  s().Bold(true).Foreground(theme.Muted).MarginTop(1),
		Item:     s().PaddingLeft(3), // lines up with Selected's " ▸ "
		Selected: s().PaddingLeft(1).Bold(true).Foreground(theme.Accent).SetString("▸"),
		Muted:    s().Foreground(theme.Muted),
		Pass:     s().Foreground(theme.Good),
		Fail:     s().Foreground(theme.Bad).Bold(true),
		Error:    s().Foreground(theme.Bad),
		Badge:    s().Foreground(theme.Warn),
	}
}

// KeyMap holds the keys shared by the app's screens.
type KeyMap struct {
	Up, Down, Open, Back, Quit, Help, Search  key.Binding
	Next, Prev, Lab, Demos, Run, RunAll, Impl key.Binding
	RunPart, Answers, Task, Scroll            key.Binding
}

// DefaultKeyMap returns the app's keys.
func DefaultKeyMap() KeyMap {
	b := func(h, d string, ks ...string) key.Binding {
		return key.NewBinding(key.WithKeys(ks...), key.WithHelp(h, d))
	}
	return KeyMap{
		Up:      b("↑/k", "up", "up", "k"),
		Down:    b("↓/j", "down", "down", "j"),
		Open:    b("enter", "open", "enter"),
		Back:    b("esc", "back", "esc"),
		Quit:    b("q", "quit", "q", "ctrl+c"),
		Help:    b("?", "help", "?"),
		Search:  b("/", "search", "/"),
		Next:    b("n", "next lesson", "n"),
		Prev:    b("p", "previous lesson", "p"),
		Lab:     b("l", "paired lab", "l"),
		Demos:   b("d", "demos", "d"),
		Run:     b("enter/r", "run test", "r"),
		RunAll:  b("a", "run all", "a"),
		RunPart: b("P", "run this part", "P"),
		Impl:    b("i", "implementation", "i"),
		Answers: b("a", "show or hide answers", "a"),
		Task:    b("t", "read the lab's task", "t"),
		// Scroll is for help only: the reader's viewport has its own keys.
		Scroll: key.NewBinding(key.WithKeys(), key.WithHelp("↑/↓ pgup/pgdn", "scroll")),
	}
}

// helpKeys adapts a list of bindings to help.KeyMap.
type helpKeys []key.Binding

func (h helpKeys) ShortHelp() []key.Binding  { return h }
func (h helpKeys) FullHelp() [][]key.Binding { return [][]key.Binding{h} }
