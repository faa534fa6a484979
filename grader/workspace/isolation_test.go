package workspace

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/all"
)

// newWorkspace makes a workspace in a temporary directory whose pingpong
// package is testdata/base plus the files of testdata/<extra>, and points
// the build cache at another temporary directory.
func newWorkspace(t *testing.T, extra string) (*Workspace, *suite.Lab) {
	t.Helper()
	lab, err := suite.Lookup("pingpong")
	require.NoError(t, err)
	dir := t.TempDir()
	_, err = Init(dir, suite.Labs())
	require.NoError(t, err)
	pkg := filepath.Join(dir, "pingpong")
	require.NoError(t, os.Remove(filepath.Join(pkg, "starter.go")))
	copyDir(t, "testdata/base", pkg)
	if extra != "" {
		copyDir(t, filepath.Join("testdata", extra), pkg)
	}
	w, err := Open(dir)
	require.NoError(t, err)
	return w, lab
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			require.NoError(t, os.MkdirAll(filepath.Join(to, e.Name()), 0o755))
			copyDir(t, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(to, e.Name()), b, 0o644))
	}
}

func grade(t *testing.T, rn *run.Runner, lab *suite.Lab) *result.Result {
	return gradeWith(t, rn, lab, 2)
}

func gradeWith(t *testing.T, rn *run.Runner, lab *suite.Lab, parallel int) *result.Result {
	t.Helper()
	rn.MemoryLimit = 512 << 20
	res, err := run.Grade(context.Background(), run.Options{Lab: lab, Impl: "student", Runner: rn, Seeds: 4,
		Parallel: parallel, Watchdog: time.Second, TraceDir: t.TempDir(), NoShrink: true})
	require.NoError(t, err)
	return res
}

// TestCrashesCostOnlyTheirRun: each misbehaving submission fails the Chaos
// test (the only one whose server is n4) with the cause named, or passes
// it when what it does is allowed, and every other test is graded and
// passes: the runner process died or the run was stopped, not the grader.
// With one worker, Chaos's runs sit in the middle of a runner's batch,
// after runs whose outcomes the runner had not yet written when it died:
// the crash is still pinned on Chaos. Every verdict here is decided by
// counts (events, Env calls, bytes, CPU time), so it is the same on a
// loaded machine: .ci/run runs this test again with every core busy.
func TestCrashesCostOnlyTheirRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner per case")
	}
	for _, tc := range []struct {
		name   string
		vet    bool   // the case passes vet; the others are built unvetted
		status string // Chaos's status; "" means result.Fail
		want   string // in Chaos's message; "" means Chaos passes
		frame  string // a frame of the student's code named in the message
		stops  bool   // the run crashed or hung its runner: the test starts no more seeds
	}{
		{name: "recursion", vet: true, want: "stack overflow", frame: "misbehave.go", stops: true},
		{name: "hugealloc", vet: true, want: "out of memory", stops: true},
		{name: "growing", vet: true, want: "out of memory", stops: true},
		{name: "endless", vet: true, want: "CPU", stops: true},
		{name: "osexit", want: "exited with status 0", stops: true},
		{name: "concurrentmap", want: "concurrent map", frame: "misbehave.go", stops: true},
		// Floods are stopped by counts, not by a clock.
		{name: "hugemessage", vet: true, want: "bytes"},
		{name: "sendflood", vet: true, want: "Env calls"},
		{name: "logflood", vet: true, want: "Logf"},
		{name: "hugepanic", vet: true, want: "more bytes", frame: "misbehave.go"},
		// Allowed, if odd: noted, never fatal, never a hang.
		{name: "misuseflood", vet: true},
		{name: "recursivetype", vet: true},
		// A panic value with the suite's StopRun method is still the
		// student's panic, with the student's frames.
		{name: "fakestopper", vet: true, want: "panicked", frame: "misbehave.go"},
		// Map order differs between processes and runs: refused.
		{name: "mapordered", vet: true, status: result.Error, want: "nondeterministic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, lab := newWorkspace(t, "cases/"+tc.name)
			b, err := build(context.Background(), lab, studentPkgs(t, w, lab), w.Dir, tc.vet)
			require.NoError(t, err)
			for _, parallel := range []int{2, 1} {
				res := gradeWith(t, b.Runner, lab, parallel)
				for _, tr := range res.Tests {
					if tr.Name != "Chaos" || tc.want == "" {
						assert.Equal(t, result.Pass, tr.Status, "%s: %s", tr.Name, tr.Message)
						continue
					}
					status := tc.status
					if status == "" {
						status = result.Fail
					}
					t.Logf("with %d workers, Chaos: %s", parallel, tr.Message)
					assert.Equal(t, status, tr.Status, tr.Message)
					assert.Contains(t, tr.Message, tc.want)
					assert.Less(t, len(tr.Message), 64<<10, "a message is bounded, whatever the student's code did")
					if tc.stops {
						assert.LessOrEqual(t, tr.Seeds, 2, "a test whose run crashed or hung starts no more seeds (two ran at once)")
					}
					if tc.frame != "" {
						assert.Contains(t, tr.Message, filepath.Join(w.LabDir(lab), tc.frame), "the student's own frames, at their paths")
					}
				}
				// Every test passes but Chaos, the one whose server misbehaves.
				want := lab.MaxScore()
				if chaos, ok := lab.Test("Chaos"); ok && tc.want != "" {
					want -= chaos.Points
				}
				assert.Equal(t, want, res.Score, "with %d workers", parallel)
			}
		})
	}
}

// TestOutputIsShownNeverParsed: what the student prints is kept with the
// run it came from, and changes nothing in the verdict.
func TestOutputIsShownNeverParsed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner")
	}
	w, lab := newWorkspace(t, "cases/prints")
	b, err := BuildStudent(context.Background(), w, lab)
	require.NoError(t, err)
	rn := b.Runner
	res, err := run.Grade(context.Background(), run.Options{Lab: lab, Impl: "student", Runner: rn, Seeds: 2,
		Run: regexp.MustCompile("^(Chaos|Loss)$"), TraceDir: t.TempDir(), NoShrink: true})
	require.NoError(t, err)
	assert.Equal(t, 9, res.Score)
	for _, tr := range res.Tests {
		assert.Equal(t, result.Pass, tr.Status)
	}

	// A cached build is found by content hash.
	again, err := BuildStudent(context.Background(), w, lab)
	require.NoError(t, err)
	assert.True(t, again.Cached)
	assert.Equal(t, rn.Path, again.Runner.Path)
}

// TestCheatsAreRefused: a submission that breaks the rules is not graded;
// the error names the student's file and line and says why.
func TestCheatsAreRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks each case")
	}
	for _, tc := range []struct{ name, want string }{
		{"os-exit-in-handler", `import "os" is not allowed`},
		{"os-exit-in-init", "func init is not allowed"},
		{"global-map", "package-level variable shared is not allowed"},
		{"read-environment", `import "os" is not allowed`},
		{"unsafe", `import "unsafe" is not allowed`},
		{"goroutine", "go statement"},
		{"dot-import", `dot-import of "time"`},
		{"linkname", "//go:linkname is not allowed"},
		{"grader-import", "may import only"},
		{"cgo", "cgo"},
		// The rule check sees exactly the files the build compiles.
		{"build-constraint", "build constraint"},
		// No memory shared but the network: no package variable of any
		// package is written, addressed, or initialized by running code.
		{"assign-imported-var", "ErrUnsupported"},
		{"reassign-sentinel", "ErrGone"},
		{"address-of-sentinel", "ErrGone"},
		{"init-call", "initializer"},
		// A sub-package of the workspace is never copied into grading.
		{"subpackage", "sub-package"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, lab := newWorkspace(t, "cases/good")
			copyDir(t, "testdata/cheats/"+tc.name, w.LabDir(lab))
			_, err := BuildStudent(context.Background(), w, lab)
			var be *BuildError
			require.ErrorAs(t, err, &be)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), filepath.Join(w.LabDir(lab), "cheat.go")+":", "names the student's file")
		})
	}
}

// TestWorkspaceEditsOutsideThePackageChangeNothing: a replace directive to
// an edited copy of the suite, or an edited platform copy, is not what
// grading builds: the starter still scores zero.
func TestWorkspaceEditsOutsideThePackageChangeNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner")
	}
	lab, err := suite.Lookup("pingpong")
	require.NoError(t, err)
	dir := t.TempDir()
	_, err = Init(dir, suite.Labs())
	require.NoError(t, err)
	// Every test of the workspace's platform copy now passes at once...
	tests := filepath.Join(dir, platformDir, "labs/pingpong/pingponglab/harness.go")
	require.NoError(t, makeWritable(filepath.Join(dir, platformDir)))
	b, err := os.ReadFile(tests)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(tests, []byte(strings.Replace(string(b), "func (c *cluster) fail(", "func (c *cluster) failNever(", 1)+
		"\nfunc (c *cluster) fail(nodes []node.ID, format string, args ...any) {}\n"), 0o644))
	// ...and go.mod points elsewhere.
	gomod := filepath.Join(dir, "go.mod")
	b, err = os.ReadFile(gomod)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(gomod, append(b, []byte("\nreplace github.com/faultline-dev/faultline => /nonexistent\n")...), 0o644))

	w, err := Open(dir)
	require.NoError(t, err)
	bl, err := BuildStudent(context.Background(), w, lab)
	require.NoError(t, err)
	res, err := run.Grade(context.Background(), run.Options{Lab: lab, Impl: "student", Runner: bl.Runner, Seeds: 1, TraceDir: t.TempDir(), NoShrink: true})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Score)
}

// TestInterruptKillsRunners: Ctrl-C during grading stops runner processes
// in the middle of a run that would never end, and the partial report
// comes back.
func TestInterruptKillsRunners(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner")
	}
	w, lab := newWorkspace(t, "cases/endless")
	b, err := BuildStudent(context.Background(), w, lab)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := run.Grade(ctx, run.Options{Lab: lab, Impl: "student", Runner: b.Runner, Seeds: 2, Parallel: 2,
		Run: regexp.MustCompile("^(ReliableOne|Chaos)$"), Watchdog: time.Hour, TraceDir: t.TempDir(), NoShrink: true,
		Progress: func(done, total int) {
			if done == 2 {
				cancel() // ReliableOne is done; Chaos hangs until we stop it
			}
		}})
	require.ErrorIs(t, err, run.ErrInterrupted)
	require.True(t, res.Interrupted)
	for _, tr := range res.Tests {
		if tr.Name == "ReliableOne" {
			assert.Equal(t, result.Pass, tr.Status)
		} else {
			assert.Equal(t, result.Skipped, tr.Status, "a run stopped by the interrupt is not judged")
		}
	}
}
