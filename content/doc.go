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
// with file:line and what to fix; all problems are reported at once.
// AUTHORING.md describes the format for writers.
package content
