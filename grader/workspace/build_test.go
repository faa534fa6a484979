package workspace

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/suite"
)

// hugeLiteral is a file whose one function returns a slice literal of n
// elements, each computed: the compiler's work and memory grow with n (at
// n = 100,000 it takes about 5 s and 500 MB; a 1 GiB array literal took
// three minutes and 3 GB).
func hugeLiteral(n int) []byte {
	var b strings.Builder
	b.WriteString("package pingpong\n\nfunc table(x int) []int {\n\treturn []int{")
	for i := range n {
		fmt.Fprintf(&b, "x + %d, ", i)
	}
	b.WriteString("}\n}\n")
	return []byte(b.String())
}

// studentPkgs reads the student's packages for lab from w, as BuildStudent
// does.
func studentPkgs(t *testing.T, w *Workspace, lab *suite.Lab) []studentPkg {
	t.Helper()
	var pkgs []studentPkg
	for _, l := range append([]*suite.Lab{lab}, usedLabs(lab)...) {
		files, err := w.Files(l)
		require.NoError(t, err)
		p := studentPkg{lab: l}
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			p.files = append(p.files, source{name: filepath.Base(f), data: b})
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestBuildLimits: code that takes too long or too much memory to compile
// is stopped and refused with what to do, not the compiler's output. The
// limits here are small so that the test is quick; the file takes several
// times longer and more memory than them on any machine (the go command
// alone needs about 800 MiB of address space, so 1 GiB leaves the
// compiler 200 MiB). The other tests build under the default limits: the
// toolchain works under them.
func TestBuildLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the compiler")
	}
	w, lab := newWorkspace(t, "cases/good")
	// The platform's packages are compiled (and cached) first: a limit
	// reached while compiling them is not the student's.
	_, err := BuildStudent(context.Background(), w, lab)
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		elements int
		limits   Limits
		want     string
	}{
		{"time", 200_000, Limits{Time: time.Second, Memory: 4 << 30}, "your code takes too long to compile (more than 1s): look for a huge array or composite literal"},
		{"memory", 100_000, Limits{Time: time.Hour, Memory: 1 << 30}, "your code needs more than 1 GiB to compile: look for a huge array or composite literal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(filepath.Join(w.LabDir(lab), "table.go"), hugeLiteral(tc.elements), 0o644))
			// Vet is skipped: it reads the file but does not compile it.
			_, err := buildWith(context.Background(), lab, studentPkgs(t, w, lab), buildOptions{wsDir: w.Dir, limits: tc.limits})
			var be *BuildError
			require.ErrorAs(t, err, &be)
			require.Len(t, be.Problems, 1, "no compiler noise: %s", err)
			assert.True(t, strings.HasPrefix(be.Problems[0], w.LabDir(lab)+": "+tc.want), "%s", be.Problems[0])
		})
	}
}

// TestGoCacheIsBounded: faultline's Go build cache is wiped once it grows
// past its bound, but never while a build uses it.
func TestGoCacheIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files int // of 1 KiB
		bound int64
		inUse bool // a build holds the cache's shared lock
		wiped bool
	}{
		{"under the bound", 2, 4 << 10, false, false},
		{"over the bound", 5, 4 << 10, false, true},
		{"over the bound, in use", 5, 4 << 10, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := t.TempDir()
			dir := filepath.Join(cache, "gocache", "0a")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			for i := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprint(i)), make([]byte, 1<<10), 0o644))
			}
			if tc.inUse {
				unlock, err := lockFile(context.Background(), filepath.Join(cache, "gocache.lock"), syscall.LOCK_SH)
				require.NoError(t, err)
				defer unlock()
			}
			pruneGoCache(cache, tc.bound)
			_, err := os.Stat(filepath.Join(cache, "gocache"))
			assert.Equal(t, tc.wiped, os.IsNotExist(err), "wiped")
			entries, err := os.ReadDir(cache)
			require.NoError(t, err)
			for _, e := range entries {
				assert.NotContains(t, e.Name(), "gocache.old", "nothing left aside")
			}
		})
	}
}

// TestRunnersArePruned: the most recently used runners are kept, and the
// others once unused for long enough, unless a build holds their lock;
// lock files of failed builds go too.
func TestRunnersArePruned(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// Runners r0 … r5, r5 the most recently used; r2 is being built.
	for i := range 6 {
		key := fmt.Sprintf("r%d", i)
		exe := filepath.Join(dir, key, "runner")
		require.NoError(t, os.MkdirAll(filepath.Dir(exe), 0o755))
		require.NoError(t, os.WriteFile(exe, nil, 0o755))
		at := base.Add(time.Duration(i) * time.Minute)
		require.NoError(t, os.Chtimes(exe, at, at))
	}
	for _, key := range []string{"r0", "r1", "r2", "r3", "r4", "r5", "failed", "failing"} { // failed, failing: builds that made no runner
		lock := filepath.Join(dir, key+".lock")
		require.NoError(t, os.WriteFile(lock, nil, 0o644))
		require.NoError(t, os.Chtimes(lock, base, base))
	}
	for _, key := range []string{"r2", "failing"} {
		unlock, err := lockFile(context.Background(), filepath.Join(dir, key+".lock"), syscall.LOCK_EX)
		require.NoError(t, err)
		defer unlock()
	}
	recent := base.Add(2*time.Minute + 30*time.Second) // r0, r1 and r2 are older
	pruneRunners(dir, 2, func(info fs.FileInfo) bool { return info.ModTime().Before(recent) })
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	assert.ElementsMatch(t, []string{"r2", "r2.lock", "r3", "r3.lock", "r4", "r4.lock", "r5", "r5.lock", "failing.lock"}, left,
		"r4, r5: the two most recent; r3: used recently; r2: locked; failing: locked")
}

// TestPathsNameTheWorkspace: whatever private folder built a runner (a
// cached runner was built in another build's), a student's file, folder,
// function or type is named as in the student's workspace; the platform's
// and the generated runner's are left alone.
func TestPathsNameTheWorkspace(t *testing.T) {
	pingpong, err := suite.Lookup("pingpong")
	require.NoError(t, err)
	raft, err := suite.Lookup("raft")
	require.NoError(t, err)
	m := newPathMap("/c/platform/abc", "/home/s/ws", "example.com/ws", []studentPkg{{lab: pingpong}, {lab: raft}})
	for _, tc := range []struct{ in, want string }{
		{"/c/platform/abc/submission/0f3a-123/pingpong/server.go:12 +0x1d", "/home/s/ws/pingpong/server.go:12 +0x1d"},
		{"github.com/faultline-dev/faultline/submission/0f3a-987/pingpong/server.go:12", "/home/s/ws/pingpong/server.go:12"},
		{"github.com/faultline-dev/faultline/submission/0f3a-987/pingpong.(*server).HandleMessage(...)", "example.com/ws/pingpong.(*server).HandleMessage(...)"},
		{"interface conversion: interface {} is github.com/faultline-dev/faultline/submission/0f3a-987/raft.vote, not int", "interface conversion: interface {} is example.com/ws/raft.vote, not int"},
		{"vet: load /c/platform/abc/submission/0f3a-123/raft: no Go files", "vet: load /home/s/ws/raft: no Go files"},
		{"/c/platform/abc/submission/0f3a-123/runner/main.go:9", "/c/platform/abc/submission/0f3a-123/runner/main.go:9"},
		{"github.com/faultline-dev/faultline/labs/pingpong/pingponglab/harness.go:30", "github.com/faultline-dev/faultline/labs/pingpong/pingponglab/harness.go:30"},
		{"/c/platform/abc/submission/0f3a-123/pingpongs/x.go:1", "/c/platform/abc/submission/0f3a-123/pingpongs/x.go:1"},
	} {
		assert.Equal(t, tc.want, m.text(tc.in), "%s", tc.in)
	}
}
