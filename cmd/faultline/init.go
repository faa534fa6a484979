package main

import (
	"context"
	"errors"
	"fmt"
	"os"
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

It never overwrites a file you have. Run 'faultline init --update' anywhere
inside a workspace (its root, a lab's folder, any folder below) after
updating faultline: it finds the workspace's root (the folder holding
.faultline/workspace.json), refreshes the platform copy in
.faultline/platform and adds the starters of labs added since. 'faultline
init' of a workspace's root does the same.

A workspace is not made inside another one (it would be a second Go module
in the first): 'faultline init DIR' with DIR inside a workspace is refused,
naming the workspace.`,
		run: runInit,
	})
}

func runInit(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("init")
	update := fs.Bool("update", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("init", "want at most one directory, not %d (%s)", len(pos), strings.Join(pos, " "))
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	root, err := workspace.Root(abs)
	existing := err == nil
	switch {
	case err == nil && *update:
		// Update the workspace dir is in, wherever in it dir is.
	case err == nil && root != abs:
		return &exitError{code: 2, err: fmt.Errorf("%s is inside the workspace %s: a workspace there would be a second Go module inside it.\n"+
			"To update that workspace, run 'faultline init --update' (anywhere in it); to make a new one, name a folder outside it", abs, root)}
	case err == nil:
		// init of a workspace's root: update it.
	case !errors.Is(err, workspace.ErrNotFound):
		return err
	case *update && !isFile(filepath.Join(abs, "go.mod")):
		return &exitError{code: 2, err: fmt.Errorf("no workspace to update: neither %s nor a folder above it holds .faultline/workspace.json.\n"+
			"Run it inside your workspace, or make one with 'faultline init DIR'", abs)}
	default:
		// A new workspace; or, with --update, a Go module that lost its
		// .faultline/workspace.json: restore it.
		root = abs
	}
	if existing && root != abs {
		fmt.Fprintf(env.stdout, "updating the workspace %s (%s is inside it)\n", root, abs)
	}
	created, err := workspace.Init(root, suite.Labs())
	if err != nil {
		return err
	}
	if ws, err := workspace.Open(root); err == nil {
		for _, r := range ws.MissingRequirements() {
			path, version, _ := strings.Cut(r, " ")
			fmt.Fprintf(env.stderr, "note: go.mod does not require %s, which the labs now use; run 'go get %s@%s' in %s (init never edits your go.mod)\n", path, path, version, root)
		}
	}
	if len(created) == 0 {
		fmt.Fprintf(env.stdout, "workspace %s is up to date (the platform copy was refreshed; none of your files changed)\n", root)
		return nil
	}
	fmt.Fprintf(env.stdout, "workspace %s:\n", root)
	for _, c := range created {
		fmt.Fprintf(env.stdout, "  created %s\n", c)
	}
	if existing {
		return nil
	}
	fmt.Fprintf(env.stdout, "\nNext:\n  cd %s\n  faultline read unreliable-networks   # the first lab's lesson\n  faultline grade pingpong             # grade your pingpong package\n", dir)
	return nil
}

// isFile reports whether path is a regular file.
func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
