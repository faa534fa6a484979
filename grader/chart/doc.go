// Package chart draws time series measured in virtual time (package
// series) as line charts: in the terminal, for Bubble Tea and Lip Gloss
// views, and as SVG, for the site. It is the one charting package of every
// overload lab, so a figure looks the same wherever it is read.
//
// A Chart is one metric over time, one line per side of a comparison, with
// the intervals worth marking (a trigger) shaded:
//
//	set, _ := demo.Series(seed)                  // a series.Set
//	c, err := chart.ForMetric(set, "goodput")     // naive vs reference
//	fmt.Println(chart.Terminal(c, 80, 12, chart.DefaultStyles()))
//	svg := chart.SVG(c)                           // deterministic bytes
//
// Terminal returns exactly the height asked for, each row exactly the width
// asked for; with colour, lines are drawn in braille dots (2×4 per cell)
// and told apart by colour, and without it (NO_COLOR, output that is not a
// terminal, or zero Styles) each line is drawn in its own glyph (• × + o)
// named in the legend. SVG scales to its container (a viewBox and width
// 100%), draws text in currentColor, and tells lines apart by colour, dash
// pattern and marker, so that it reads in light and dark themes, in print
// and without telling colours apart.
//
// A set measured over several seeds (series.OverSeeds) draws each line as
// the median with the spread shaded round it; guides (series.Guide: the
// offered load, a threshold a check judged, a theory's curve) are dotted
// lines named in the legend; an axis that counts (Chart.XCount, YCount)
// has whole-number ticks; an interval with From == To is one instant,
// drawn as a vertical line.
package chart
