// Package site builds the course as a static web site: one HTML page per
// lesson and per lab, a home page, a client-side search index, and SVG
// space-time diagrams drawn from real simulated runs.
//
//	c, _ := content.Load()
//	err := site.Build(site.Options{Out: "dist", Course: c, Labs: suite.Labs(), Demo: suite.LookupDemo})
//
// Pages are flat files (raft-election.html) with relative links, so the site
// works from file:// as well as from any static host, and stays readable and
// navigable with JavaScript off (search, the theme toggle and keyboard
// shortcuts need it). Markdown goes through goldmark with GFM, footnotes,
// heading anchors and chroma highlighting with CSS classes for the light and
// dark themes. A fenced block with the info string faultline-diagram runs the
// named demo scenario with its seed and embeds the run's diagram (diagram.go).
// DrawSVG (svg.go) draws a window of the run (svg_window.go): events of one
// instant on one row, quiet stretches as a break marked with the time
// skipped, messages labelled by their lab (suite.Labeler), a legend
// (svg_legend.go), and labels placed where no other label is (svg_labels.go).
//
// A lab page shows the task, the command that grades a student's workspace,
// the tests by part, and the Go declarations the student programs against,
// copied from labs/ into api/ (api.go) and kept current by a test.
//
// Build refuses bad input rather than publishing it: an unknown scenario, a
// link to a lesson or anchor that does not exist, or a lab that is not
// registered stops the build with file:line and what to fix.
package site
