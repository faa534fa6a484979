package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/trace"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "cx.trace.jsonl")
	cases := []struct {
		name string
		args []string
		code int
		out  []string
		err  string
	}{
		{name: "reference passes", args: []string{"check", "pingpong"}, code: 0,
			out: []string{"pingpong exactly-once (solution): BFS, depth 12", "every state within the bounds was explored", `goal "every request done" reached`, "no violation"}},
		{name: "a mutant is caught with its shortest path", args: []string{"check", "pingpong", "--impl", "mutant:no-dedup", "--trace", tr}, code: 1,
			out: []string{"exactly once violated after 4 events", "1. call n1 Submit", "trace: " + tr}},
		{name: "dfs", args: []string{"check", "pingpong", "--dfs", "--depth", "8", "--impl", "mutant:dedup-by-seq", "--trace", filepath.Join(dir, "dfs.jsonl")}, code: 1,
			out: []string{"DFS, depth 8", "exactly once violated"}},
		{name: "walk", args: []string{"check", "pingpong", "--walk", "--depth", "10", "--states", "2000"}, code: 0,
			out: []string{"WALK, depth 10", "stopped at 2000 unique states"}},
		{name: "raft", args: []string{"check", "raft", "--depth", "5"}, code: 0, out: []string{"raft election-safety", "no violation"}},
		{name: "a walk's path is shrunk", args: []string{"check", "raft", "--model", "log-safety", "--impl", "mutant:applies-twice", "--trace", filepath.Join(dir, "walk.jsonl")}, code: 1,
			out: []string{"WALK, depth 40", "(the walk found a path of 29 events; shrunk to the 10 events that still break state machine safety)", "state machine safety violated after 10 events"}},
		{name: "explore needs a terminal", args: []string{"check", "pingpong", "--explore"}, code: 0, out: []string{"the explorer did not open"}},
		{name: "a lab without a search model", args: []string{"check", "backoff"}, code: 2, err: `lab "backoff" has no search model`},
		{name: "an unknown lab", args: []string{"check", "nolab"}, code: 2, err: "nolab"},
		{name: "two strategies", args: []string{"check", "pingpong", "--bfs", "--dfs"}, code: 2, err: "choose one of"},
		{name: "no lab", args: []string{"check"}, code: 2, err: "want one lab"},
		{name: "a negative depth", args: []string{"check", "pingpong", "--depth", "-3"}, code: 2, err: "want 0 (the model's own bound) or more, not -3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			for _, o := range tc.out {
				assert.Contains(t, out, o)
			}
			assert.Contains(t, errOut, tc.err)
		})
	}

	// The counterexample is a trace the viewer reads, and its replay
	// reaches the violation again.
	buf, err := trace.ReadFile(tr)
	require.NoError(t, err)
	assert.Equal(t, "pingpong", buf.Head.Lab)
	kinds := map[trace.Kind]int{}
	for _, r := range buf.Records {
		kinds[r.Kind]++
	}
	assert.Equal(t, 2, kinds[trace.Deliver], "two deliveries of the request")
	assert.Equal(t, 1, kinds[trace.Check])
	code, out, errOut := runCLI("check", "--replay", tr)
	assert.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, errOut)
	assert.Contains(t, out, "replaying 4 events")
	assert.Contains(t, out, "exactly once violated")
	code, out, _ = runCLI("check", "--replay", tr, "--explore")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "the explorer did not open")
}

// Ctrl-C (a cancelled context) stops the search and keeps what it found.
func TestCheckStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb strings.Builder
	env := &cliEnv{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := Run(ctx, env, []string{"check", "raft", "--depth", "9"})
	assert.Equal(t, 0, code, "stdout: %s\nstderr: %s", out.String(), errb.String())
	assert.Contains(t, out.String(), "stopped (Ctrl-C)")
	assert.Contains(t, errb.String(), "unique 16384")
}
