package workspace

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
)

// TestConcurrentGradings: eight gradings at once, into an empty cache, of
// the same code in several workspaces and of different code, never
// interfere (issue 22: three at once failed 12 of 12 with "getwd: no such
// file or directory"). Each gets its own verdict; identical code is built
// once, the other gradings waiting for it and using its runner; a compile
// error names the file in the grading's own workspace. Goroutines stand in
// for processes: an flock belongs to an open file, so two opens in one
// process exclude each other as two processes do.
func TestConcurrentGradings(t *testing.T) {
	if testing.Short() {
		t.Skip("builds runners")
	}
	t.Setenv("FAULTLINE_CACHE", t.TempDir()) // every build races to extract the platform too
	lab, err := suite.Lookup("pingpong")
	require.NoError(t, err)
	starter := func() *Workspace {
		dir := t.TempDir()
		_, err := Init(dir, suite.Labs())
		require.NoError(t, err)
		w, err := Open(dir)
		require.NoError(t, err)
		return w
	}
	fromTestdata := func(extra string) *Workspace {
		w, _ := newWorkspace(t, extra)
		return w
	}
	type job struct {
		kind string // good (full marks), starter (none) or broken (does not compile)
		w    *Workspace
	}
	good, broken := []*Workspace{fromTestdata("cases/good"), fromTestdata("cases/good")}, []*Workspace{fromTestdata("concurrent/broken"), fromTestdata("concurrent/broken")}
	starters := []*Workspace{starter(), starter()}
	jobs := []job{
		{"good", good[0]}, {"good", good[1]}, {"good", good[0]}, {"starter", starters[0]},
		{"starter", starters[1]}, {"broken", broken[0]}, {"broken", broken[1]}, {"good", good[1]},
	}
	type outcome struct {
		build *Build
		res   *result.Result
		err   error
	}
	outcomes := make([]outcome, len(jobs))
	traces := make([]string, len(jobs))
	for i := range jobs {
		traces[i] = t.TempDir()
	}
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := BuildStudent(context.Background(), j.w, lab)
			if err != nil {
				outcomes[i] = outcome{err: err}
				return
			}
			res, err := run.Grade(context.Background(), run.Options{Lab: lab, Impl: "student", Runner: b.Runner,
				Seeds: 1, Parallel: 1, TraceDir: traces[i], NoShrink: true})
			outcomes[i] = outcome{build: b, res: res, err: err}
		}()
	}
	wg.Wait()

	built := map[string]int{} // runner path: uncached builds
	for i, j := range jobs {
		o := outcomes[i]
		if j.kind == "broken" {
			var be *BuildError
			require.ErrorAs(t, o.err, &be, "job %d", i)
			assert.Contains(t, o.err.Error(), filepath.Join(j.w.LabDir(lab), "misbehave.go")+":5:", "job %d: names the file in its own workspace", i)
			continue
		}
		require.NoError(t, o.err, "job %d (%s)", i, j.kind)
		require.NotZero(t, o.res.MaxScore)
		switch j.kind {
		case "good":
			assert.Equal(t, o.res.MaxScore, o.res.Score, "job %d: the good pingpong", i)
		case "starter":
			assert.Equal(t, 0, o.res.Score, "job %d: the starter", i)
		}
		for _, tr := range o.res.Tests {
			assert.NotEqual(t, result.Error, tr.Status, "job %d %s: %s", i, tr.Name, tr.Message)
		}
		if !o.build.Cached {
			built[o.build.Runner.Path]++
		}
	}
	for path, n := range built {
		assert.Equal(t, 1, n, "%s: identical builds wait for the first and use its runner", path)
	}
	assert.Equal(t, outcomes[0].build.Runner.Path, outcomes[1].build.Runner.Path, "the same code in two workspaces: one runner")
	assert.NotEqual(t, outcomes[0].build.Runner.Path, outcomes[3].build.Runner.Path)

	cache, err := CacheDir()
	require.NoError(t, err)
	left, err := os.ReadDir(filepath.Join(cache, "platform", faultline.SourceHash()[:20], "submission"))
	require.NoError(t, err)
	assert.Empty(t, left, "every build removes its private folder")
}
