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

func TestGradeCommand(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"reference passes", []string{"grade", "pingpong", "--impl", "solution", "--run", "^Reliable", "--trace-dir", dir}, 0, "Score 5/5 points", ""},
		{"mutant fails", []string{"grade", "pingpong", "--impl", "mutant:no-dedup", "--run", "^Duplication$", "--trace-dir", dir}, 1, "executed 2 times", ""},
		{"unknown lab", []string{"grade", "paxos"}, 2, "", `unknown lab "paxos" (labs: pingpong, backoff, queue, raft`},
		{"unknown mutant", []string{"grade", "pingpong", "--impl", "mutant:nope"}, 2, "", `no mutant "nope" (it has: no-retransmit`},
		{"bad regexp", []string{"grade", "pingpong", "--impl", "solution", "--run", "("}, 2, "", "is not a regular expression"},
		{"bad shard", []string{"grade", "pingpong", "--impl", "solution", "--shard", "3/2"}, 2, "", "--shard wants i/n"},
		{"bad format", []string{"grade", "pingpong", "--impl", "solution", "--format", "yaml"}, 2, "", "--format wants text, json, junit or github"},
		{"seed and seeds", []string{"grade", "pingpong", "--impl", "solution", "--seed", "3", "--seeds", "4"}, 2, "", "not both"},
		{"mutation score", []string{"grade", "pingpong", "--mutants"}, 0, "mutation score 4/4", ""},
		{"zero seeds", []string{"grade", "pingpong", "--impl", "solution", "--seeds", "0"}, 2, "", "--seeds wants a positive number"},
		{"negative seeds", []string{"grade", "pingpong", "--impl", "solution", "--seeds", "-5"}, 2, "", "--seeds wants a positive number"},
		{"negative parallel", []string{"grade", "pingpong", "--impl", "solution", "--parallel", "-1"}, 2, "", "--parallel wants a positive number"},
		{"negative watchdog", []string{"grade", "pingpong", "--impl", "solution", "--watchdog", "-1s"}, 2, "", "--watchdog wants a positive duration"},
		{"bad memory", []string{"grade", "pingpong", "--impl", "solution", "--memory", "lots"}, 2, "", "--memory: want a size"},
		{"outside a workspace", []string{"grade", "pingpong", "--workspace", dir}, 2, "", "not in a faultline workspace"},
		{"no lab", []string{"grade"}, 2, "", "want one lab name, not none: one of pingpong, backoff"},
		{"two labs", []string{"grade", "pingpong", "raft"}, 2, "", "want one lab name, not 2 (pingpong raft): one of pingpong, backoff"},
		{"run matches nothing", []string{"grade", "pingpong", "--impl", "solution", "--run", "^Nope$"}, 2, "", `--run "^Nope$" matches no test of lab pingpong (its tests: Reliable`},
		{"watch and out", []string{"grade", "pingpong", "--watch", "--out", filepath.Join(dir, "r.json")}, 2, "", "--watch prints a short summary after every save and writes no report"},
		{"empty name", []string{"grade", "pingpong", "--impl", "solution", "--name", " "}, 2, "", "--name wants the submission's name"},
		{"one file, two formats", []string{"grade", "pingpong", "--impl", "solution", "--format", "github", "--out", "r.json", "--json", "./r.json"}, 2, "", "--out and --json both write r.json, as github and as json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.out)
			assert.Contains(t, errOut, tc.err)
		})
	}
}

// TestGradeReplaysExactly runs a failing seed twice as JSON and requires the
// same trace hash: the one-line replay command is a promise.
func TestGradeReplaysExactly(t *testing.T) {
	args := []string{"grade", "raft", "--impl", "mutant:votes-twice", "--run", "^InitialElection$", "--format", "json", "--no-shrink", "--trace-dir", t.TempDir()}
	code, out, _ := runCLI(args...)
	require.Equal(t, 1, code)
	var first struct {
		Status string
		Tests  []struct {
			Seed      uint64 `json:"seed,string"`
			TraceHash string `json:"trace_hash"`
			Status    string `json:"status"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &first))
	require.Equal(t, "fail", first.Tests[0].Status)
	seed := first.Tests[0].Seed
	code, out, _ = runCLI("grade", "raft", "--impl", "mutant:votes-twice", "--run", "^InitialElection$", "--seed", itoa(seed), "--format", "json", "--no-shrink", "--trace-dir", t.TempDir())
	require.Equal(t, 1, code)
	var again struct {
		Tests []struct {
			TraceHash string `json:"trace_hash"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &again))
	assert.Equal(t, first.Tests[0].TraceHash, again.Tests[0].TraceHash)
}

func itoa(v uint64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestLabsCommand(t *testing.T) {
	code, out, _ := runCLI("labs", "--json")
	require.Equal(t, 0, code)
	var labs []struct {
		Name     string   `json:"name"`
		MaxScore int      `json:"max_score"`
		Mutants  []string `json:"mutants"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &labs))
	names := map[string]int{}
	for _, l := range labs {
		names[l.Name] = l.MaxScore
	}
	assert.Equal(t, 100, names["raft"])
	assert.Equal(t, 33, names["pingpong"])
	code, out, _ = runCLI("labs")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Part A: Leader election")
}

// TestReplayATrace: --replay runs again exactly the run a (shrunk) trace
// recorded, from its header alone.
func TestReplayATrace(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI("grade", "pingpong", "--impl", "mutant:no-dedup", "--run", "^Duplication$", "--format", "json", "--trace-dir", dir)
	require.Equal(t, 1, code, errOut)
	var res struct {
		Tests []struct {
			Kind   string `json:"kind"`
			Shrink *struct {
				Trace  string `json:"trace"`
				Replay string `json:"replay"`
			} `json:"shrink"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.NotNil(t, res.Tests[0].Shrink)
	shrunk := res.Tests[0].Shrink.Trace
	require.NotEmpty(t, shrunk)
	assert.Equal(t, "faultline grade --replay "+shrunk, res.Tests[0].Shrink.Replay)
	code, out, errOut = runCLI("grade", "--replay", shrunk, "--format", "json", "--trace-dir", t.TempDir())
	require.Equal(t, 1, code, errOut)
	var again struct {
		Tests []struct {
			Kind  string `json:"kind"`
			Seeds int    `json:"seeds"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &again))
	require.Len(t, again.Tests, 1)
	assert.Equal(t, 1, again.Tests[0].Seeds)
	assert.Equal(t, res.Tests[0].Kind, again.Tests[0].Kind, "the replay fails the same way")

	code, _, errOut = runCLI("grade", "--replay", filepath.Join(dir, "missing.jsonl"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "missing.jsonl")
}

// TestGradeNamesTheSubmission: the result names what was graded: --name,
// else the implementation (the workspace folder's name is checked where a
// workspace is graded, in TestGradeStudentCode), in JSON and in JUnit.
func TestGradeNamesTheSubmission(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"impl", nil, "solution"},
		{"--name", []string{"--name", "ds-alice"}, "ds-alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			junit := filepath.Join(t.TempDir(), "r.xml")
			args := append([]string{"grade", "pingpong", "--impl", "solution", "--run", "^Reliable", "--seeds", "1", "--format", "json", "--junit", junit, "--trace-dir", t.TempDir()}, tc.args...)
			code, out, errOut := runCLI(args...)
			require.Equal(t, 0, code, errOut)
			var res struct {
				Submission string `json:"submission"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &res))
			assert.Equal(t, tc.want, res.Submission)
			b, err := os.ReadFile(junit)
			require.NoError(t, err)
			assert.Contains(t, string(b), `<property name="submission" value="`+tc.want+`"></property>`)
		})
	}
}

// TestReplayCarriesTheFlagsThatChangeTheRun: the printed replay commands
// repeat the limits given on the command line (grader/run adds --impl,
// --run, --seed and --raft).
func TestReplayCarriesTheFlagsThatChangeTheRun(t *testing.T) {
	code, out, errOut := runCLI("grade", "pingpong", "--impl", "mutant:no-dedup", "--run", "^Duplication$", "--memory", "1GiB", "--watchdog", "7s",
		"--format", "json", "--trace-dir", t.TempDir())
	require.Equal(t, 1, code, errOut)
	var res struct {
		Tests []struct {
			Replay string `json:"replay"`
			Shrink *struct {
				Replay string `json:"replay"`
			} `json:"shrink"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Len(t, res.Tests, 1)
	assert.True(t, strings.HasSuffix(res.Tests[0].Replay, " --memory 1GiB --watchdog 7s"), res.Tests[0].Replay)
	require.NotNil(t, res.Tests[0].Shrink)
	assert.True(t, strings.HasSuffix(res.Tests[0].Shrink.Replay, " --memory 1GiB --watchdog 7s"), res.Tests[0].Shrink.Replay)
}

func TestShellQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/home/ada/ds", "/home/ada/ds"},
		{"2GiB", "2GiB"},
		{"/home/ada/my labs", "'/home/ada/my labs'"},
		{"it's", `'it'\''s'`},
		{"$(rm -rf ~)", "'$(rm -rf ~)'"},
		{"", "''"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, shellQuote(tc.in))
		})
	}
}
