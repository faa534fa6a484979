package main

import (
	"context"
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/internal/progress"
	"github.com/faultline-dev/faultline/tui"
)

func init() {
	register(&command{
		name:    "tui",
		args:    "",
		summary: "open the course in the terminal UI (the default command)",
		help: `The course map lists every lesson and lab; Enter opens one, / searches,
d opens the demo scenarios, ? shows every key, q quits, Esc goes back.

When standard output is not a terminal, prints the course outline and the
commands to use instead. GLAMOUR_STYLE (dark, light, notty) chooses how
lessons are drawn.

Progress (each test's last grade per implementation, how far each lesson
was read) is kept in $FAULTLINE_HOME/progress.json, or in your config
directory (~/.config/faultline/progress.json on Linux) when FAULTLINE_HOME
is unset. See docs/tui.md.`,
		run: runTUI,
	})
}

func runTUI(_ context.Context, env *cliEnv, args []string) error {
	if _, err := parseFlags(newFlags("tui"), args); err != nil {
		return err
	}
	c, loadErr := content.Load()
	if !env.isTerminal {
		return printOutline(env.stdout, c, loadErr)
	}
	progressPath, progressErr := progress.DefaultPath(env.getenv)
	ws, _ := findWorkspace(env, "") // outside a workspace, the platform's implementations
	app := tui.New(tui.Options{Course: c, LoadErr: loadErr, Labs: suite.Labs(), Demos: suite.Demos(), Runner: tui.EngineRunner(ws),
		Style: env.getenv("GLAMOUR_STYLE"), ProgressPath: progressPath, ProgressErr: progressErr})
	_, err := tea.NewProgram(app, tea.WithAltScreen()).Run()
	return err
}

// printOutline is what `faultline` prints when it cannot open a UI.
func printOutline(w io.Writer, c *content.Course, loadErr error) error {
	fmt.Fprintln(w, "faultline: distributed systems you can replay")
	if loadErr != nil {
		// Lessons with problems are left out; the rest are listed below.
		fmt.Fprintf(w, "\nSome lessons could not be loaded:\n%v\n", loadErr)
	}
	if c != nil {
		for _, s := range c.Sections {
			fmt.Fprintf(w, "\n%s\n", s.Title)
			for _, l := range s.Lessons {
				lab := ""
				if l.Lab != "" {
					lab = "  [lab: " + l.Lab
					if l.Part != "" {
						lab += " part " + l.Part
					}
					lab += "]"
				}
				fmt.Fprintf(w, "  %2d. %-44s %s%s\n", l.Index+1, l.Title, l.Slug, lab)
			}
		}
	}
	fmt.Fprintln(w, "\nLabs")
	for _, l := range suite.Labs() {
		fmt.Fprintf(w, "  %-10s %s (%d points)\n", l.Name, l.Title, l.MaxScore())
	}
	fmt.Fprint(w, `
This is not a terminal, so the interactive course did not open. Instead:
  faultline read <lesson>     print a lesson (slugs above)
  faultline demo              list demo scenarios; faultline demo <name> --trace FILE
  faultline labs              list labs, tests and points
  faultline grade <lab>       grade an implementation
  faultline site build        build the course web site
Run 'faultline --help' for every command.
`)
	return nil
}
