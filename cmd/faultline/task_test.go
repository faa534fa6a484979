package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// taskOn runs `faultline task args...` as if stdout were a w×h terminal
// (h 0: piped) and returns the exit code, what was printed, what went to
// the pager, and stderr.
func taskOn(t *testing.T, w, h int, args ...string) (code int, out, paged, stderr string) {
	t.Helper()
	oldSize, oldPage := terminalSize, page
	t.Cleanup(func() { terminalSize, page = oldSize, oldPage })
	terminalSize = func() (int, int, error) { return w, h, nil }
	page = func(_ *cliEnv, _, text string) error {
		paged = text
		return nil
	}
	var stdout, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &stdout, stderr: &errb, isTerminal: h > 0,
		getenv: func(k string) string { return map[string]string{"GLAMOUR_STYLE": "ascii"}[k] }}
	code = Run(context.Background(), env, append([]string{"task"}, args...))
	return code, stdout.String(), paged, errb.String()
}

// TestTaskPrintsEveryLab checks that each lab's task prints, piped as the
// Markdown the TUI's task screen starts from and on a terminal rendered
// within the width, as `faultline read` renders a lesson.
func TestTaskPrintsEveryLab(t *testing.T) {
	labs := suite.Labs()
	require.NotEmpty(t, labs)
	for _, lab := range labs {
		t.Run(lab.Name, func(t *testing.T) {
			// The first words of the task's own text, to find it in the output.
			first := strings.Fields(lab.Task)
			require.NotEmpty(t, first, "the %s lab has no task.md text", lab.Name)

			code, out, paged, stderr := taskOn(t, 0, 0, lab.Name)
			require.Equal(t, 0, code, "stderr: %s", stderr)
			assert.Empty(t, paged, "piped output is never paged")
			assert.True(t, strings.HasPrefix(out, "# Task: "+lab.Title+"\n\n*"+lab.Summary+"*\n"), "piped output starts with the title and summary the TUI shows:\n%.200s", out)
			// The task as the student reads it: the grader's figures filled in.
			task, err := content.ExpandFacts(lab.Task, "task.md", 1, content.RegisteredFacts)
			require.NoError(t, err)
			assert.Contains(t, out, strings.TrimSpace(task[:min(len(task), 60)]))
			assert.NotContains(t, out, "{{fact", "every figure is filled in")

			code, out, paged, stderr = taskOn(t, 80, 24, lab.Name)
			require.Equal(t, 0, code, "stderr: %s", stderr)
			require.Empty(t, out, "a task longer than the screen goes to the pager")
			assert.Contains(t, paged, "Task: "+lab.Title)
			for i, l := range strings.Split(paged, "\n") {
				if strings.ContainsAny(l, "|+") {
					continue // tables and code art are never wrapped
				}
				assert.LessOrEqual(t, lipgloss.Width(l), 80, "line %d: %q", i, l)
			}
		})
	}
}

func TestTaskBadArguments(t *testing.T) {
	var names []string
	for _, l := range suite.Labs() {
		names = append(names, l.Name)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string // in stderr, or stdout for code 0
	}{
		{"unknown lab lists the labs", []string{"lab-that-is-not"}, 2, append([]string{`unknown lab "lab-that-is-not"`}, names...)},
		{"no lab lists the labs", nil, 2, append([]string{"want one lab name", "faultline task --help"}, names...)},
		{"two labs", []string{"raft", "kvraft"}, 2, []string{"want one lab name"}},
		{"negative width", []string{"raft", "--width", "-3"}, 2, []string{"--width wants a positive number"}},
		{"unknown flag", []string{"raft", "--answers"}, 2, []string{"flag provided but not defined: -answers"}},
		{"help", []string{"--help"}, 0, []string{"Usage: faultline task <lab>", "press t on a lab's screen"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, _, stderr := taskOn(t, 0, 0, tc.args...)
			require.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, stderr)
			text := stderr
			if tc.code == 0 {
				text = out
			}
			for _, w := range tc.want {
				assert.Contains(t, text, w)
			}
		})
	}
}

func TestTaskIsListedInHelp(t *testing.T) {
	code, out, _ := runCLI("--help")
	require.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^  task +print a lab's task`, out)
}
