package workspace

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/vet"
)

// TestEveryLabKeepsTheContract: each registered lab's starter declares the
// package it says, follows the rules students must follow, and builds into
// a runner through its Bind expression. The starter is tested as shipped,
// from the platform's own tree: a student's progress never changes this.
func TestEveryLabKeepsTheContract(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner per lab")
	}
	for _, lab := range suite.Labs() {
		t.Run(lab.Name, func(t *testing.T) {
			require.NotEmpty(t, lab.Student.Package, "a lab names its student package")
			require.NotEmpty(t, lab.Student.Bind)
			dir := filepath.Join("..", "..", filepath.FromSlash(lab.StudentDir))
			pkgs, err := parser.ParseDir(token.NewFileSet(), dir, nil, parser.PackageClauseOnly)
			require.NoError(t, err)
			require.Len(t, pkgs, 1)
			for name := range pkgs {
				assert.Equal(t, lab.Student.Package, name, "the starter's package clause")
			}
			findings, err := vet.Check(dir, vet.Rules{Std: lab.Imports, Platform: lab.Student.BindImports})
			require.NoError(t, err)
			assert.Empty(t, findings, "the starter follows the student's rules")

			w, err := initWith(t, lab)
			require.NoError(t, err)
			_, err = BuildStudent(context.Background(), w, lab)
			require.NoError(t, err, "the starter builds into a runner through Bind")
		})
	}
}

func initWith(t *testing.T, lab *suite.Lab) (*Workspace, error) {
	dir := t.TempDir()
	if _, err := Init(dir, append([]*suite.Lab{lab}, usedLabs(lab)...)); err != nil {
		return nil, err
	}
	return Open(dir)
}

// TestWorkspaceCompiles: a fresh workspace is a Go module that builds and
// vets with the go command alone (offline: the platform copy is local).
func TestWorkspaceCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := t.TempDir()
	_, err := Init(dir, suite.Labs())
	require.NoError(t, err)
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// TestUsesTheStudentsRaft: kvraft builds on the student's own Raft from the
// workspace, and on the reference with Options.Reference (--raft
// reference).
func TestUsesTheStudentsRaft(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner")
	}
	lab, err := suite.Lookup("kvraft")
	require.NoError(t, err)
	w, err := initWith(t, lab)
	require.NoError(t, err)
	raftFile := filepath.Join(w.Dir, "raft", "raft.go")
	b, err := os.ReadFile(raftFile)
	require.NoError(t, err)
	marked := strings.Replace(string(b), "func New(id node.ID, apply func(raft.ApplyMsg)) raft.Node {",
		"func New(id node.ID, apply func(raft.ApplyMsg)) raft.Node {\n\tpanic(\"the student's raft.New\")", 1)
	require.NotEqual(t, string(b), marked)
	require.NoError(t, os.WriteFile(raftFile, []byte(marked), 0o644))

	built, err := BuildStudent(context.Background(), w, lab)
	require.NoError(t, err)
	one := regexp.MustCompile("^OneClerk$")
	for _, tc := range []struct {
		reference []string
		want      bool
	}{{nil, true}, {[]string{"raft"}, false}} {
		res, err := run.Grade(context.Background(), run.Options{Lab: lab, Impl: "student", Runner: built.Runner, Run: one, Seeds: 1,
			Reference: tc.reference, TraceDir: t.TempDir(), NoShrink: true})
		require.NoError(t, err)
		assert.Equal(t, tc.want, strings.Contains(res.Tests[0].Message, "the student's raft.New"), "reference %v: %s", tc.reference, res.Tests[0].Message)
	}
}

// TestContractErrorsNameTheStudentsFiles: a package that compiles alone but
// lacks what the lab's Bind expression uses, or gives it the wrong type,
// is told what its package must define, at its folder in the workspace
// (the runner's main.go the compiler complains about exists only during
// the build); a compile error names the student's file. No path into the
// build cache reaches the student.
func TestContractErrorsNameTheStudentsFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	cache, err := CacheDir()
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		lab      string // the lab graded
		edit     string // the lab whose package is edited
		file     string // the edited file of its package
		old, new string // the edit
		vet      bool
		want     string // in the message, after the package folder
	}{
		{"misnamed constructor", "pingpong", "pingpong", "starter.go", "func NewServer(", "func MakeServer(", true,
			"pingpong: your package must define NewServer (the lab's contract: see the starter, "},
		{"wrong signature", "pingpong", "pingpong", "starter.go", "done pingpong.Done)", "done pingpong.Done, extra int)", true,
			"pingpong: NewClient must be a func(id node.ID, server node.ID, done pingpong.Done) pingpong.Client, not a func(id node.ID, server node.ID, done pingpong.Done, extra int) pingpong.Client"},
		{"misnamed constructor of the lab built on", "kvraft", "raft", "raft.go", "func New(", "func Make(", true,
			"raft: your package must define New (the lab's contract: see the starter, "},
		{"type error, found by vet", "pingpong", "pingpong", "starter.go", "\nfunc NewClient(", "\nfunc broken() int { return \"x\" }\n\nfunc NewClient(", true,
			"pingpong/starter.go:"},
		{"type error, found by the compiler", "pingpong", "pingpong", "starter.go", "\nfunc NewClient(", "\nfunc broken() int { return \"x\" }\n\nfunc NewClient(", false,
			"pingpong/starter.go:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lab, err := suite.Lookup(tc.lab)
			require.NoError(t, err)
			w, err := initWith(t, lab)
			require.NoError(t, err)
			edited, err := suite.Lookup(tc.edit)
			require.NoError(t, err)
			file := filepath.Join(w.LabDir(edited), tc.file)
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			require.Contains(t, string(b), tc.old)
			require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(b), tc.old, tc.new, 1)), 0o644))

			_, err = buildWith(context.Background(), lab, studentPkgs(t, w, lab), buildOptions{wsDir: w.Dir, module: w.Module, vet: tc.vet, limits: defaultLimits})
			var be *BuildError
			require.ErrorAs(t, err, &be)
			assert.False(t, be.Vet, "not a rule violation")
			require.Len(t, be.Problems, 1, "%s", err)
			assert.Contains(t, be.Problems[0], filepath.Join(w.Dir, tc.want))
			assert.NotContains(t, err.Error(), cache, "no path into the build cache")
			assert.NotContains(t, err.Error(), "main.go", "no file the student does not have")
			assert.NotContains(t, err.Error(), "does not build:", "one heading")
		})
	}
}
