package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVetCommand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"clean starter", []string{"vet", "pingpong", "../../labs/pingpong/starter"}, 0, "no problems found", ""},
		{"problems", []string{"vet", "pingpong", "../../grader/vet/testdata/src/bad"}, 1, "bad.go:14:2: go statement", "problem(s) in"},
		{"build constraint", []string{"vet", "pingpong", "../../grader/vet/testdata/src/rules/gobuild"}, 1,
			"../../grader/vet/testdata/src/rules/gobuild/gobuild.go:4:1: //go:build line: build constraints are not allowed in lab code", "problem(s) in"},
		{"shared variable", []string{"vet", "pingpong", "../../grader/vet/testdata/src/rules/assignimported"}, 1,
			"assignimported.go:9:2: assignment to package-level variable errors.ErrUnsupported", "problem(s) in"},
		{"sub-package", []string{"vet", "pingpong", "../../grader/vet/testdata/src/subpkg"}, 1,
			`subpkg.go:5:2: import "workspace/raft/helper" is a sub-package of your workspace`, "problem(s) in"},
		{"does not build", []string{"vet", "pingpong", "../../grader/vet/testdata/src/broken"}, 2,
			"", "../../grader/vet/testdata/src/broken/broken.go:3:23: cannot use"},
		{"unknown lab", []string{"vet", "paxos"}, 2, "", `unknown lab "paxos"`},
		{"no args", []string{"vet"}, 2, "", "want a lab name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.out)
			assert.Contains(t, errOut, tc.err)
		})
	}
}

// TestVetKnowsTheWorkspaceModule: in a workspace whose module path has a
// dot (so it could be a published module), an import of one of its other
// packages is still named as a sub-package, by the module path in go.mod.
func TestVetKnowsTheWorkspaceModule(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a workspace")
	}
	dir := filepath.Join(t.TempDir(), "ds")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/alice/ds\n"), 0o644))
	code, _, errOut := runCLI("init", dir)
	require.Equal(t, 0, code, errOut)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "pingpong", "helper"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pingpong", "helper", "helper.go"), []byte("package helper\n\nfunc Two() int { return 2 }\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pingpong", "extra.go"),
		[]byte("package pingpong\n\nimport \"example.com/alice/ds/pingpong/helper\"\n\nfunc two() int { return helper.Two() }\n"), 0o644))

	code, out, errOut := runCLI("vet", "pingpong", filepath.Join(dir, "pingpong"))
	assert.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, errOut)
	assert.Contains(t, out, filepath.Join(dir, "pingpong", "extra.go")+`:3:8: import "example.com/alice/ds/pingpong/helper" is a sub-package of your workspace`)
}
