package keyhelp

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/stretchr/testify/assert"
)

func bind(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }

func TestFooterKeepsTheEssentialKeys(t *testing.T) {
	optional := []key.Binding{bind("j", "next event"), bind("n", "next of this node"), bind("x", "next fault"), bind("t", "jump to a time")}
	always := []key.Binding{bind("?", "keys"), bind("esc", "back"), bind("q", "quit")}
	for _, tc := range []struct {
		name  string
		width int
		want  string
	}{
		{"all fit", 120, "j next event · n next of this node · x next fault · t jump to a time · ? keys · esc back · q quit"},
		{"optional ones are dropped from the end", 64, "j next event · n next of this node · ? keys · esc back · q quit"},
		{"only the essentials", 30, "? keys · esc back · q quit"},
		{"too narrow even for them", 12, "? keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Footer(Styles{}, tc.width, optional, always...)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, lipgloss.Width(got), tc.width)
		})
	}
}

func TestPageFitsTheScreen(t *testing.T) {
	var bs []key.Binding
	for _, k := range strings.Split("a b c d e f g h i j", " ") {
		bs = append(bs, bind(k, "does "+k))
	}
	for _, tc := range []struct {
		name          string
		width, height int
		want          []string
	}{
		{"two columns", 22, 6, []string{"a  does a    f  does f", "b  does b    g  does g", "c  does c    h  does h", "d  does d    i  does i", "e  does e    j  does j", ""}},
		{"one column, cut", 12, 4, []string{"a  does a", "b  does b", "c  does c", "7 more keys…"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Page(Styles{}, bs, tc.width, tc.height)
			assert.Len(t, got, tc.height)
			for _, l := range got {
				assert.LessOrEqual(t, lipgloss.Width(l), tc.width)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
