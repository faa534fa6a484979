package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sample is a result with a pass, a failure with a shrink, and an error.
func sample() *result.Result {
	return &result.Result{Version: 1, Lab: "raft", Impl: "mutant:votes-twice", Status: result.Error, Score: 3, MaxScore: 9, WallMS: 1234,
		Tests: []result.Test{
			{Name: "InitialElection", Part: "A", Points: 3, Score: 3, Status: result.Pass, Seed: 17, Seeds: 30, TraceHash: "0123456789abcdef", VirtualMS: 5000, WallMS: 40},
			{Name: "OldLeaderStepsDown", Part: "A", Points: 2, Status: result.Fail, Seed: 5, Seeds: 30,
				Message:   "seed 5: election safety: n1 and n3 are both leaders of term 1 (at 424ms, after deliver RequestVoteReply n2->n3) [nodes n1, n3]",
				Trace:     "traces/raft-OldLeaderStepsDown-5.jsonl",
				TraceHash: "fedcba9876543210", VirtualMS: 424, WallMS: 12,
				Replay: "faultline grade raft --impl mutant:votes-twice --run '^OldLeaderStepsDown$' --seed 5",
				Shrink: &result.Shrink{OriginalItems: 12, ShrunkItems: 2, OriginalEvents: 900, ShrunkEvents: 310, Runs: 14, Removed: []string{"fault#0"}, Trace: "traces/raft-OldLeaderStepsDown-5-shrunk.jsonl"}},
			{Name: "Figure8", Part: "C", Points: 4, Status: result.Error, Seed: 9, Seeds: 20,
				Message: "seed 9 gave different runs when repeated: the implementation is nondeterministic"},
		}}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./grader/report -update")
	assert.Equal(t, string(want), string(got))
}

func TestTextGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Text(&b, sample(), false))
	golden(t, "text.golden", b.Bytes())
	assert.NotContains(t, b.String(), "\x1b[", "plain text has no escape codes")
	var c bytes.Buffer
	require.NoError(t, Text(&c, sample(), true))
	assert.Contains(t, c.String(), "\x1b[31;1m✗\x1b[0m")
}

// TestJSONSchema checks every documented field is present with its type.
func TestJSONSchema(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSON(&b, sample()))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	top := map[string]string{"version": "number", "lab": "string", "impl": "string", "status": "string", "score": "number", "max_score": "number", "tests": "array", "wall_ms": "number"}
	for field, kind := range top {
		assert.Equal(t, kind, jsonKind(doc[field]), "top-level %s", field)
	}
	assert.Contains(t, []any{"pass", "fail", "error"}, doc["status"])
	tests := doc["tests"].([]any)
	require.Len(t, tests, 3)
	per := map[string]string{"name": "string", "part": "string", "points": "number", "score": "number", "status": "string", "seed": "string",
		"seeds": "number", "message": "string", "trace": "string", "trace_hash": "string", "virtual_ms": "number", "wall_ms": "number"}
	for i, tt := range tests {
		m := tt.(map[string]any)
		for field, kind := range per {
			assert.Equal(t, kind, jsonKind(m[field]), "tests[%d].%s", i, field)
		}
	}
	shrink := tests[1].(map[string]any)["shrink"].(map[string]any)
	for _, f := range []string{"original_items", "shrunk_items", "original_events", "shrunk_events", "runs"} {
		assert.Equal(t, "number", jsonKind(shrink[f]), "shrink.%s", f)
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case bool:
		return "bool"
	case nil:
		return "missing"
	}
	return "?"
}

func TestJUnit(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JUnit(&b, sample()))
	require.True(t, strings.HasPrefix(b.String(), xml.Header))
	var back junitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &back), b.String())
	assert.Equal(t, 3, back.Tests)
	assert.Equal(t, 1, back.Failures)
	assert.Equal(t, 1, back.Errors)
	require.Len(t, back.Suites, 2, "one suite per part")
	assert.Equal(t, "raft part A", back.Suites[0].Name)
	fail := back.Suites[0].Cases[1]
	require.NotNil(t, fail.Failure)
	assert.Contains(t, fail.Failure.Message, "election safety")
	assert.Contains(t, fail.Failure.Text, "replay: faultline grade raft")
	props := map[string]string{}
	for _, p := range fail.Properties {
		props[p.Name] = p.Value
	}
	assert.Equal(t, "5", props["seed"])
	assert.Equal(t, "traces/raft-OldLeaderStepsDown-5.jsonl", props["trace"])
	require.NotNil(t, back.Suites[1].Cases[0].Error)
}

func TestGitHub(t *testing.T) {
	var out, summary bytes.Buffer
	require.NoError(t, GitHub(&out, &summary, sample()))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasPrefix(lines[0], "::error title=raft/OldLeaderStepsDown (seed 5)::seed 5%3A") || strings.HasPrefix(lines[0], "::error title=raft/OldLeaderStepsDown (seed 5)::seed 5:"), lines[0])
	assert.Contains(t, lines[0], "%0Areplay: ", "newlines are escaped")
	assert.Contains(t, summary.String(), "| ❌ | `Figure8` | C | 0/4 | 9 |")

	many := sample()
	for range 15 {
		many.Tests = append(many.Tests, many.Tests[1])
	}
	out.Reset()
	require.NoError(t, GitHub(&out, nil, many))
	assert.Equal(t, MaxAnnotations, strings.Count(out.String(), "::error "))
	assert.Contains(t, out.String(), "::notice title=faultline::7 more failing tests")
}
