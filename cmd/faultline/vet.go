package main

import (
	"context"
	"fmt"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/vet"
	"github.com/faultline-dev/faultline/grader/workspace"
)

func init() {
	register(&command{
		name:    "vet",
		args:    "<lab> [DIR]",
		summary: "check lab code against the rules: no goroutines, locks, wall clock, global randomness, shared package state, build constraints or disallowed imports",
		help: `Checks the Go packages in DIR (default: the lab's package of the workspace
you are in, else the platform's starter) against
the simulator's rules (docs/student.md, "The rules, and why"). Every problem
is printed as file:line:col with what to do instead. The check sees the files
exactly as the grader's build does (cgo off, this machine's GOOS and GOARCH,
no build tags), and refuses build constraints. The grader runs the same
check before grading.

Exit status: 0 when the code is clean, 1 when there are problems, 2 when the
code does not build or the lab is unknown.`,
		run: runVet,
	})
}

func runVet(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("vet")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usageError("vet", "want a lab name and an optional directory")
	}
	lab, err := suite.Lookup(pos[0])
	if err != nil {
		return err
	}
	dir := lab.StudentDir
	ws, wsErr := findWorkspace(env, "")
	if wsErr == nil {
		dir = ws.LabDir(lab)
	}
	if len(pos) == 2 {
		dir = pos[1]
		ws, wsErr = workspace.Find(dir) // the workspace DIR is in, wherever we are
	}
	if dir == "" {
		return usageError("vet", "lab %s names no student directory; give one", lab.Name)
	}
	rules := vet.Rules{Std: lab.Imports, Platform: lab.Student.BindImports}
	if wsErr == nil {
		rules.Module = ws.Module // so an import of the workspace's other packages is named for what it is
	}
	findings, err := vet.CheckContext(ctx, dir, rules)
	if err != nil {
		return err
	}
	for _, f := range findings {
		fmt.Fprintln(env.stdout, f)
	}
	if len(findings) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d problem(s) in %s: lab code must follow the simulator's rules (see `faultline vet --help`)", len(findings), dir)}
	}
	fmt.Fprintf(env.stdout, "%s: no problems found\n", dir)
	return nil
}
