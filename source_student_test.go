//go:build student

package faultline

import (
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceMarkers are found in every lab's reference or mutants and in no
// other file of the platform: the package clauses of the two folders, the
// bug flags every reference has, and the wiring of reference.go.
var referenceMarkers = regexp.MustCompile(`(?m)^package (reference|mutants)\b|type Bugs struct|Lab\.(Solution|Mutants) = `)

// referencePath reports a path (slash-separated, from the module root)
// where reference code lives (docs/design.md, "One layout for every lab").
func referencePath(p string) bool {
	parts := strings.Split(p, "/")
	if len(parts) < 3 || parts[0] != "labs" {
		return false
	}
	return parts[2] == "internal" || parts[2] == "mutants" ||
		(len(parts) == 4 && strings.HasSuffix(parts[2], "lab") && parts[3] == "reference.go")
}

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

// TestReferencePath checks the test's own notion of where references live.
func TestReferencePath(t *testing.T) {
	for p, want := range map[string]bool{
		"labs/raft/internal/reference/raft.go": true,
		"labs/raft/mutants/mutants.go":         true,
		"labs/raft/raftlab/reference.go":       true,
		"labs/raft/raftlab/lab.go":             false,
		"labs/raft/starter/raft.go":            false,
		"labs/raft/raft.go":                    false,
		"grader/suite/lab.go":                  false,
	} {
		assert.Equal(t, want, referencePath(p), p)
	}
}
