package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/roster"
)

// TestMain lets the test binary stand in for the faultline command in the
// scripts the tests run (scripts/class-submissions.sh calls
// $FAULTLINE init).
func TestMain(m *testing.M) {
	if os.Getenv("FAULTLINE_TEST_AS_CLI") == "1" {
		main()
	}
	os.Exit(m.Run())
}

func TestConcurrency(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		name                 string
		jobs, parallel, cpus int
		memory, avail        int64
		wantJobs, wantPar    int
		err                  string
	}{
		{"one submission per CPU", 0, 0, 2, 2 * gib, 23 * gib, 2, 1, ""},
		{"memory bounds the jobs", 0, 0, 16, 2 * gib, 9 * gib, 4, 1, ""},
		{"memory unknown: CPUs only", 0, 0, 4, 2 * gib, 0, 4, 1, ""},
		{"parallel given", 0, 2, 8, 2 * gib, 0, 4, 2, ""},
		{"jobs given", 2, 0, 8, 2 * gib, 0, 2, 4, ""},
		{"jobs given, parallel bounded by memory", 2, 0, 8, 2 * gib, 8 * gib, 2, 2, ""},
		{"both given and fitting", 3, 2, 2, gib, 6 * gib, 3, 2, ""},
		{"both given, too much", 4, 2, 2, 2 * gib, 8 * gib, 0, 0, "runs 8 runner processes of up to 2.0 GiB each"},
		{"one runner does not fit", 0, 0, 2, 4 * gib, 3 * gib, 0, 0, "lower --memory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, p, err := concurrency(tc.jobs, tc.parallel, tc.cpus, tc.memory, tc.avail)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []int{tc.wantJobs, tc.wantPar}, []int{j, p})
		})
	}
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		name                                string
		done, total, running, failing, errs int
		elapsed                             time.Duration
		want                                string
	}{
		{"start", 0, 100, 2, 0, 0, 0, "[                        ] 0/100 graded, 2 running"},
		{"quarter, time left from the mean", 25, 100, 2, 3, 1, 50 * time.Second, "[======                  ] 25/100 graded, 2 running, 3 failing, 1 not graded, about 2m30s left"},
		{"done", 4, 4, 0, 0, 0, 9 * time.Second, "[========================] 4/4 graded, 0 running"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, progressLine(tc.done, tc.total, tc.running, tc.failing, tc.errs, tc.elapsed))
		})
	}
}

func TestRosterBadArguments(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"no subcommand", []string{"roster"}, "want a subcommand: grade or merge"},
		{"unknown subcommand", []string{"roster", "mark"}, `unknown subcommand "mark"`},
		{"no labs", []string{"roster", "grade", dir}, "--labs names the labs to grade"},
		{"unknown lab", []string{"roster", "grade", dir, "--labs", "raft,paxos"}, "paxos"},
		{"two folders", []string{"roster", "grade", dir, dir, "--labs", "raft"}, "wants one folder of submissions"},
		{"not a folder", []string{"roster", "grade", filepath.Join(dir, "nope"), "--labs", "raft"}, "is not a folder of submissions"},
		{"grade's own checks", []string{"roster", "grade", dir, "--labs", "raft", "--run", "^Nothing$"}, `--run "^Nothing$" matches no test of lab raft`},
		{"--raft for no lab on Raft", []string{"roster", "grade", dir, "--labs", "raft", "--raft", "reference"}, "none of raft builds on Raft"},
		{"no submissions", []string{"roster", "grade", dir, "--labs", "raft", "--out", filepath.Join(dir, "out")}, "holds no submission folders"},
		{"merge alone", []string{"roster", "merge", "all.csv"}, "at least one roster.json"},
		{"merge into what", []string{"roster", "merge", "all.txt", "a/roster.json"}, "must end in .json or .csv"},
		{"merge a CSV", []string{"roster", "merge", filepath.Join(dir, "all.json"), writeTemp(t, "roster.csv", "submission\n")}, "give the roster.json beside it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(tc.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.err)
		})
	}
}

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

func TestRosterMerge(t *testing.T) {
	dir := t.TempDir()
	shard := func(name string, subs ...string) string {
		r := &roster.Roster{Version: roster.Version, Platform: "p"}
		for _, s := range subs {
			r.Put(roster.Entry{Submission: s, Lab: "raft", Score: 1, MaxScore: 2, Status: result.Fail, Report: s + "/raft.json"})
		}
		d := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(d, 0o755))
		require.NoError(t, r.WriteFiles(d))
		return filepath.Join(d, "roster.json")
	}
	s1, s2, s3 := shard("shard-1", "ann", "cy"), shard("shard-2", "bob"), shard("shard-3", "cy")

	out := filepath.Join(dir, "all.csv")
	code, _, errOut := runCLI("roster", "merge", out, s1, s2)
	require.Equal(t, 0, code, errOut)
	rows := readCSV(t, out)
	require.Len(t, rows, 4)
	assert.Equal(t, []string{"ann", "bob", "cy"}, []string{rows[1][0], rows[2][0], rows[3][0]})
	assert.Equal(t, "shard-2/bob/raft.json", rows[2][8], "report paths are relative to the merged roster")

	code, _, errOut = runCLI("roster", "merge", filepath.Join(dir, "all.json"), s1, s2, s3)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "cy/raft is in "+s1+" and in "+s3)
	assert.NoFileExists(t, filepath.Join(dir, "all.json"), "nothing is written when a merge is refused")
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	return rows
}

// TestRosterGradesAClass grades a small class made by the same script as
// the measured one (docs/instructor.md): the reference handed in as a
// student package, the starter, a mutant, code that does not compile and
// a folder that is not a workspace. Every submission gets a report and a
// roster row; a second run grades only what changed.
func TestRosterGradesAClass(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner per submission")
	}
	useScratchCache(t)
	class := t.TempDir()
	self, err := os.Executable()
	require.NoError(t, err)
	script := exec.Command("bash", "scripts/class-submissions.sh", class, "3")
	script.Dir = "../.."
	script.Env = append(os.Environ(), "FAULTLINE="+self, "FAULTLINE_TEST_AS_CLI=1")
	out, err := script.CombinedOutput()
	require.NoError(t, err, "%s", out)
	code, _, errOut := runCLI("init", filepath.Join(class, "student004-broken"))
	require.Equal(t, 0, code, errOut)
	require.NoError(t, os.WriteFile(filepath.Join(class, "student004-broken", "raft", "extra.go"), []byte("package raft\n\nfunc broken() int { return \"x\" }\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(class, "student005-empty"), 0o755))

	outDir := filepath.Join(t.TempDir(), "out")
	grade := func() (int, string) {
		var errb bytes.Buffer
		env := &cliEnv{stdin: strings.NewReader(""), stdout: &errb, stderr: &errb, getenv: os.Getenv}
		return Run(context.Background(), env, []string{"roster", "grade", class, "--labs", "raft", "--out", outDir}), errb.String()
	}
	code, log := grade()
	require.Equal(t, 0, code, log)

	r, err := roster.ReadFile(filepath.Join(outDir, "roster.json"))
	require.NoError(t, err)
	type row struct{ sub, status, reason string }
	var got []row
	for _, e := range r.Entries {
		got = append(got, row{e.Submission, e.Status, e.Reason})
		assert.FileExists(t, filepath.Join(outDir, e.Report), "every submission has its report")
		if e.Status == result.Fail {
			assert.NotEmpty(t, e.FirstFailing)
			assert.Contains(t, e.Replay, "--workspace "+filepath.Join(class, e.Submission), "the replay grades that student's code")
		}
	}
	assert.Equal(t, []row{
		{"student001-reference", result.Pass, ""},
		{"student002-starter", result.Fail, ""},
		{"student003-VoteTwice", result.Fail, ""},
		{"student004-broken", result.Error, result.ReasonBuild},
		{"student005-empty", result.Error, result.ReasonWorkspace},
	}, got)
	assert.Equal(t, r.Entries[0].MaxScore, r.Entries[0].Score)
	assert.Len(t, readCSV(t, filepath.Join(outDir, "roster.csv")), 6, "a header and a row per submission")

	var rep result.Result
	b, err := os.ReadFile(filepath.Join(outDir, "student004-broken", "raft.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Equal(t, "student004-broken", rep.Submission, "the report names the submission")
	require.NotNil(t, rep.Reason)
	assert.NotEmpty(t, rep.Reason.Problems, "and says what does not compile")

	// Again: nothing changed but the mutant's code and the folder that was
	// not a workspace (never reused: it has no code to key).
	mutant := filepath.Join(class, "student003-VoteTwice", "raft", "raft.go")
	f, err := os.OpenFile(mutant, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("\n// resubmitted\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, log = grade()
	require.Equal(t, 0, code, log)
	assert.Contains(t, log, "3 gradings already in the roster")
	assert.Contains(t, log, "student003-VoteTwice raft:")
	assert.NotContains(t, log, "student001-reference raft:")
	again, err := roster.ReadFile(filepath.Join(outDir, "roster.json"))
	require.NoError(t, err)
	assert.Len(t, again.Entries, 5)
}
