package site

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
)

var (
	svgSize     = regexp.MustCompile(`^<svg [^>]*width="(\d+)" height="(\d+)"`)
	svgUnplaced = regexp.MustCompile(`^<svg [^>]*data-unplaced="([^"]*)"`)
	svgTexts    = regexp.MustCompile(`<text class="([^"]*)" x="([-\d.]+)" y="([-\d.]+)" font-size="([\d.]+)" text-anchor="(\w+)">([^<]*)`)
)

// svgProblems lists the labels of a diagram that overlap another or cross
// its edge, says how many found no place at all, and says so if it is
// taller than DefaultMaxHeight. Boxes are
// estimated as the layout estimates them (boxOf), from the positions and
// sizes written in the SVG.
func svgProblems(svg []byte) []string {
	var out []string
	m := svgSize.FindSubmatch(svg)
	if m == nil {
		return []string{"no width and height on the svg element"}
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	if h > DefaultMaxHeight {
		out = append(out, fmt.Sprintf("%g px tall, more than %d", h, DefaultMaxHeight))
	}
	if m := svgUnplaced.FindSubmatch(svg); m != nil {
		out = append(out, fmt.Sprintf("labels found no free spot: %s", html.UnescapeString(string(m[1]))))
	}
	type text struct {
		s   string
		box textBox
	}
	var texts []text
	for _, t := range svgTexts.FindAllSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(string(t[2]), 64)
		y, _ := strconv.ParseFloat(string(t[3]), 64)
		size, _ := strconv.ParseFloat(string(t[4]), 64)
		s := html.UnescapeString(string(t[6]))
		b := boxOf(s, x, y, size, string(t[5]))
		// The halo may touch the edge; the letters may not.
		if b.x0+1.5 < 0 || b.y0+1.5 < 0 || b.x1-1.5 > w || b.y1-1.5 > h {
			out = append(out, fmt.Sprintf("%q at (%g, %g) crosses the edge of the %gx%g diagram", s, x, y, w, h))
		}
		for _, o := range texts {
			if o.box.overlaps(b) {
				out = append(out, fmt.Sprintf("%q at (%g, %g) overlaps %q", s, x, y, o.s))
			}
		}
		texts = append(texts, text{s, b})
	}
	if len(texts) == 0 {
		out = append(out, "no text at all")
	}
	return out
}
