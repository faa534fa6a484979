// Package content is the course: the manifest (course.yaml) and the lessons
// (lessons/NN-slug.md), embedded in the binary so that one source renders in
// the terminal and on the site (DESIGN decision 9).
//
//	c, err := content.Load()
//	l, _ := c.Lesson("raft-election")
//	fmt.Println(l.Title, c.Next(l).Slug)
//
// Load checks everything it can without the rest of the engine: front
// matter fields and types, slugs against the manifest and file names,
// duplicates, and the syntax of diagram blocks. Every problem is reported
// with file:line and what to fix; all problems are reported at once. A
// lesson with a problem is left out and the rest still load, so a caller
// can show the good lessons and, for the bad one, its own problem:
//
//	c, err := content.LoadDir("content") // an author's working copy
//	l, lerr := c.Lesson("raft-election")  // lerr is this lesson's problem, if any
//
// The grader's figures are quoted, not typed (facts.go): ExpandFacts fills
// in {{fact LAB NAME}} from a suite.Lab's Facts, and the faultline-facts
// and faultline-assumes blocks (FactBlock) become the table of what the
// grader checks and the box of what it assumes. The site, the terminal
// reader (TerminalMarkdown, tui.LessonMarkdown) and `faultline task` all
// expand them the same way; HandCopies (drift.go) finds a figure typed by
// hand, which `go test ./content` reports with file:line.
//
// AUTHORING.md describes the format for writers.
package content
