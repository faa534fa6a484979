//go:build student

package faultline

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStudentSourceHasNoReference: nothing of a reference is embedded in
// the student edition, by place or by content, tests and testdata
// included (they are in the binary even though Source skips them).
func TestStudentSourceHasNoReference(t *testing.T) {
	n := 0
	err := fs.WalkDir(source, ".", func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if d.IsDir() {
			return nil
		}
		n++
		assert.False(t, referencePath(p), "%s is reference code and must not be embedded in the student edition", p)
		data, err := source.ReadFile(p)
		require.NoError(t, err)
		if m := referenceMarkers.Find(data); m != nil {
			t.Errorf("%s holds %q, reference code the student edition must not embed", p, m)
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, n, 100, "the student edition embeds the platform")
}

// TestStudentSourceComplete: every file of the labs a runner needs (all but
// tests, testdata and reference code) is embedded. A new suite file whose
// name starts with r is not matched by source_student.go's patterns: rename
// it or add a pattern.
func TestStudentSourceComplete(t *testing.T) {
	err := filepath.WalkDir("labs", func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		p = filepath.ToSlash(p)
		if d.IsDir() {
			if d.Name() == "testdata" || referencePath(p+"/x") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, "_test.go") || referencePath(p) {
			return nil
		}
		_, err = fs.Stat(source, p)
		assert.NoError(t, err, "%s is not embedded in the student edition: see the patterns in source_student.go", p)
		return nil
	})
	require.NoError(t, err)
	got := map[string]bool{}
	for _, f := range Source() {
		got[f.Path] = true
	}
	assert.True(t, got["labs/raft/raftlab/lab.go"], "Source carries the suites")
	assert.True(t, got["labs/raft/starter/raft.go"], "Source carries the starters")
}
