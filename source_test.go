package faultline

import (
	"bufio"
	"io/fs"
	"os"
	"path"
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

// studentPatterns reads the //go:embed patterns of source_student.go.
func studentPatterns(t *testing.T) []string {
	f, err := os.Open("source_student.go")
	require.NoError(t, err)
	defer f.Close()
	var pats []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "//go:embed "); ok {
			pats = append(pats, strings.Fields(rest)...)
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, pats)
	return pats
}

// embedded lists the files that go:embed patterns select from the module
// root, as the go command does: a file a pattern names, or every file
// under a folder a pattern names, less names starting with . or _.
func embedded(t *testing.T, pats []string) map[string]bool {
	out := map[string]bool{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		p = filepath.ToSlash(p)
		if p == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		for dir := p; dir != "."; dir = path.Dir(dir) {
			for _, pat := range pats {
				if ok, _ := path.Match(pat, dir); ok {
					out[p] = true
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// TestStudentPatterns: the student edition's patterns (source_student.go)
// select every file of the platform a runner needs, and no reference code,
// nor a suite's own tests (some import the reference). The open-source
// edition's build runs it, so a new file that the patterns would miss, or
// a reference they would let in, fails here before anyone builds the
// student edition.
func TestStudentPatterns(t *testing.T) {
	got := embedded(t, studentPatterns(t))
	require.Greater(t, len(got), 100)
	for p := range got {
		assert.False(t, referencePath(p), "%s is reference code: the student edition must not embed it", p)
		parts := strings.Split(p, "/")
		if len(parts) == 4 && parts[0] == "labs" && strings.HasSuffix(parts[2], "lab") {
			assert.False(t, strings.HasSuffix(p, "_test.go"), "%s: a suite's tests stay out of the student edition", p)
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		if m := referenceMarkers.Find(data); m != nil {
			t.Errorf("%s holds %q, reference code the student edition must not embed", p, m)
		}
	}
	for _, root := range []string{"go.mod", "go.sum", "grader", "labs"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			require.NoError(t, err)
			p = filepath.ToSlash(p)
			if d.IsDir() {
				if d.Name() == "testdata" || referencePath(p+"/x") {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(p, "_test.go") || referencePath(p) || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			assert.True(t, got[p], "%s is not embedded in the student edition, and runners need it: see the patterns in source_student.go", p)
			return nil
		})
		require.NoError(t, err)
	}
}
