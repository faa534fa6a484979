package chart

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
)

// Geometry of an SVG chart, in user units. The width is small so that
// text stays readable when a phone (390 px) scales the chart down.
const (
	svgW      = 440
	svgPlotH  = 150
	svgTop    = 40 // title, and the marks' labels above the plot
	svgRight  = 14
	svgFont   = 12
	svgCharW  = 7.2 // estimated width of a character at svgFont
	svgLegend = 18  // height of a legend row
)

// Palette colours the lines; Dashes and Markers tell them apart without
// colour (in print, or for a reader who cannot tell the colours apart).
var (
	Palette = []string{"#d64545", "#2f74c0", "#2e8b57", "#8e44ad"}
	Dashes  = []string{"", "7 4", "2 3", "10 3 2 3"}
	Markers = []string{"circle", "square", "triangle", "diamond"}
)

// markerGap is the least distance, in user units, between two markers of
// one line: a marker on each of 50 points would hide the line.
const markerGap = 28

// marker returns the SVG element of line i's marker centred at (x, y).
func marker(i int, x, y float64, colour string) string {
	const r = 3.5
	switch Markers[i%len(Markers)] {
	case "square":
		return fmt.Sprintf(`<rect class="ch-marker" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(x-r+0.5), num(y-r+0.5), num(2*r-1), num(2*r-1), colour)
	case "triangle":
		return fmt.Sprintf(`<path class="ch-marker" d="M%s %sL%s %sL%s %sZ" fill="%s"/>`, num(x), num(y-r-0.5), num(x+r+0.5), num(y+r-0.5), num(x-r-0.5), num(y+r-0.5), colour)
	case "diamond":
		return fmt.Sprintf(`<path class="ch-marker" d="M%s %sL%s %sL%s %sL%s %sZ" fill="%s"/>`, num(x), num(y-r-0.5), num(x+r+0.5), num(y), num(x), num(y+r+0.5), num(x-r-0.5), num(y), colour)
	}
	return fmt.Sprintf(`<circle class="ch-marker" cx="%s" cy="%s" r="%s" fill="%s"/>`, num(x), num(y), num(r), colour)
}

const guideColour = "currentColor"

const markColour = "#e69b22"

// SVG draws c as a standalone SVG element that scales to its container
// (viewBox, width 100%): the title, a y axis labelled with the unit, time
// ticks, the marked intervals shaded and named, one polyline per line
// (broken where a value is missing), and a legend under the plot. Text is
// drawn in currentColor, so it follows the page's theme. The output
// depends only on c.
func SVG(c Chart) []byte {
	from, to := c.xRange()
	yt := c.yTicks(5)
	top := yt[len(yt)-1]
	labelW := 0
	for _, v := range yt {
		labelW = max(labelW, len(fmtValue(v)))
	}
	left := 24 + float64(labelW)*svgCharW + 6
	right := float64(svgW - svgRight)
	bottom := float64(svgTop + svgPlotH)
	x := func(t time.Duration) float64 {
		return left + float64(t-from)/float64(to-from)*(right-left)
	}
	y := func(v float64) float64 { return bottom - v/top*svgPlotH }

	// The legend: items laid out in rows that fit the width.
	type item struct {
		x, y                    float64
		text                    string
		line, mark, band, guide bool
		instant                 bool
		colour, dash            string
		index                   int
	}
	var items []item
	lx, ly := 8.0, bottom+44
	add := func(it item) {
		w := 30 + float64(len([]rune(it.text)))*svgCharW + 16
		if lx > 8 && lx+w > svgW {
			lx, ly = 8, ly+svgLegend
		}
		it.x, it.y = lx, ly
		items = append(items, it)
		lx += w
	}
	for i, l := range c.Lines {
		add(item{text: l.Label, line: true, colour: Palette[i%len(Palette)], dash: Dashes[i%len(Dashes)], index: i})
	}
	if sl := c.spreadLabel(); sl != "" {
		add(item{text: sl, band: true})
	}
	for _, g := range c.Guides {
		add(item{text: guideLabel(g), guide: true})
	}
	for _, m := range c.Marks {
		add(item{text: fmtSpan(m), mark: true, instant: m.From == m.To})
	}
	height := ly + 8

	var b bytes.Buffer
	title := c.Title
	if c.Unit != "" {
		title += " (" + c.Unit + ")"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="ch" viewBox="0 0 %d %s" width="100%%" role="img" aria-label="%s" font-family="system-ui, sans-serif" font-size="%d">`+"\n",
		svgW, num(height), esc(title+" against "+c.xTitle()), svgFont)
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(title+" against "+c.xTitle()))
	fmt.Fprintf(&b, `<text class="ch-title" x="8" y="16" font-weight="700" font-size="13" fill="currentColor">%s</text>`+"\n", esc(title))

	// Marks under everything else; an instant (From == To) is a dashed
	// vertical line.
	for _, m := range c.Marks {
		a, z := x(max(m.From, from)), x(min(m.To, to))
		if m.From == m.To && m.From >= from && m.From <= to {
			fmt.Fprintf(&b, `<line class="ch-mark" x1="%s" y1="%d" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="4 3"/>`+"\n",
				num(a), svgTop, num(a), num(bottom), markColour)
			if m.Label != "" {
				fmt.Fprintf(&b, `<text class="ch-mark-label" x="%s" y="%d" fill="currentColor" font-style="italic">%s</text>`+"\n",
					num(a+3), svgTop-4, esc(m.Label))
			}
			continue
		}
		if z <= a {
			continue
		}
		fmt.Fprintf(&b, `<rect class="ch-mark" x="%s" y="%d" width="%s" height="%d" fill="%s" fill-opacity="0.18"/>`+"\n",
			num(a), svgTop, num(z-a), svgPlotH, markColour)
		if m.Label != "" {
			fmt.Fprintf(&b, `<text class="ch-mark-label" x="%s" y="%d" fill="currentColor" font-style="italic">%s</text>`+"\n",
				num(a+3), svgTop-4, esc(m.Label))
		}
	}

	// Grid and y axis.
	for _, v := range yt {
		fmt.Fprintf(&b, `<line class="ch-grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="currentColor" stroke-opacity="0.18"/>`+"\n",
			num(left), num(y(v)), num(right), num(y(v)))
		fmt.Fprintf(&b, `<text class="ch-tick" x="%s" y="%s" text-anchor="end" fill="currentColor">%s</text>`+"\n",
			num(left-5), num(y(v)+4), fmtValue(v))
	}
	fmt.Fprintf(&b, `<text class="ch-unit" transform="translate(14 %s) rotate(-90)" text-anchor="middle" fill="currentColor">%s</text>`+"\n",
		num(float64(svgTop)+svgPlotH/2), esc(c.Unit))

	// Time axis.
	fmt.Fprintf(&b, `<line class="ch-axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="currentColor"/>`+"\n", num(left), num(bottom), num(right), num(bottom))
	fmt.Fprintf(&b, `<line class="ch-axis" x1="%s" y1="%d" x2="%s" y2="%s" stroke="currentColor"/>`+"\n", num(left), svgTop, num(left), num(bottom))
	for _, t := range c.xTicks(from, to, 8) {
		fmt.Fprintf(&b, `<line class="ch-axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="currentColor"/>`+"\n", num(x(t)), num(bottom), num(x(t)), num(bottom+4))
		fmt.Fprintf(&b, `<text class="ch-tick" x="%s" y="%s" text-anchor="middle" fill="currentColor">%s</text>`+"\n", num(x(t)), num(bottom+17), esc(c.fmtX(t)))
	}
	fmt.Fprintf(&b, `<text class="ch-unit" x="%s" y="%s" text-anchor="middle" fill="currentColor">%s</text>`+"\n",
		num((left+right)/2), num(bottom+32), esc(c.xTitle()))

	// Spreads over seeds: a band round each line, from its lows back
	// along its highs, broken where a value is missing.
	for i, l := range c.Lines {
		var run []series.Range
		flush := func() {
			if len(run) > 0 {
				fmt.Fprintf(&b, `<path class="ch-band ch-band-%d" fill="%s" fill-opacity="0.16" stroke="none" d="`, i, Palette[i%len(Palette)])
				for j, r := range run {
					op := "L"
					if j == 0 {
						op = "M"
					}
					b.WriteString(op + num(x(r.T)) + " " + num(y(r.Hi)))
				}
				for j := len(run) - 1; j >= 0; j-- {
					b.WriteString("L" + num(x(run[j].T)) + " " + num(y(run[j].Lo)))
				}
				b.WriteString(`Z"/>` + "\n")
			}
			run = run[:0]
		}
		for _, r := range l.Series.Spread {
			if !shown(r.T, from, to, r.Lo) || !shown(r.T, from, to, r.Hi) {
				flush()
				continue
			}
			run = append(run, r)
		}
		flush()
	}

	// Guides, dotted, over the bands and under the lines.
	for _, g := range c.Guides {
		pts := g.Points
		if len(pts) == 0 {
			pts = []series.Point{{T: from, V: g.V}, {T: to, V: g.V}}
		}
		var coords []string
		for _, p := range pts {
			if shown(p.T, from, to, p.V) {
				coords = append(coords, num(x(p.T))+","+num(y(p.V)))
			}
		}
		if len(coords) > 0 {
			fmt.Fprintf(&b, `<polyline class="ch-guide" fill="none" stroke="%s" stroke-opacity="0.75" stroke-width="1.5" stroke-dasharray="1.5 3" stroke-linecap="round" points="%s"/>`+"\n",
				guideColour, strings.Join(coords, " "))
		}
	}

	// Lines.
	for i, l := range c.Lines {
		var pts []string
		flush := func() {
			if len(pts) > 0 {
				dash := ""
				if d := Dashes[i%len(Dashes)]; d != "" {
					dash = ` stroke-dasharray="` + d + `"`
				}
				fmt.Fprintf(&b, `<polyline class="ch-line ch-line-%d" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"%s points="`, i, Palette[i%len(Palette)], dash)
				for j, p := range pts {
					if j > 0 {
						b.WriteByte(' ')
					}
					b.WriteString(p)
				}
				b.WriteString(`"/>` + "\n")
			}
			pts = pts[:0]
		}
		for _, p := range l.Series.Points {
			if !shown(p.T, from, to, p.V) {
				flush()
				continue
			}
			pts = append(pts, num(x(p.T))+","+num(y(p.V)))
		}
		flush()
		// Markers, one on a point at least markerGap from the last.
		last := math.Inf(-1)
		for _, p := range l.Series.Points {
			if !shown(p.T, from, to, p.V) || x(p.T)-last < markerGap {
				continue
			}
			last = x(p.T)
			b.WriteString(marker(i, x(p.T), y(p.V), Palette[i%len(Palette)]) + "\n")
		}
	}

	// Legend.
	for _, it := range items {
		switch {
		case it.line:
			dash := ""
			if it.dash != "" {
				dash = ` stroke-dasharray="` + it.dash + `"`
			}
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5"%s/>`+"\n",
				num(it.x), num(it.y-4), num(it.x+24), num(it.y-4), it.colour, dash)
			b.WriteString(marker(it.index, it.x+12, it.y-4, it.colour) + "\n")
		case it.band:
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="24" height="12" fill="currentColor" fill-opacity="0.2"/>`+"\n", num(it.x), num(it.y-10))
		case it.guide:
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-opacity="0.75" stroke-width="1.5" stroke-dasharray="1.5 3" stroke-linecap="round"/>`+"\n",
				num(it.x), num(it.y-4), num(it.x+24), num(it.y-4), guideColour)
		case it.instant:
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="4 3"/>`+"\n",
				num(it.x+12), num(it.y-11), num(it.x+12), num(it.y+2), markColour)
		case it.mark:
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="24" height="12" fill="%s" fill-opacity="0.35"/>`+"\n", num(it.x), num(it.y-10), markColour)
		}
		fmt.Fprintf(&b, `<text class="ch-legend" x="%s" y="%s" fill="currentColor">%s</text>`+"\n", num(it.x+30), num(it.y), esc(it.text))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// num formats a coordinate with at most one decimal, the same on every
// machine.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

func esc(s string) string { return html.EscapeString(s) }
