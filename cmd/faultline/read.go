package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/tui"
	"golang.org/x/term"
)

func init() {
	register(&command{
		name:    "read",
		args:    "<lesson> [--answers] [--width N] [--content DIR]",
		summary: "print a lesson, rendered for the terminal (plain Markdown when piped)",
		help: `Prints the lesson with the given slug ('faultline lessons' lists them),
its objectives first.

On a terminal it is rendered with glamour (GLAMOUR_STYLE: dark, light),
wrapped to the terminal's width (at most 100 columns), and shown through
$PAGER (else 'less -R') when it is longer than the screen. Piped, it is
printed as plain Markdown with diagrams replaced by the demo command that
shows them.

--answers      show the answers to the review questions (hidden by default,
               so that you can try them first)
--width N      wrap at N columns instead of the terminal's width
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
               file:line, after it; the exit status is then 1. So are
               figures quoted from the grader ({{fact LAB NAME}}) that no
               lab has.`,
		run: runLessons,
	})
}

// terminalSize returns stdout's size; tests replace it.
var terminalSize = func() (w, h int, err error) { return term.GetSize(int(os.Stdout.Fd())) }

// page shows text through a pager; tests replace it. pager is a shell
// command line ($PAGER) or empty for less -R.
var page = func(env *cliEnv, pager, text string) error {
	var cmd *exec.Cmd
	if pager != "" {
		cmd = exec.Command("sh", "-c", pager)
	} else {
		cmd = exec.Command("less", "-R")
	}
	cmd.Stdin = strings.NewReader(text)
	cmd.Stdout, cmd.Stderr = env.stdout, env.stderr
	if err := cmd.Start(); err != nil {
		// Without a pager the lesson is still worth printing.
		fmt.Fprint(env.stdout, text)
		return nil
	}
	_ = cmd.Wait() // quitting a pager early is not an error
	return nil
}

func runRead(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("read")
	width := fs.Int("width", 0, "wrap width on a terminal (default: the terminal's, at most 100)")
	answers := fs.Bool("answers", false, "show the answers to the review questions")
	dir := contentFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("read", "want one lesson slug ('faultline lessons' lists them)")
	}
	if *width < 0 {
		return usageError("read", "--width wants a positive number of columns")
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
	o := tui.LessonOptions{Answers: *answers, FoldedHint: "faultline read " + l.Slug + " --answers shows it"}
	return showLesson(env, l, o, *width)
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
	// A figure quoted from a lab that this binary does not have ({{fact
	// raft no-such}}) loads fine, since the lessons do not know the labs:
	// it is checked here, as the site build checks it.
	var factErrs []error
	for _, l := range c.Lessons {
		if err := content.CheckFacts(l.Body, filepath.Join(*dir, l.Path), l.BodyLine, content.RegisteredFacts); err != nil {
			factErrs = append(factErrs, err)
		}
	}
	if loadErr != nil || len(factErrs) > 0 {
		// The good lessons are listed; the bad ones are the error.
		return &exitError{code: 1, err: errors.Join(append([]error{loadErr}, factErrs...)...)}
	}
	return nil
}

// showLesson prints a lesson (or a task shown as one): Markdown when
// stdout is not a terminal, else rendered with glamour to the terminal's
// width (or width, when positive), through the pager when it is taller
// than the screen.
func showLesson(env *cliEnv, l *content.Lesson, o tui.LessonOptions, width int) error {
	if !env.isTerminal {
		fmt.Fprint(env.stdout, tui.LessonMarkdown(l, o))
		return nil
	}
	style := env.getenv("GLAMOUR_STYLE")
	if style == "" {
		style = "dark"
	}
	w, h, err := terminalSize()
	if err != nil {
		w, h = tui.MaxLessonWidth, 0 // unknown: wrap wide, never page
	}
	if width > 0 {
		w = width
	}
	out, err := tui.RenderLesson(l, style, w, o)
	if err != nil {
		return err
	}
	if h > 0 && strings.Count(out, "\n") >= h {
		return page(env, env.getenv("PAGER"), out)
	}
	fmt.Fprint(env.stdout, out)
	return nil
}
