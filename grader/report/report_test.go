package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

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

// hostileText is what a student's code can put into a message, its output
// or a folder name: colors, cursor movement, a carriage return and a
// backspace over a verdict, NUL, a C1 escape, a bidi override, invalid
// UTF-8, an encoded newline and a GitHub workflow command.
const hostileText = "boom\x1b[1A\x1b[2K\r  \x1b[32m✓ Forged 3/3\x1b[0m\b\x00\u009b2J\u202e\xff%0A\n::error::forged annotation\r\n::add-mask::x"

// hostile is a failing result with hostile text in every field a student
// can reach.
func hostile() *result.Result {
	return &result.Result{Version: result.Version, Lab: "raft", Impl: "student", Submission: "alice\x1b[2J\n::error::x", Status: result.Fail, Score: 0, MaxScore: 3,
		Tests: []result.Test{{Name: "InitialElection", Part: "A", Points: 3, Status: result.Fail, Seed: 7, Seeds: 1,
			Message: "seed 7: n1 panicked: " + hostileText, Output: hostileText + "\n", Hint: "Your handler panicked\x1b[0m",
			Trace: "traces/x\x1b[31m.jsonl", Artifacts: []string{"traces/x\r.html"},
			Replay: "faultline grade raft --seed 7\x1b[8m",
			Shrink: &result.Shrink{OriginalItems: 2, ShrunkItems: 1, Runs: 2, Trace: "traces/s\b.jsonl", Replay: "faultline grade --replay traces/s\b.jsonl"}}}}
}

// refused is a submission that broke the rules: nothing graded.
func refused() *result.Result {
	probs := []string{"/ws/raft/extra.go:3:5: package-level variable shared is not allowed", "/ws/raft/x.go:1:1: " + hostileText}
	return &result.Result{Version: result.Version, Lab: "raft", Impl: "student", Submission: "ds-alice", Status: result.Error, MaxScore: 100, Tests: []result.Test{},
		Reason: &result.Reason{Kind: result.ReasonRules, Problems: probs,
			Message: "your raft code breaks the lab's rules:\n  " + strings.Join(probs, "\n  ") + "\nfix these first"}}
}

// controls lists the control characters in s but newline (and tab, when
// tabs is set), and says whether s is valid UTF-8.
func controls(s string, tabs bool) []string {
	var bad []string
	if !utf8.ValidString(s) {
		bad = append(bad, "invalid UTF-8")
	}
	for _, r := range s {
		if r == '\n' || r == '\t' && tabs {
			continue
		}
		if unsafeRune(r) {
			bad = append(bad, fmt.Sprintf("%U", r))
		}
	}
	return bad
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
	for _, tc := range []struct {
		golden string
		res    *result.Result
	}{
		{"text.golden", sample()},
		{"text-refused.golden", refused()},
		{"text-hostile.golden", hostile()},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, Text(&b, tc.res, false))
			golden(t, tc.golden, b.Bytes())
			assert.Empty(t, controls(b.String(), true), "plain text has no control characters but newlines and tabs")
			var c bytes.Buffer
			require.NoError(t, Text(&c, tc.res, true))
			// The only escapes in colored text are the report's own.
			own := regexp.MustCompile(`\x1b\[(0|1|2|32|31;1|33)m`)
			assert.Empty(t, controls(own.ReplaceAllString(c.String(), ""), true), "colored text has only the report's escapes")
		})
	}
	var c bytes.Buffer
	require.NoError(t, Text(&c, sample(), true))
	assert.Contains(t, c.String(), "\x1b[31;1m✗\x1b[0m")
}

// TestTextShowsHostileTextEscaped: the hostile text is shown, escaped, and
// cannot start a line of its own that looks like the report's.
func TestTextShowsHostileTextEscaped(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Text(&b, hostile(), false))
	out := b.String()
	assert.Contains(t, out, `boom\x1b[1A\x1b[2K\r  \x1b[32m✓ Forged 3/3\x1b[0m\x08\x00\u009b2J\u202e`+"\uFFFD")
	assert.Contains(t, out, `submission: alice\x1b[2J\n::error::x`)
	for _, line := range strings.Split(out, "\n") {
		assert.False(t, strings.HasPrefix(line, "  ✓"), "a forged verdict line: %q", line)
	}
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

// TestJUnitHostileAndRefused: the XML parses, holds only characters XML
// 1.0 allows, shows hostile text escaped, names the submission, and gives
// a refused submission one errored testcase.
func TestJUnitHostileAndRefused(t *testing.T) {
	for _, tc := range []struct {
		name     string
		res      *result.Result
		suite    string
		errors   int
		failures int
		text     string // in the failure or error text
	}{
		{"hostile", hostile(), `raft part A (alice\x1b[2J\n::error::x)`, 0, 1, `boom\x1b[1A\x1b[2K\r  \x1b[32m✓ Forged 3/3\x1b[0m\x08\x00`},
		{"refused", refused(), "raft (ds-alice)", 1, 0, "package-level variable shared is not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, JUnit(&b, tc.res))
			for _, r := range b.String() {
				legal := r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
				require.True(t, legal, "%U is not a character of XML 1.0", r)
			}
			var back junitSuites
			require.NoError(t, xml.Unmarshal(b.Bytes(), &back), b.String())
			assert.Equal(t, tc.errors, back.Errors)
			assert.Equal(t, tc.failures, back.Failures)
			require.Len(t, back.Suites, 1)
			assert.Equal(t, tc.suite, back.Suites[0].Name)
			props := map[string]string{}
			for _, p := range back.Suites[0].Properties {
				props[p.Name] = p.Value
			}
			assert.Equal(t, PrintableLine(tc.res.Submission), props["submission"])
			c := back.Suites[0].Cases[0]
			got := c.Failure
			if got == nil {
				got = c.Error
			}
			require.NotNil(t, got)
			assert.Contains(t, got.Text, tc.text)
		})
	}
	var b bytes.Buffer
	require.NoError(t, JUnit(&b, refused()))
	var back junitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &back))
	assert.Equal(t, 1, back.Tests)
	c := back.Suites[0].Cases[0]
	assert.Equal(t, "not graded", c.Name)
	require.NotNil(t, c.Error)
	assert.Equal(t, "rules", c.Error.Type)
	assert.Equal(t, "your raft code breaks the lab's rules:", c.Error.Message)
}

// TestGitHubHostileAndRefused: every line GitHub reads as a command is one
// the report wrote; student text stays inside its annotation, escaped.
func TestGitHubHostileAndRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		res     *result.Result
		lines   []string // the prefixes of the lines, in order
		data    string   // in the first annotation's data
		summary []string
	}{
		{"hostile", hostile(),
			[]string{`::error title=alice\x1b[2J\n%3A%3Aerror%3A%3Ax%3A raft/InitialElection (seed 7)::`, "faultline raft: alice"},
			`boom\x1b[1A\x1b[2K\r  \x1b[32m✓ Forged 3/3\x1b[0m\x08\x00\u009b2J\u202e` + "\uFFFD%250A%0A::error::forged annotation\\r%0A::add-mask::x",
			[]string{`## faultline raft: alice\\x1b\[2J\\n::error::x (student): 0/3 points`, `| ❌ | ` + "`InitialElection`" + ` | A | 0/3 | 7 | seed 7: n1 panicked: boom\\x1b\[1A`}},
		{"refused", refused(),
			[]string{"::error title=faultline ds-alice%3A raft%3A not graded (rules)::your raft code breaks the lab's rules:%0A  /ws/raft/extra.go:3:5: package-level variable shared is not allowed", "faultline raft: ds-alice (student): error, 0/100 points"},
			"%0A::error::forged annotation",
			[]string{"**Not graded** (rules):\n\n    your raft code breaks the lab's rules:\n      /ws/raft/extra.go:3:5: package-level variable shared is not allowed\n", "    ::error::forged annotation\\r\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, summary bytes.Buffer
			require.NoError(t, GitHub(&out, &summary, tc.res))
			assert.Empty(t, controls(out.String(), false), "no control characters but newlines")
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			require.Len(t, lines, len(tc.lines), out.String())
			for i, prefix := range tc.lines {
				assert.True(t, strings.HasPrefix(lines[i], prefix), "line %d: %q\nwant prefix %q", i, lines[i], prefix)
			}
			assert.Contains(t, lines[0], tc.data)
			assert.Empty(t, controls(summary.String(), false))
			for _, want := range tc.summary {
				assert.Contains(t, summary.String(), want)
			}
			for _, line := range strings.Split(summary.String(), "\n") {
				assert.False(t, strings.HasPrefix(line, "::"), "a workflow command in the summary: %q", line)
			}
		})
	}
}

func TestJSONNamesTheSubmissionAndTheReason(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSON(&b, refused()))
	var doc struct {
		Submission string          `json:"submission"`
		Status     string          `json:"status"`
		Tests      []any           `json:"tests"`
		Reason     *result.Reason  `json:"reason"`
		Raw        json.RawMessage `json:"-"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, "ds-alice", doc.Submission)
	assert.Equal(t, "error", doc.Status)
	assert.NotNil(t, doc.Tests, "tests is an empty array, not null")
	require.NotNil(t, doc.Reason)
	assert.Equal(t, "rules", doc.Reason.Kind)
	assert.Len(t, doc.Reason.Problems, 2)
	assert.Contains(t, b.String(), `\u001b[1A`, "JSON escapes control characters itself")
}

// TestNondeterminismIsReportedEverywhere: a test that could not be judged
// (sample's Figure8) is an error in every rendering, not a pass or a
// silent omission.
func TestNondeterminismIsReportedEverywhere(t *testing.T) {
	for _, tc := range []struct {
		name   string
		render func(w *bytes.Buffer) error
		want   []string
	}{
		{"text", func(w *bytes.Buffer) error { return Text(w, sample(), false) }, []string{"  ! Figure8", "the implementation is nondeterministic"}},
		{"json", func(w *bytes.Buffer) error { return JSON(w, sample()) }, []string{`"status": "error"`, "the implementation is nondeterministic"}},
		{"junit", func(w *bytes.Buffer) error { return JUnit(w, sample()) }, []string{`<error message="seed 9 gave different runs when repeated: the implementation is nondeterministic" type="error">`}},
		{"github", func(w *bytes.Buffer) error { return GitHub(w, nil, sample()) }, []string{"::error title=raft/Figure8 (seed 9)::seed 9 gave different runs", "raft (mutant:votes-twice): error, 3/9 points"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tc.render(&b))
			for _, want := range tc.want {
				assert.Contains(t, b.String(), want)
			}
		})
	}
}
