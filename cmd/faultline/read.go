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
		args:    "<lesson> [--width N]",
		summary: "print a lesson, rendered for the terminal (plain Markdown when piped)",
		help: `Prints the lesson with the given slug ('faultline lessons' lists them).
On a terminal it is rendered with glamour (GLAMOUR_STYLE: dark, light);
piped, it is printed as plain Markdown with diagrams replaced by the demo
command that shows them.`,
		run: runRead,
	})
	register(&command{
		name:    "lessons",
		args:    "[--json]",
		summary: "list the lessons in course order",
		run:     runLessons,
	})
}

func runRead(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("read")
	width := fs.Int("width", 100, "wrap width on a terminal")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("read", "want one lesson slug ('faultline lessons' lists them)")
	}
	c, err := content.Load()
	if err != nil {
		return err
	}
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
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := content.Load()
	if err != nil {
		return err
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
		return writeJSON(env.stdout, rows)
	}
	for _, r := range rows {
		lab := ""
		if r.Lab != "" {
			lab = "lab " + r.Lab + " " + r.Part
		}
		fmt.Fprintf(env.stdout, "%-28s %-46s %s\n", r.Slug, r.Title, lab)
	}
	return nil
}
