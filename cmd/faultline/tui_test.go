package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test registers its own demo so these tests do not depend on which
// scenarios the labs happen to register.
func init() {
	suite.RegisterDemo(suite.Demo{
		Name:        "test-fake-demo",
		Title:       "A fake demo for the CLI tests",
		Description: "Two nodes; one message delivered and one dropped.",
		Seed:        7,
		Run: func(seed uint64, sink trace.Sink) error {
			sink.Header(trace.Header{Format: trace.Format, Version: trace.Version, Scenario: "test-fake-demo", Seed: seed, Nodes: []node.ID{1, 2}})
			sink.Record(&trace.Record{T: 0, Kind: trace.Send, Node: 1, Peer: 2, Msg: 1, Type: "Ping"})
			sink.Record(&trace.Record{T: 5e6, Kind: trace.Deliver, Node: 2, Peer: 1, Msg: 1, Type: "Ping"})
			sink.Record(&trace.Record{T: 6e6, Kind: trace.Send, Node: 2, Peer: 1, Msg: 2, Type: "Pong"})
			sink.Record(&trace.Record{T: 6e6, Kind: trace.Drop, Node: 1, Peer: 2, Msg: 2, Type: "Pong", Text: "loss"})
			return nil
		},
	})
}

func TestTUICommandsPiped(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	code, out, errOut := runCLI("demo", "test-fake-demo", "--seed", "9", "--trace", good)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, errOut)
	require.Contains(t, out, "wrote 4 records")
	buf, err := trace.ReadFile(good)
	require.NoError(t, err)
	require.Equal(t, uint64(9), buf.Head.Seed)

	bad := filepath.Join(dir, "bad.jsonl")
	raw, err := os.ReadFile(good)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, append(raw, []byte("{not json\n")...), 0o644))

	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"outline when not a terminal", nil, 0, "faultline read <lesson>", ""},
		{"outline names a lesson", []string{"tui"}, 0, "raft-election", ""},
		{"lessons", []string{"lessons"}, 0, "why-distribute", ""},
		{"lessons json", []string{"lessons", "--json"}, 0, `"slug": "raft-election"`, ""},
		{"read piped", []string{"read", "raft-election"}, 0, "# ", ""},
		{"read unknown lists slugs", []string{"read", "nope"}, 2, "", "why-distribute"},
		{"read needs a slug", []string{"read"}, 2, "", "lesson slug"},
		{"demo lists", []string{"demo"}, 0, "test-fake-demo — A fake demo", ""},
		{"demo unknown", []string{"demo", "nope"}, 2, "", "nope"},
		{"demo bad seed", []string{"demo", "test-fake-demo", "--seed", "x"}, 2, "", "--seed"},
		{"demo piped does not open a viewer", []string{"demo", "test-fake-demo"}, 0, "4 records", ""},
		{"demo with series prints its charts when piped", []string{"demo", "backoff-storm"}, 0, "• naive  × reference  ··· offered load, 35 calls/s  ┊━┊ slowdown 2s–3s", ""},
		{"trace check", []string{"trace", "check", good}, 0, "4 records", ""},
		{"trace check prints hash", []string{"trace", "check", good}, 0, "hash " + buf.Hash(), ""},
		{"trace view malformed", []string{"trace", "view", bad}, 2, "", "bad.jsonl:6"},
		{"trace check malformed", []string{"trace", "check", bad}, 2, "", "bad.jsonl:6"},
		{"trace view missing", []string{"trace", "view", filepath.Join(dir, "none")}, 2, "", "none"},
		{"trace usage", []string{"trace", "frob"}, 2, "", "view FILE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.out)
			assert.Contains(t, errOut, tc.err)
		})
	}
}
