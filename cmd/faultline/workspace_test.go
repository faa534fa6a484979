package main

import (
	"encoding/json"
	"os"
	"os/exec"
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
	useScratchCache(t)
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
		Impl       string `json:"impl"`
		Submission string `json:"submission"`
		Score      int    `json:"score"`
		Tests      []struct {
			Output string `json:"output"`
			Replay string `json:"replay"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), "stdout is one JSON document:\n%s", out)
	assert.Equal(t, "student", res.Impl)
	assert.Equal(t, filepath.Base(dir), res.Submission, "a workspace is named by its folder")
	assert.Equal(t, 0, res.Score)
	assert.Contains(t, res.Tests[0].Output, "Score 30/30 points", "what the student printed is kept as their output")
	assert.NotContains(t, res.Tests[0].Replay, "--impl", "the replay command grades the student's code again")
	assert.True(t, strings.HasSuffix(res.Tests[0].Replay, " --workspace "+dir), "and the workspace graded, from anywhere: %s", res.Tests[0].Replay)

	// Code that breaks the rules is not graded, and the error says where.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pingpong", "extra.go"), []byte("package pingpong\n\nvar shared = map[int]int{}\n"), 0o644))
	code, _, errOut = runCLI("grade", "pingpong", "--workspace", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, filepath.Join(dir, "pingpong", "extra.go")+":3:5: package-level variable shared is not allowed")
}

// TestGradeOutAlwaysWritesTheResult: a submission that cannot be graded
// still gets its JSON and JUnit files, with status error, its name and the
// reason, so that a roster never silently drops it; the exit status stays
// 2 and the reason is on standard error too.
func TestGradeOutAlwaysWritesTheResult(t *testing.T) {
	useScratchCache(t)
	for _, tc := range []struct {
		name     string
		breakIt  func(t *testing.T, ws string) // ws is a fresh workspace
		args     []string
		kind     string
		problem  string // in reason.problems ("" for none)
		message  string // in reason.message and on stderr
		named    string // the submission's name ("" for the workspace folder's)
		noDir    bool   // grade a folder that is not a workspace
		maxScore int
	}{
		{name: "rules", breakIt: writeFile("pingpong/extra.go", "package pingpong\n\nvar shared = map[int]int{}\n"),
			kind: "rules", problem: filepath.Join("pingpong", "extra.go") + ":3:5: package-level variable shared is not allowed", message: "breaks the lab's rules", maxScore: 33},
		{name: "does not compile", breakIt: writeFile("pingpong/extra.go", "package pingpong\n\nfunc broken() int { return \"x\" }\n"),
			kind: "build", problem: filepath.Join("pingpong", "extra.go") + ":3:", message: "does not compile", maxScore: 33},
		{name: "package missing", breakIt: func(t *testing.T, ws string) { require.NoError(t, os.RemoveAll(filepath.Join(ws, "pingpong"))) },
			kind: "workspace", message: "run 'faultline init --update' to add its starter", maxScore: 33},
		{name: "not a workspace", noDir: true, kind: "workspace", message: "not in a faultline workspace", maxScore: 33},
		{name: "named, one test", breakIt: writeFile("pingpong/extra.go", "package pingpong\n\nvar shared = 1\n"),
			args: []string{"--name", "alice", "--run", "^Reliable"}, kind: "rules", named: "alice", message: "breaks the lab's rules", maxScore: 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := filepath.Join(t.TempDir(), "ds-"+strings.ReplaceAll(tc.name, " ", "-"))
			if tc.noDir {
				require.NoError(t, os.MkdirAll(ws, 0o755))
			} else {
				code, _, errOut := runCLI("init", ws)
				require.Equal(t, 0, code, errOut)
				tc.breakIt(t, ws)
			}
			out := t.TempDir()
			jsonPath, junitPath := filepath.Join(out, "r.json"), filepath.Join(out, "r.xml")
			code, stdout, errOut := runCLI(append([]string{"grade", "pingpong", "--workspace", ws, "--format", "json", "--out", jsonPath, "--junit", junitPath}, tc.args...)...)
			assert.Equal(t, 2, code, errOut)
			assert.Empty(t, stdout, "the report went to --out")
			assert.Contains(t, errOut, tc.message)

			b, err := os.ReadFile(jsonPath)
			require.NoError(t, err, "--out is written")
			var res struct {
				Lab        string `json:"lab"`
				Impl       string `json:"impl"`
				Submission string `json:"submission"`
				Status     string `json:"status"`
				Score      int    `json:"score"`
				MaxScore   int    `json:"max_score"`
				Tests      []any  `json:"tests"`
				Reason     *struct {
					Kind     string   `json:"kind"`
					Message  string   `json:"message"`
					Problems []string `json:"problems"`
				} `json:"reason"`
			}
			require.NoError(t, json.Unmarshal(b, &res), string(b))
			want := tc.named
			if want == "" {
				want = filepath.Base(ws)
			}
			assert.Equal(t, want, res.Submission)
			assert.Equal(t, []any{"pingpong", "student", "error", 0, tc.maxScore}, []any{res.Lab, res.Impl, res.Status, res.Score, res.MaxScore})
			assert.NotNil(t, res.Tests, "tests is [], not null")
			assert.Empty(t, res.Tests)
			require.NotNil(t, res.Reason)
			assert.Equal(t, tc.kind, res.Reason.Kind)
			assert.Contains(t, res.Reason.Message, tc.message)
			if tc.problem != "" {
				assert.Contains(t, strings.Join(res.Reason.Problems, "\n"), tc.problem, "%q", res.Reason.Problems)
			}

			x, err := os.ReadFile(junitPath)
			require.NoError(t, err, "--junit is written")
			assert.Contains(t, string(x), `<testcase name="not graded" classname="pingpong"`)
			assert.Contains(t, string(x), `<error message=`)
			assert.Contains(t, string(x), `type="`+tc.kind+`"`)
		})
	}

	// Text on standard output: the reason is said once, on standard error.
	ws := filepath.Join(t.TempDir(), "ds")
	code, _, errOut := runCLI("init", ws)
	require.Equal(t, 0, code, errOut)
	writeFile("pingpong/extra.go", "package pingpong\n\nvar shared = 1\n")(t, ws)
	code, stdout, errOut := runCLI("grade", "pingpong", "--workspace", ws)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, errOut, "package-level variable shared is not allowed")
}

func writeFile(rel, data string) func(t *testing.T, ws string) {
	return func(t *testing.T, ws string) {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(ws, rel), []byte(data), 0o644))
	}
}

// TestInitFindsTheEnclosingWorkspace: 'init --update' anywhere inside a
// workspace updates that workspace and says which; 'init DIR' inside one
// is refused, naming it; outside one it makes a new workspace.
func TestInitFindsTheEnclosingWorkspace(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cwd     string // relative to the workspace; "" stays where the test is
		args    []string
		code    int
		out     []string
		err     string
		created string // a file the command must create, relative to the workspace's parent
		nested  string // a folder that must not become a workspace, relative to the workspace
	}{
		{name: "--update in a lab folder", cwd: "raft", args: []string{"--update"},
			out: []string{"updating the workspace {ws} ({ws}/raft is inside it)", "workspace {ws}:", "created backoff/"}, created: "ds/backoff", nested: "raft"},
		{name: "--update naming a folder below a lab folder", args: []string{"--update", "{ws}/raft/notes"},
			out: []string{"updating the workspace {ws}", "created backoff/"}, created: "ds/backoff", nested: "raft/notes"},
		{name: "--update at the root", cwd: ".", args: []string{"--update"}, out: []string{"workspace {ws}:", "created backoff/"}, created: "ds/backoff"},
		{name: "init of a lab folder", args: []string{"{ws}/raft"}, code: 2,
			err: "{ws}/raft is inside the workspace {ws}: a workspace there would be a second Go module inside it", nested: "raft"},
		{name: "init in a lab folder", cwd: "pingpong", args: nil, code: 2, err: "is inside the workspace {ws}", nested: "pingpong"},
		{name: "init of a new folder inside", args: []string{"{ws}/more/labs"}, code: 2, err: "{ws}/more/labs is inside the workspace {ws}", nested: "more/labs"},
		{name: "init outside it", args: []string{"{ws}/../other"}, out: []string{"created go.mod", "Next:"}, created: "other/.faultline/workspace.json"},
		{name: "--update outside any workspace", args: []string{"--update", "{ws}/../other"}, code: 2, err: "no workspace to update: neither"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The working directory is reported resolved: so is the
			// workspace's path (a temporary folder can be behind a symlink).
			parent, err := filepath.EvalSymlinks(t.TempDir())
			require.NoError(t, err)
			ws := filepath.Join(parent, "ds")
			code, _, errOut := runCLI("init", ws)
			require.Equal(t, 0, code, errOut)
			require.NoError(t, os.RemoveAll(filepath.Join(ws, "backoff")))
			require.NoError(t, os.MkdirAll(filepath.Join(ws, "raft", "notes"), 0o755))
			if tc.cwd != "" {
				t.Chdir(filepath.Join(ws, tc.cwd))
			}
			subst := strings.NewReplacer("{ws}", ws).Replace
			var args []string
			for _, a := range tc.args {
				args = append(args, subst(a))
			}
			code, out, errOut := runCLI(append([]string{"init"}, args...)...)
			require.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			for _, want := range tc.out {
				assert.Contains(t, out, filepath.FromSlash(subst(want)))
			}
			if tc.err != "" {
				assert.Contains(t, errOut, filepath.FromSlash(subst(tc.err)))
			}
			if tc.created != "" {
				_, err := os.Stat(filepath.Join(parent, tc.created))
				assert.NoError(t, err, "%s is created", tc.created)
			}
			if tc.nested != "" {
				assert.NoDirExists(t, filepath.Join(ws, tc.nested, ".faultline"), "no workspace inside the workspace")
				assert.NoFileExists(t, filepath.Join(ws, tc.nested, "go.mod"))
			}
		})
	}
}

// TestInitUpdateRestoresALostMarker: a workspace whose
// .faultline/workspace.json was deleted is still a Go module: 'init
// --update' at its root restores it, but not from a lab folder, which has
// no go.mod and so says there is no workspace.
func TestInitUpdateRestoresALostMarker(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ds")
	code, _, errOut := runCLI("init", ws)
	require.Equal(t, 0, code, errOut)
	marker := filepath.Join(ws, ".faultline", "workspace.json")
	require.NoError(t, os.Remove(marker))
	code, _, errOut = runCLI("init", "--update", filepath.Join(ws, "raft"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no workspace to update")
	assert.NoDirExists(t, filepath.Join(ws, "raft", ".faultline"))
	code, out, errOut := runCLI("init", "--update", ws)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "workspace "+ws)
	assert.FileExists(t, marker)
}

// useScratchCache points faultline's cache at a fresh folder (a developer's
// own is never touched) and its builds at the Go build cache that go test
// itself uses, which faultline never wipes: a fresh one would compile the
// standard library and the platform from cold in every test.
func useScratchCache(t *testing.T) {
	t.Helper()
	t.Setenv("FAULTLINE_CACHE", t.TempDir())
	if os.Getenv("FAULTLINE_GOCACHE") == "" {
		out, err := exec.Command("go", "env", "GOCACHE").Output()
		require.NoError(t, err)
		t.Setenv("FAULTLINE_GOCACHE", strings.TrimSpace(string(out)))
	}
}
