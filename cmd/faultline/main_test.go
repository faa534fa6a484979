package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/internal/progress"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestHelpAndUnknownCommands(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"help", []string{"--help"}, 0, "Commands:", ""},
		{"help lists site", []string{"help"}, 0, "site", ""},
		{"command help", []string{"site", "--help"}, 0, "Usage: faultline site", ""},
		{"help command", []string{"help", "site"}, 0, "Usage: faultline site", ""},
		{"version", []string{"--version"}, 0, "faultline " + version, ""},
		{"unknown", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"suggestion", []string{"sit"}, 2, "", "Did you mean 'faultline site'?"},
		{"bad site args", []string{"site", "publish"}, 2, "", "want 'build' or 'serve'"},
		{"bad flag", []string{"site", "build", "--nope"}, 2, "", "flag provided but not defined: -nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.out)
			assert.Contains(t, errOut, tc.err)
		})
	}
}

// A grade on a terminal is kept as progress for the TUI; a replay of one
// seed and a grade without a terminal (CI) are not.
func TestGradeRecordsProgressOnATerminal(t *testing.T) {
	home := t.TempDir()
	grade := func(terminal bool, args ...string) int {
		env := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, isTerminal: terminal,
			getenv: func(k string) string { return map[string]string{"FAULTLINE_HOME": home, "NO_COLOR": "1"}[k] }}
		// Traces go to a temporary directory, never into the source tree.
		return Run(context.Background(), env, append([]string{"grade", "--trace-dir", t.TempDir()}, args...))
	}
	path := filepath.Join(home, "progress.json")

	require.Equal(t, 1, grade(false, "pingpong", "--impl", "mutant:no-retransmit"))
	require.NoFileExists(t, path, "no terminal: nothing recorded")
	require.Equal(t, 1, grade(true, "pingpong", "--impl", "mutant:no-retransmit", "--seed", "3"))
	require.NoFileExists(t, path, "a replay is not a grade")

	require.Equal(t, 1, grade(true, "pingpong", "--impl", "mutant:no-retransmit"))
	s, err := progress.Load(path)
	require.NoError(t, err)
	tests := s.Tests("pingpong", "mutant:no-retransmit")
	require.NotEmpty(t, tests)
	failed := 0
	for _, r := range tests {
		if !r.Passed {
			failed++
			assert.NotZero(t, r.Seed)
			assert.NotEmpty(t, r.Message)
		}
	}
	assert.Positive(t, failed)
	assert.Equal(t, "mutant:no-retransmit", s.Labs["pingpong"].LastImpl)
}

// An error from a package named like the command is not prefixed twice.
func TestErrorsNameTheCommandOnce(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte("not json\n"), 0o644))
	code, _, stderr := runCLI("trace", "check", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "faultline trace: "+bad+":1:")
	assert.NotContains(t, stderr, "trace: trace:")
}
