package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceMarkers are found in every lab's reference or mutants and in no
// other file of the platform (as source_student_test.go at the module root
// checks of the embedded tree): the package clauses of the two folders,
// the bug flags every lab's reference has, and reference.go's wiring.
var referenceMarkers = regexp.MustCompile(`(?m)^package (reference|mutants)\b|type Bugs struct|Lab\.(Solution|Mutants) = `)

// TestStudentEdition builds the student edition as an instructor would
// (docs/instructor.md, "The student edition"), and finds no reference
// source in the binary or in a workspace it makes, which still grades the
// starter.
func TestStudentEdition(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the student edition and a runner")
	}
	if edition.Student {
		t.Skip("run without -tags student: the test builds the student edition itself")
	}
	// The test binary is the open-source edition: its embedded platform
	// holds the references, so the scan below can find them.
	self, err := os.Executable()
	require.NoError(t, err)
	data, err := os.ReadFile(self)
	require.NoError(t, err)
	require.NotNil(t, referenceMarkers.Find(data), "the open-source edition embeds the references (the scan works)")

	bin := filepath.Join(t.TempDir(), "faultline-student")
	out, err := exec.Command("go", "build", "-tags", edition.Tag, "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build -tags student: %s", out)
	data, err = os.ReadFile(bin)
	require.NoError(t, err)
	// Embedded files are stored as they are: their text is in the binary.
	require.True(t, bytes.Contains(data, []byte("package raftlab")), "the student edition embeds the suites")
	if m := referenceMarkers.Find(data); m != nil {
		t.Errorf("the student edition's binary holds %q: reference code", m)
	}
	// A linked package's functions are named by import path and name. (The
	// import path alone is in the embedded source of the suites' own tests,
	// which import the reference; tests never reach a workspace.)
	for _, p := range []string{"labs/raft/internal/reference.", "labs/raft/mutants."} {
		assert.False(t, bytes.Contains(data, []byte("faultline/"+p)), "the student edition links %s", p)
	}

	useScratchCache(t)
	cli := func(dir string, args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stdout.String(), stderr.String()
		}
		require.NoError(t, err)
		return 0, stdout.String(), stderr.String()
	}
	code, stdout, _ := cli(".", "version")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "student edition")

	ws := filepath.Join(t.TempDir(), "ws")
	code, _, stderr := cli(".", "init", ws)
	require.Equal(t, 0, code, stderr)
	files := 0
	err = filepath.WalkDir(ws, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel := filepath.ToSlash(strings.TrimPrefix(p, ws+string(filepath.Separator)))
		parts := strings.Split(rel, "/")
		if d.IsDir() {
			if len(parts) >= 4 && parts[0] == ".faultline" && parts[2] == "labs" {
				assert.NotContains(t, []string{"internal", "mutants"}, d.Name(), "%s is reference code", rel)
			}
			return nil
		}
		files++
		assert.NotEqual(t, "reference.go", d.Name(), "%s wires the reference", rel)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		if m := referenceMarkers.Find(b); m != nil {
			t.Errorf("%s holds %q: reference code", rel, m)
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, files, 100, "the workspace has the platform")
	assert.FileExists(t, filepath.Join(ws, ".faultline/platform/labs/raft/raftlab/lab.go"))

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"solution", []string{"grade", "raft", "--impl", "solution"}, 2, "student edition"},
		{"mutant", []string{"grade", "raft", "--impl", "mutant:leader-no-heartbeat"}, 2, "student edition"},
		{"mutants", []string{"grade", "raft", "--mutants"}, 2, "student edition"},
		{"raft reference", []string{"grade", "kvraft", "--raft", "reference"}, 2, "--raft student"},
		{"check", []string{"check", "pingpong"}, 2, "--impl starter"},
		{"demo", []string{"demo", "raft-election"}, 2, "ask your instructor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := cli(ws, tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.want)
		})
	}

	// The starter grades: it fails tests, but it is graded, by a runner
	// built from the workspace's platform with -tags student.
	code, stdout, stderr = cli(ws, "grade", "raft", "--format", "json", "--seeds", "1", "--no-shrink", "--trace-dir", t.TempDir())
	require.Equal(t, 1, code, "stderr: %s", stderr)
	var res struct {
		Status   string `json:"status"`
		Score    int    `json:"score"`
		MaxScore int    `json:"max_score"`
		Tests    []struct {
			Status string `json:"status"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res), stdout)
	assert.Equal(t, "fail", res.Status)
	assert.Less(t, res.Score, res.MaxScore)
	require.NotEmpty(t, res.Tests)
	for _, tr := range res.Tests {
		assert.Contains(t, []string{"pass", "fail"}, tr.Status, "every test is graded, none is an error")
	}
}
