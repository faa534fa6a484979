package main

import (
	"context"
	"fmt"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/tui"
)

func init() {
	register(&command{
		name:    "read",
		args:    "<lesson> [--width N] [--content DIR]",
		summary: "print a lesson, rendered for the terminal (plain Markdown when piped)",
		help: `Prints the lesson with the given slug ('faultline lessons' lists them).
On a terminal it is rendered with glamour (GLAMOUR_STYLE: dark, light);
piped, it is printed as plain Markdown with diagrams replaced by the demo
command that shows them.

--content DIR  read the lessons from DIR (a copy of content/, holding
               course.yaml and lessons/) instead of the built-in course,
               to try a lesson you are writing without rebuilding. A problem
               in another lesson does not stop this one from printing.`,
		run: runRead,
	})
	register(&command{
		name:    "lessons",
		args:    "[--json] [--content DIR]",
		summary: "list the lessons in course order",
		help: `Lists every lesson: slug, title and paired lab.

--content DIR  list the lessons in DIR (holding course.yaml and lessons/)
               instead of the built-in course. Lessons with problems are
               left out of the list and their problems are printed, with
               file:line, after it; the exit status is then 1.`,
		run: runLessons,
	})
}

func runRead(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("read")
	width := fs.Int("width", 100, "wrap width on a terminal")
	dir := contentFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("read", "want one lesson slug ('faultline lessons' lists them)")
	}
	c, loadErr := loadCourse(*dir)
	if c == nil {
		return loadErr
	}
	// Another lesson's problem is not this one's: only the lesson asked
	// for has to load (a broken one returns its own problems here).
	l, err := c.Lesson(pos[0])
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if !env.isTerminal {
		fmt.Fprintf(env.stdout, "# %s\n\n%s\n\n%s", l.Title, l.Summary, content.TerminalMarkdown(l.Body))
		return nil
	}
	style := env.getenv("GLAMOUR_STYLE")
	if style == "" {
		style = "dark"
	}
	out, err := tui.RenderLesson(l, style, *width)
	if err != nil {
		return err
	}
	fmt.Fprint(env.stdout, out)
	return nil
}

func runLessons(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("lessons")
	asJSON := fs.Bool("json", false, "print JSON")
	dir := contentFlag(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	c, loadErr := loadCourse(*dir)
	if c == nil {
		return loadErr
	}
	type row struct {
		Slug    string `json:"slug"`
		Title   string `json:"title"`
		Section string `json:"section"`
		Lab     string `json:"lab,omitempty"`
		Part    string `json:"part,omitempty"`
		Minutes int    `json:"minutes"`
	}
	var rows []row
	for _, l := range c.Lessons {
		rows = append(rows, row{l.Slug, l.Title, l.Section, l.Lab, l.Part, l.Minutes})
	}
	if *asJSON {
		if err := writeJSON(env.stdout, rows); err != nil {
			return err
		}
	} else {
		for _, r := range rows {
			lab := ""
			if r.Lab != "" {
				lab = "lab " + r.Lab + " " + r.Part
			}
			fmt.Fprintf(env.stdout, "%-28s %-46s %s\n", r.Slug, r.Title, lab)
		}
	}
	if loadErr != nil {
		// The good lessons are listed; the bad ones are the error.
		return &exitError{code: 1, err: loadErr}
	}
	return nil
}
