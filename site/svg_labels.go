package site

import (
	"bytes"
	"fmt"
	"html"
	"unicode/utf8"
)

// A diagram's text is laid out so that no two labels overlap and none
// crosses the edge of the SVG: each label has a list of candidate
// positions, and takes the first whose box is free, first at its size, then
// smaller. Boxes are estimated from the font: the diagram is set in a
// monospace font whose advance is about 0.6 em for ASCII; other runes
// (✓, ✗, ⋯, ≤) are counted as a full em, since a fallback font may draw them.

// textBox is the estimated ink box of a label, in SVG user units.
type textBox struct{ x0, y0, x1, y1 float64 }

func (a textBox) overlaps(b textBox) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

// textWidth estimates how wide s is at font size size.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r < utf8.RuneSelf {
			w += 0.6
		} else {
			w += 1.0
		}
	}
	return w * size
}

// boxOf is the box of a text element at (x, y) (y is the baseline) with
// the given anchor ("start", "middle" or "end"), padded by the halo that
// keeps lines from crossing the letters.
func boxOf(s string, x, y, size float64, anchor string) textBox {
	const halo = 1.5
	w := textWidth(s, size)
	x0 := x
	switch anchor {
	case "middle":
		x0 = x - w/2
	case "end":
		x0 = x - w
	}
	return textBox{x0 - halo, y - 0.8*size - halo, x0 + w + halo, y + 0.25*size + halo}
}

// spot is a candidate position of a label.
type spot struct {
	x, y   float64
	anchor string
}

// label is a text to place.
type label struct {
	class string
	text  string
	size  float64
	title string // tooltip, "" for none
	spots []spot
	// offLines asks for a spot that crosses no lifeline if there is one:
	// a message label read across a lifeline looks struck through.
	offLines bool
}

// labels places text without overlaps inside a width × height canvas.
type labels struct {
	width, height float64
	lines         []float64 // x of the lifelines
	taken         []textBox
	out           bytes.Buffer
	unplaced      []string // labels that found no free spot
}

// fits reports whether a box is free and inside the canvas, and, with
// offLines, crosses no lifeline.
func (l *labels) fits(b textBox, offLines bool) bool {
	if b.x0 < 0 || b.y0 < 0 || b.x1 > l.width || b.y1 > l.height {
		return false
	}
	for _, t := range l.taken {
		if t.overlaps(b) {
			return false
		}
	}
	if offLines {
		for _, x := range l.lines {
			if b.x0 < x+1 && x-1 < b.x1 {
				return false
			}
		}
	}
	return true
}

// place draws lb at its first free spot, trying a smaller size when none is
// free at its own. It reports whether lb was drawn; a label that is not is
// still in the arrow's or mark's tooltip.
func (l *labels) place(lb label) bool {
	type try struct {
		size     float64
		offLines bool
	}
	tries := []try{{lb.size, false}, {lb.size - 2, false}}
	if lb.offLines {
		tries = append([]try{{lb.size, true}}, tries...)
	}
	for _, t := range tries {
		for _, s := range lb.spots {
			b := boxOf(lb.text, s.x, s.y, t.size, s.anchor)
			if l.fits(b, t.offLines) {
				l.taken = append(l.taken, b)
				l.write(lb, s, t.size)
				return true
			}
		}
	}
	l.unplaced = append(l.unplaced, lb.text)
	return false
}

// fixed draws a label that must appear where it is (a node name, a time)
// and reserves its box.
func (l *labels) fixed(class, text string, x, y, size float64, anchor string) {
	l.taken = append(l.taken, boxOf(text, x, y, size, anchor))
	l.write(label{class: class, text: text}, spot{x, y, anchor}, size)
}

// reserve keeps a region free of labels (a mark, the legend).
func (l *labels) reserve(b textBox) { l.taken = append(l.taken, b) }

func (l *labels) write(lb label, s spot, size float64) {
	fmt.Fprintf(&l.out, `<text class="%s" x="%s" y="%s" font-size="%s" text-anchor="%s">%s`,
		lb.class, num(s.x), num(s.y), num(size), s.anchor, html.EscapeString(lb.text))
	if lb.title != "" {
		fmt.Fprintf(&l.out, `<title>%s</title>`, html.EscapeString(lb.title))
	}
	l.out.WriteString(`</text>`)
}

// num formats a coordinate with at most one decimal.
func num(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}

// alongArrow lists spots for a message label on the arrow from (x0, y0) to
// (x1, y1): its middle first, then points nearer either end, just above the
// line.
func alongArrow(x0, y0, x1, y1 float64) []spot {
	var out []spot
	for _, f := range []float64{0.5, 0.38, 0.62, 0.28, 0.72, 0.18, 0.82, 0.1, 0.9} {
		x, y := x0+(x1-x0)*f, y0+(y1-y0)*f
		out = append(out, spot{x, y - 3, "middle"}, spot{x, y + 11, "middle"})
	}
	return out
}

// offArrow lists spots further off the arrow from (x0, y0) to (x1, y1), for
// a crowd: a burst of arrows from one point.
func offArrow(x0, y0, x1, y1 float64) []spot {
	var out []spot
	for _, dy := range []float64{-14, 22, -25, 33} {
		for i := 10; i <= 90; i += 5 {
			f := float64(i) / 100
			x, y := x0+(x1-x0)*f, y0+(y1-y0)*f
			out = append(out, spot{x, y + dy, "middle"})
		}
	}
	return out
}

// besideMark lists spots for a mark's label on a lifeline at (x, y): on its
// right, on its left, then a little above or below.
func besideMark(x, y float64) []spot {
	return []spot{
		{x + 9, y + 4, "start"}, {x - 9, y + 4, "end"},
		{x + 9, y - 7, "start"}, {x - 9, y - 7, "end"},
		{x + 9, y + 14, "start"}, {x - 9, y + 14, "end"},
	}
}
