package progress

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var at = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestMissingFileIsEmpty(t *testing.T) {
	s, err := Load(filepath.Join(t.TempDir(), "nope", "progress.json"))
	require.NoError(t, err)
	assert.Empty(t, s.Labs)
	assert.Empty(t, s.Lessons)
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir", "progress.json")
	s := New()
	s.SetTest("raft", "starter", "InitialElection", Test{Passed: false, Seed: 7, Seeds: 1, Message: "no leader", At: at})
	s.SetTest("raft", "starter", "ReElection", Test{Passed: true, Points: 3, Seeds: 30, At: at})
	s.SetLesson("raft-election", 0.3, 0.4, at)
	require.NoError(t, s.Save(path))

	got, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, s, got)
	assert.Equal(t, "starter", got.Labs["raft"].LastImpl)
	assert.Len(t, got.Tests("raft", "starter"), 2)
	assert.Nil(t, got.Tests("raft", "solution"))
	assert.Equal(t, "raft-election", got.LastLesson)

	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")
}

func TestLessonKeepsTheFurthestRead(t *testing.T) {
	s := New()
	s.SetLesson("a", 0.7, 0.8, at)
	s.SetLesson("a", 0.05, 0.1, at)
	assert.Equal(t, 0.8, s.Lessons["a"].Read)
	assert.Equal(t, 0.05, s.Lessons["a"].Position, "the position is where the reader last stood")
	s.SetLesson("a", -5, 7, at)
	assert.Equal(t, 1.0, s.Lessons["a"].Read)
	assert.Equal(t, 0.0, s.Lessons["a"].Position)
}

// Update re-reads the file, so a change written by another program
// meanwhile survives.
func TestUpdateKeepsOtherWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	require.NoError(t, Update(path, func(s *Store) { s.SetTest("raft", "starter", "A", Test{Passed: true, At: at}) }))
	require.NoError(t, Update(path, func(s *Store) { s.SetTest("pingpong", "starter", "B", Test{Passed: true, At: at}) }))
	s, err := Load(path)
	require.NoError(t, err)
	assert.Len(t, s.Labs, 2)
}

func TestBadFilesAreReportedAndKept(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"version\": 1,\n  \"labs\": {,\n}", "progress.json:3:12: progress file is not valid"},
		{"type", "{\n  \"version\": \"one\"\n}", "progress.json:2:18: progress file is not valid"},
		{"version", `{"version": 9}`, "progress.json:1:1: progress file has version 9"},
		{"truncated", `{"version": 1, "labs": {"raft"`, "progress file is not valid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "progress.json")
			require.NoError(t, os.WriteFile(path, []byte(c.data), 0o644))
			_, err := Load(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "left untouched")

			err = Update(path, func(s *Store) { s.SetLesson("x", 1, 1, at) })
			require.Error(t, err)
			data, _ := os.ReadFile(path)
			assert.Equal(t, c.data, string(data), "a bad file is never overwritten")
		})
	}
}

func TestDefaultPathHonoursFaultlineHome(t *testing.T) {
	dir := t.TempDir()
	p, err := DefaultPath(func(k string) string { return map[string]string{"FAULTLINE_HOME": dir}[k] })
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "progress.json"), p)
}

// Updates that overlap keep every change: the TUI saves each test of a
// lab run ("a") as it finishes, many at once, and a file that kept only
// the last writer's view lost results (35 of 39 were kept).
func TestConcurrentUpdatesKeepEveryChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	const n = 39
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- Update(path, func(s *Store) {
				s.SetTest("raft", "solution", fmt.Sprintf("Test%02d", i), Test{Passed: true, Points: 1, At: at})
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	s, err := Load(path)
	require.NoError(t, err)
	assert.Len(t, s.Tests("raft", "solution"), n)
}
