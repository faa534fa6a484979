package chart

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/muesli/termenv"
)

// Styles colour a terminal chart. A zero Style draws plain text.
type Styles struct {
	Title, Axis, Mark lipgloss.Style
	// Guide draws the guides (offered load, a threshold).
	Guide lipgloss.Style
	// Shade is the background of a marked interval.
	Shade lipgloss.Style
	// Lines colour the lines by index, cycling.
	Lines []lipgloss.Style
}

// DefaultStyles returns the colours the TUI uses: its accent, a warm
// contrast, and the theme's muted grey for axes.
func DefaultStyles() Styles {
	s := lipgloss.NewStyle
	return Styles{
		Title: s().Bold(true),
		Axis:  s().Foreground(lipgloss.AdaptiveColor{Light: "#5c6670", Dark: "#9aa5b1"}),
		Mark:  s().Foreground(lipgloss.AdaptiveColor{Light: "#b26a00", Dark: "#ffb74d"}),
		Guide: s().Foreground(lipgloss.AdaptiveColor{Light: "#37474f", Dark: "#cfd8dc"}),
		Shade: s().Background(lipgloss.AdaptiveColor{Light: "#fbeedd", Dark: "#3a2e1c"}),
		Lines: []lipgloss.Style{
			s().Foreground(lipgloss.AdaptiveColor{Light: "#c62828", Dark: "#ff6b6b"}),
			s().Foreground(lipgloss.AdaptiveColor{Light: "#0b63c5", Dark: "#6cb2ff"}),
			s().Foreground(lipgloss.AdaptiveColor{Light: "#2e7d32", Dark: "#6fcf73"}),
			s().Foreground(lipgloss.AdaptiveColor{Light: "#6a1b9a", Dark: "#ce93d8"}),
		},
	}
}

// Cell styles of the grid.
const (
	fgNone = iota
	fgTitle
	fgAxis
	fgMark
	fgGuide
	fgLine // fgLine+i is line i
)

type cell struct {
	r     rune
	fg    int
	shade bool
}

type grid [][]cell

func newGrid(w, h int) grid {
	g := make(grid, h)
	for y := range g {
		g[y] = make([]cell, w)
		for x := range g[y] {
			g[y][x].r = ' '
		}
	}
	return g
}

// text writes s from column x of row y, cutting it at the row's end, and
// returns the column after it.
func (g grid) text(x, y int, s string, fg int) int {
	for _, r := range s {
		if x >= len(g[y]) {
			break
		}
		if x >= 0 {
			g[y][x] = cell{r: r, fg: fg, shade: g[y][x].shade}
		}
		x++
	}
	return x
}

func (g grid) render(st Styles) string {
	styleOf := func(c cell) lipgloss.Style {
		var s lipgloss.Style
		switch {
		case c.fg == fgTitle:
			s = st.Title
		case c.fg == fgAxis:
			s = st.Axis
		case c.fg == fgMark:
			s = st.Mark
		case c.fg == fgGuide:
			s = st.Guide
		case c.fg >= fgLine && len(st.Lines) > 0:
			s = st.Lines[(c.fg-fgLine)%len(st.Lines)]
		default:
			s = lipgloss.NewStyle()
		}
		if c.shade {
			s = s.Background(st.Shade.GetBackground())
		}
		return s
	}
	rows := make([]string, len(g))
	for y, row := range g {
		var b strings.Builder
		for x := 0; x < len(row); {
			end := x
			var run strings.Builder
			for end < len(row) && row[end].fg == row[x].fg && row[end].shade == row[x].shade {
				run.WriteRune(row[end].r)
				end++
			}
			if row[x].fg == fgNone && !row[x].shade {
				b.WriteString(run.String())
			} else {
				b.WriteString(styleOf(row[x]).Render(run.String()))
			}
			x = end
		}
		rows[y] = b.String()
	}
	return strings.Join(rows, "\n")
}

// braille bit of the dot in column dx (0-1) and row dy (0-3) of a cell.
var brailleBit = [2][4]rune{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

// Glyphs draw the lines, by index (cycling), where the output has no
// colour: each line its own glyph, named in the legend, so that the lines
// can be told apart on a monochrome terminal or in a log.
var Glyphs = []rune{'•', '×', '+', 'o'}

// Glyphs of the other things drawn in a terminal chart.
const (
	bandGlyph  = '░' // a line's spread over seeds
	guideGlyph = '·' // a guide (offered load, a judged threshold)
)

// colourless reports whether st draws no colour: it has no line styles,
// or Lip Gloss found a terminal without colour (NO_COLOR, or output that
// is not a terminal).
func (st Styles) colourless() bool {
	return len(st.Lines) == 0 || lipgloss.ColorProfile() == termenv.Ascii
}

// Terminal draws c in exactly h rows of exactly w cells each, styled with
// st: a title with the unit, the plot with a labelled y axis, the x axis
// with its ticks, and a legend (one row, or two when it needs them and h
// is at least 12) naming the lines, the shaded spread over seeds, the
// guides and the marked intervals. With colour, lines are braille dots (2×4
// per cell) told apart by colour; without it (Styles.colourless), each line
// is drawn in its own glyph (Glyphs) at the resolution of a cell. Where two
// lines share a cell, the later one wins. A line's spread is shaded ░ under
// it, a guide dotted ·, a marked interval shaded between ┊ edges (an
// instant is one ┊). Below 5 rows or 20 columns it gives the title and
// legend alone.
func Terminal(c Chart, w, h int, st Styles) string {
	if w <= 0 || h <= 0 {
		return strings.Repeat("\n", max(h-1, 0))
	}
	plain := st.colourless()
	g := newGrid(w, h)
	title := c.Title
	if c.Unit != "" {
		title += " (" + c.Unit + ")"
	}
	g.text(0, 0, title, fgTitle)
	items := legendItems(c, plain)
	if h < 5 || w < 20 {
		if h > 1 {
			legend(g, []int{h - 1}, items)
		}
		return g.render(st)
	}
	rows := []int{h - 1}
	if h >= 12 && legendWidth(items) > w {
		rows = []int{h - 2, h - 1}
	}
	ph := h - 3 - len(rows) // plot rows: title above; axis, ticks and legend below
	yt := c.yTicks(min(5, max(2, ph/2+1)))
	labelW := 0
	for _, v := range yt {
		labelW = max(labelW, len(fmtValue(v)))
	}
	axisX := labelW
	pw := w - axisX - 1
	from, to := c.xRange()
	top := yt[len(yt)-1]
	dw, dh := pw*2, ph*4
	dotX := func(t time.Duration) int {
		return int(math.Round(float64(t-from) / float64(to-from) * float64(dw-1)))
	}
	dotY := func(v float64) int {
		return int(math.Round((1 - v/top) * float64(dh-1)))
	}
	// set writes r in the plot cell (cx, cy), keeping its shading.
	set := func(cx, cy int, r rune, fg int) {
		if cx < 0 || cx >= pw || cy < 0 || cy >= ph {
			return
		}
		g[1+cy][axisX+1+cx] = cell{r: r, fg: fg, shade: g[1+cy][axisX+1+cx].shade}
	}

	// Marked intervals: shaded, with dotted edges.
	marked := make([]bool, pw)
	for _, m := range c.Marks {
		a, b := max(dotX(m.From)/2, 0), min(dotX(m.To)/2, pw-1)
		for x := a; x <= b; x++ {
			marked[x] = true
			for y := 1; y <= ph; y++ {
				g[y][axisX+1+x].shade = true
			}
		}
		for _, x := range []int{a, b} {
			if x >= 0 && x < pw {
				for y := 1; y <= ph; y++ {
					g[y][axisX+1+x] = cell{r: '┊', fg: fgMark, shade: true}
				}
			}
		}
	}

	// Spreads over seeds, under everything drawn in the plot.
	for i, l := range c.Lines {
		sp := l.Series.Spread
		for j := range sp {
			a := sp[j]
			if !shown(a.T, from, to, a.Lo) || !shown(a.T, from, to, a.Hi) {
				continue
			}
			b := a
			if j+1 < len(sp) && shown(sp[j+1].T, from, to, sp[j+1].Lo) && shown(sp[j+1].T, from, to, sp[j+1].Hi) {
				b = sp[j+1]
			}
			x0, x1 := dotX(a.T), dotX(b.T)
			for x := x0; x <= x1; x++ {
				f := 0.0
				if x1 > x0 {
					f = float64(x-x0) / float64(x1-x0)
				}
				lo, hi := a.Lo+f*(b.Lo-a.Lo), a.Hi+f*(b.Hi-a.Hi)
				for cy := dotY(hi) / 4; cy <= dotY(lo)/4; cy++ {
					set(x/2, cy, bandGlyph, fgLine+i)
				}
			}
		}
	}

	// Guides, dotted, at the resolution of a cell.
	for _, gd := range c.Guides {
		pts := gd.Points
		if len(pts) == 0 {
			pts = []series.Point{{T: from, V: gd.V}, {T: to, V: gd.V}}
		}
		cellLine(pts, from, to, dotX, dotY, func(cx, cy int) { set(cx, cy, guideGlyph, fgGuide) })
	}

	// Lines: braille dots (two lines in one cell show both's dots, in the
	// later one's colour), or each line's glyph where there is no colour.
	dots := make([][]rune, ph)
	for y := range dots {
		dots[y] = make([]rune, pw)
	}
	for i, l := range c.Lines {
		if plain {
			glyph := Glyphs[i%len(Glyphs)]
			cellLine(l.Series.Points, from, to, dotX, dotY, func(cx, cy int) { set(cx, cy, glyph, fgLine+i) })
			continue
		}
		plot := func(x, y int) {
			if x < 0 || x >= dw || y < 0 || y >= dh {
				return
			}
			cx, cy := x/2, y/4
			dots[cy][cx] |= brailleBit[x%2][y%4]
			set(cx, cy, 0x2800+dots[cy][cx], fgLine+i)
		}
		prevX, prevY, have := 0, 0, false
		for _, p := range l.Series.Points {
			if !shown(p.T, from, to, p.V) {
				have = false
				continue
			}
			x, y := dotX(p.T), dotY(p.V)
			if have {
				line(prevX, prevY, x, y, plot)
			} else {
				plot(x, y)
			}
			prevX, prevY, have = x, y, true
		}
	}

	// A chart of a run that recorded nothing at all (a starter that never
	// sends) says so rather than drawing an empty plot.
	if !slices.ContainsFunc(c.Lines, func(l Line) bool { return len(l.Series.Points) > 0 }) {
		const msg = "nothing recorded in this run"
		g.text(axisX+1+max((pw-len(msg))/2, 0), 1+ph/2, msg, fgTitle)
	}

	// The y axis.
	labelled := make([]bool, ph)
	for y := range ph {
		g[1+y][axisX] = cell{r: '│', fg: fgAxis}
	}
	for i := len(yt) - 1; i >= 0; i-- {
		row := dotY(yt[i]) / 4
		if labelled[row] {
			continue
		}
		labelled[row] = true
		s := fmtValue(yt[i])
		g.text(axisX-len(s), 1+row, s, fgAxis)
		g[1+row][axisX] = cell{r: '┤', fg: fgAxis}
	}

	// The x axis and its ticks.
	ay := 1 + ph
	g[ay][axisX] = cell{r: '└', fg: fgAxis}
	for x := range pw {
		r, fg := '─', fgAxis
		if marked[x] {
			r, fg = '━', fgMark
		}
		g[ay][axisX+1+x] = cell{r: r, fg: fg}
	}
	next := 0
	for _, t := range c.xTicks(from, to, max(2, pw/8)) {
		x := axisX + 1 + dotX(t)/2
		if g[ay][x].r == '━' {
			g[ay][x].r = '┯'
		} else {
			g[ay][x].r = '┬'
		}
		s := c.fmtX(t)
		start := min(max(x-len(s)/2, 0), w-len(s))
		if start < next {
			continue
		}
		next = g.text(start, ay+1, s, fgAxis) + 1
	}
	legend(g, rows, items)
	return g.render(st)
}

// cellLine calls plot for each cell on the line through pts (those shown
// on the axis from..to; a missing value breaks the line), at the
// resolution of a cell: Bresenham's algorithm on cell coordinates.
func cellLine(pts []series.Point, from, to time.Duration, dotX func(time.Duration) int, dotY func(float64) int, plot func(cx, cy int)) {
	prevX, prevY, have := 0, 0, false
	for _, p := range pts {
		if !shown(p.T, from, to, p.V) {
			have = false
			continue
		}
		x, y := dotX(p.T)/2, dotY(p.V)/4
		if have {
			line(prevX, prevY, x, y, plot)
		} else {
			plot(x, y)
		}
		prevX, prevY, have = x, y, true
	}
}

// legendItem is one entry of a legend: a symbol in its style, then text.
type legendItem struct {
	symbol string
	fg     int
	text   string
}

// legendItems lists the legend: the lines (by colour, or by glyph without
// colour), the spread, the guides and the marks.
func legendItems(c Chart, plain bool) []legendItem {
	var out []legendItem
	for i, l := range c.Lines {
		sym := "━━"
		if plain {
			sym = string(Glyphs[i%len(Glyphs)])
		}
		out = append(out, legendItem{sym, fgLine + i, l.Label})
	}
	if s := c.spreadLabel(); s != "" {
		out = append(out, legendItem{string(bandGlyph), fgAxis, s})
	}
	for _, gd := range c.Guides {
		out = append(out, legendItem{strings.Repeat(string(guideGlyph), 3), fgGuide, guideLabel(gd)})
	}
	for _, m := range c.Marks {
		sym := "┊━┊"
		if m.From == m.To {
			sym = "┊"
		}
		out = append(out, legendItem{sym, fgMark, fmtSpan(m)})
	}
	return out
}

// legendWidth is the width of the legend in one row.
func legendWidth(items []legendItem) int {
	w := 0
	for _, it := range items {
		w += len([]rune(it.symbol)) + 1 + len([]rune(it.text)) + 2
	}
	return w - 2
}

// legend writes the items on the given rows, starting a new row when an
// item would not fit (the last row is cut at the edge).
func legend(g grid, rows []int, items []legendItem) {
	r, x := 0, 0
	for _, it := range items {
		n := len([]rune(it.symbol)) + 1 + len([]rune(it.text))
		if x > 0 && x+n > len(g[0]) && r+1 < len(rows) {
			r, x = r+1, 0
		}
		x = g.text(x, rows[r], it.symbol+" ", it.fg)
		x = g.text(x, rows[r], it.text, fgNone) + 2
	}
}

// line calls plot for each dot of the segment from (x0, y0) to (x1, y1)
// (Bresenham's algorithm).
func line(x0, y0, x1, y1 int, plot func(x, y int)) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		plot(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}
