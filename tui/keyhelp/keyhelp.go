// Package keyhelp draws the keys of a screen so that they fit it: a footer
// of one line that always keeps the keys that matter everywhere (help, back,
// quit), and a page of every key laid out in as many columns as the width
// allows.
//
// bubbles/help cuts a footer that is too wide at its end, which is where the
// help, back and quit keys are, and lays the full help out in fixed columns
// that are dropped when they do not fit; both lost keys at 80 columns.
//
//	foot := keyhelp.Footer(st, width, []key.Binding{k.Down, k.Open}, k.Help, k.Back, k.Quit)
//	page := keyhelp.Page(st, bindings, width, height) // exactly height lines
package keyhelp

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/tui/theme"
)

// Styles colour a key and its description.
type Styles struct {
	Key, Desc, Sep lipgloss.Style
}

// DefaultStyles returns the styles every screen uses.
func DefaultStyles() Styles {
	return Styles{
		Key:  lipgloss.NewStyle().Foreground(theme.Muted).Bold(true),
		Desc: lipgloss.NewStyle().Foreground(theme.Muted),
		Sep:  lipgloss.NewStyle().Foreground(theme.Muted).Faint(true),
	}
}

const sep = " · "

// Footer returns one line of at most width cells: the optional bindings in
// order, then always. Optional bindings are dropped from the end until the
// line fits; the always ones are kept whatever the width (cut only when
// they alone are wider than the screen).
func Footer(st Styles, width int, optional []key.Binding, always ...key.Binding) string {
	item := func(b key.Binding) string { return b.Help().Key + " " + b.Help().Desc }
	var tail []string
	for _, b := range always {
		if b.Enabled() {
			tail = append(tail, item(b))
		}
	}
	var head []string
	for _, b := range optional {
		if b.Enabled() {
			head = append(head, item(b))
		}
	}
	plain := func(items []string) string { return strings.Join(items, sep) }
	for len(head) > 0 && lipgloss.Width(plain(append(append([]string(nil), head...), tail...))) > width {
		head = head[:len(head)-1]
	}
	items := append(head, tail...)
	var b strings.Builder
	used := 0
	for i, it := range items {
		k, d, _ := strings.Cut(it, " ")
		w := lipgloss.Width(it)
		if i > 0 {
			w += lipgloss.Width(sep)
		}
		if used+w > width {
			break
		}
		if i > 0 {
			b.WriteString(st.Sep.Render(sep))
		}
		b.WriteString(st.Key.Render(k) + " " + st.Desc.Render(d))
		used += w
	}
	return b.String()
}

// Page lays out every binding in column-major order, in as many columns as
// fit width, and returns exactly height lines. When even one column is
// taller than height, the last line says how many keys are not shown.
func Page(st Styles, bindings []key.Binding, width, height int) []string {
	var ks, ds []string
	keyW, itemW := 0, 0
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		ks = append(ks, b.Help().Key)
		ds = append(ds, b.Help().Desc)
		keyW = max(keyW, lipgloss.Width(b.Help().Key))
	}
	for i := range ks {
		itemW = max(itemW, keyW+2+lipgloss.Width(ds[i]))
	}
	const gap = 4
	cols := max(1, (width+gap)/(itemW+gap))
	rows := (len(ks) + cols - 1) / cols
	shown := rows
	if rows > height {
		shown = max(0, height-1)
	}
	lines := make([]string, 0, height)
	for r := 0; r < shown; r++ {
		var line strings.Builder
		for c := 0; c < cols; c++ {
			i := c*rows + r
			if i >= len(ks) {
				break
			}
			if c > 0 {
				line.WriteString(strings.Repeat(" ", gap))
			}
			k := ks[i] + strings.Repeat(" ", keyW-lipgloss.Width(ks[i]))
			d := ds[i]
			if i+rows < len(ks) { // another item follows on this row
				d += strings.Repeat(" ", itemW-keyW-2-lipgloss.Width(d))
			}
			line.WriteString(st.Key.Render(k) + "  " + st.Desc.Render(d))
		}
		lines = append(lines, cut(line.String(), width))
	}
	if shown < rows && height > 0 {
		hidden := 0
		for i := range ks {
			if i%rows >= shown {
				hidden++
			}
		}
		lines = append(lines, st.Desc.Render(ellipsis(plural(hidden, "more key")+": make the terminal taller", width)))
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return lines
}

func cut(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}

// ellipsis cuts plain text s to w cells, ending in "…" when cut.
func ellipsis(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && lipgloss.Width(string(r))+1 > w {
		r = r[:len(r)-1]
	}
	if w <= 0 {
		return ""
	}
	return string(r) + "…"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
