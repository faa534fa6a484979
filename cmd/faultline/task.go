package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/tui"
)

func init() {
	register(&command{
		name:    "task",
		args:    "<lab> [--width N]",
		summary: "print a lab's task, rendered for the terminal (plain Markdown when piped)",
		help: `Prints what the lab asks you to build: the interface, the files to edit,
the rules and what the grader checks ('faultline labs' lists the labs). It
is the text the terminal UI shows when you press t on a lab's screen, and
the lab's page on the site.

On a terminal it is rendered with glamour (GLAMOUR_STYLE: dark, light),
wrapped to the terminal's width (at most 100 columns), and shown through
$PAGER (else 'less -R') when it is longer than the screen. Piped, it is
printed as plain Markdown.

--width N      wrap at N columns instead of the terminal's width

Exit status: 0 when the task was printed, 2 for an unknown lab or one
without a task.`,
		run: runTask,
	})
}

func runTask(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("task")
	width := fs.Int("width", 0, "wrap width on a terminal (default: the terminal's, at most 100)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("task", "want one lab name: one of %s ('faultline labs' describes them)", strings.Join(labNames(), ", "))
	}
	if *width < 0 {
		return usageError("task", "--width wants a positive number of columns")
	}
	lab, err := suite.Lookup(pos[0])
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if strings.TrimSpace(lab.Task) == "" {
		hint := "its lesson describes what to build"
		if lab.Lesson != "" {
			hint += ": faultline read " + lab.Lesson
		}
		return &exitError{code: 2, err: fmt.Errorf("the %s lab has no task text; %s", lab.Name, hint)}
	}
	// The same page as the TUI's task screen (tui/app.go, openTask): the
	// task shown as a lesson with the lab's title and summary, so it is
	// rendered exactly as lessons are, by read's code path.
	task := &content.Lesson{Slug: "task:" + lab.Name, Title: "Task: " + lab.Title, Summary: lab.Summary, Body: lab.Task}
	return showLesson(env, task, tui.LessonOptions{}, *width)
}

// labNames lists the registered labs in course order, for errors that ask
// for a lab name.
func labNames() []string {
	var names []string
	for _, l := range suite.Labs() {
		names = append(names, l.Name)
	}
	return names
}
