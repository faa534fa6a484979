package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInitNeverOverwrites: init makes a workspace, and running it again
// keeps every file the student changed, restores a removed lab, and says
// so.
func TestInitNeverOverwrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ds")
	code, out, errOut := runCLI("init", dir)
	require.Equal(t, 0, code, errOut)
	for _, f := range []string{"go.mod", "go.sum", "README.md", ".gitignore", ".github/workflows/grade.yml", "raft/raft.go", "raft/grade_test.go", "pingpong/starter.go"} {
		assert.FileExists(t, filepath.Join(dir, f))
		assert.Contains(t, out, "created "+f)
	}
	mine := filepath.Join(dir, "raft", "raft.go")
	require.NoError(t, os.WriteFile(mine, []byte("package raft // my work\n"), 0o644))
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "pingpong")))
	code, out, errOut = runCLI("init", dir, "--update")
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(mine)
	require.NoError(t, err)
	assert.Equal(t, "package raft // my work\n", string(b), "a student's file is never overwritten")
	assert.Contains(t, out, "created pingpong/starter.go")
	assert.NotContains(t, out, "raft/raft.go")
	code, out, _ = runCLI("init", dir)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "up to date")

	// A workspace from before a lab needed a module is told how to add it.
	gomod := filepath.Join(dir, "go.mod")
	b, err = os.ReadFile(gomod)
	require.NoError(t, err)
	var kept []string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, "porcupine") {
			kept = append(kept, line)
		}
	}
	require.NoError(t, os.WriteFile(gomod, []byte(strings.Join(kept, "\n")), 0o644))
	code, _, errOut = runCLI("init", dir, "--update")
	require.Equal(t, 0, code)
	assert.Contains(t, errOut, "go get github.com/anishathalye/porcupine@")
}

// TestGradeStudentCode grades a workspace's starter in runner processes:
// the student's code, not the platform's, and the JSON on stdout stays
// JSON whatever the student prints.
func TestGradeStudentCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner")
	}
	t.Setenv("FAULTLINE_CACHE", t.TempDir())
	dir := t.TempDir()
	code, _, errOut := runCLI("init", dir)
	require.Equal(t, 0, code, errOut)
	starter := filepath.Join(dir, "pingpong", "starter.go")
	b, err := os.ReadFile(starter)
	require.NoError(t, err)
	// The starter, plus a fake report printed from every client.
	fake := strings.Replace(string(b), "func (c *client) Start(env node.Env) { c.env = env }",
		"func (c *client) Start(env node.Env) {\n\tc.env = env\n\tfmt.Println(`{\"status\":\"pass\",\"score\":30}`)\n\tfmt.Println(\"Score 30/30 points\")\n}", 1)
	fake = strings.Replace(fake, "import (", "import (\n\t\"fmt\"", 1)
	require.NotEqual(t, string(b), fake)
	require.NoError(t, os.WriteFile(starter, []byte(fake), 0o644))

	code, out, errOut := runCLI("grade", "pingpong", "--workspace", dir, "--format", "json", "--seeds", "1", "--no-shrink", "--trace-dir", t.TempDir())
	assert.Equal(t, 1, code, errOut)
	var res struct {
		Impl  string `json:"impl"`
		Score int    `json:"score"`
		Tests []struct {
			Output string `json:"output"`
			Replay string `json:"replay"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), "stdout is one JSON document:\n%s", out)
	assert.Equal(t, "student", res.Impl)
	assert.Equal(t, 0, res.Score)
	assert.Contains(t, res.Tests[0].Output, "Score 30/30 points", "what the student printed is kept as their output")
	assert.NotContains(t, res.Tests[0].Replay, "--impl", "the replay command grades the student's code again")

	// Code that breaks the rules is not graded, and the error says where.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pingpong", "extra.go"), []byte("package pingpong\n\nvar shared = map[int]int{}\n"), 0o644))
	code, _, errOut = runCLI("grade", "pingpong", "--workspace", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, filepath.Join(dir, "pingpong", "extra.go")+":3:5: package-level variable shared is not allowed")
}
