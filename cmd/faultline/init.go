package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/workspace"
)

func init() {
	register(&command{
		name:    "init",
		args:    "[DIR] [--update]",
		summary: "make a student workspace: a Go module with the starter of every lab",
		help: `Makes DIR (default: the current directory) a workspace: a Go module with
one package per lab holding that lab's starter, a README, a .gitignore and a
GitHub Actions workflow that grades every push. Inside it,
'faultline grade <lab>' grades your package.

It never overwrites a file you have. Run it again (or with --update, which
means the same) after updating faultline: it refreshes the platform copy in
.faultline/platform and adds the starters of labs added since.`,
		run: runInit,
	})
}

func runInit(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("init")
	fs.Bool("update", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("init", "want at most one directory")
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	created, err := workspace.Init(dir, suite.Labs())
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(dir)
	if ws, err := workspace.Open(dir); err == nil {
		for _, r := range ws.MissingRequirements() {
			path, version, _ := strings.Cut(r, " ")
			fmt.Fprintf(env.stderr, "note: go.mod does not require %s, which the labs now use; run 'go get %s@%s' in %s (init never edits your go.mod)\n", path, path, version, abs)
		}
	}
	if len(created) == 0 {
		fmt.Fprintf(env.stdout, "%s is up to date (the platform copy was refreshed; none of your files changed)\n", abs)
		return nil
	}
	fmt.Fprintf(env.stdout, "workspace %s:\n", abs)
	for _, c := range created {
		fmt.Fprintf(env.stdout, "  created %s\n", c)
	}
	fmt.Fprintf(env.stdout, "\nNext:\n  cd %s\n  faultline read unreliable-networks   # the first lab's lesson\n  faultline grade pingpong             # grade your pingpong package\n", dir)
	return nil
}
