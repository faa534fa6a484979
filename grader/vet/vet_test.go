package vet

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), NewAnalyzer(Rules{}), "bad", "shared")
}

func TestImportRules(t *testing.T) {
	r := &importRules{allowed: map[string]bool{"fmt": true}}
	for _, tc := range []struct{ path, want string }{
		{"fmt", ""},
		{Module + "/labs/node", ""},
		{Module + "/labs/raft", ""},
		{Module + "/labs/raft/mutants", "lab's own machinery"},
		{Module + "/labs/raft/internal/reference", "lab's own machinery"},
		{Module + "/labs/raft/raftlab", "lab's own machinery"},
		{Module + "/grader/sim", "not the grader"},
		{"net", "no sockets"},
		{"encoding/xml", "not in this lab's allowlist (allowed: fmt)"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := r.check(tc.path)
			if tc.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, tc.want)
			}
		})
	}
}

// TestLabCodeIsClean runs the real checker over the labs' starters and
// reference implementations, which must follow the rules students follow
// (the solution and mutants packages are registry glue around them, with
// package-level tables, and are not lab code).
func TestLabCodeIsClean(t *testing.T) {
	for _, tc := range []struct {
		dir string
		api []string
	}{
		{"../../labs/pingpong/starter", []string{"pingpong"}},
		{"../../labs/pingpong/internal/reference", []string{"pingpong"}},
		{"../../labs/raft/starter", []string{"raft"}},
		{"../../labs/raft/internal/reference", []string{"raft"}},
		{"../../labs/kvraft/starter", []string{"kvraft"}},
		{"../../labs/kvraft/internal/reference", []string{"kvraft", "raft"}},
		{"../../labs/shardkv/starter", []string{"shardkv"}},
		{"../../labs/shardkv/internal/reference", []string{"shardkv"}},
		{"../../labs/queue/starter", []string{"queue"}},
		{"../../labs/queue/internal/reference", []string{"queue"}},
		{"../../labs/backoff/starter", []string{"backoff"}},
		{"../../labs/backoff/internal/reference", []string{"backoff"}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			t.Parallel()
			var platform []string
			for _, api := range tc.api {
				platform = append(platform, Module+"/labs/"+api)
			}
			fs, err := Check(tc.dir, Rules{Platform: platform})
			require.NoError(t, err)
			assert.Empty(t, fs)
		})
	}
}

// TestCheckNamesFilesAsGiven: findings and compile errors name the file
// inside the folder as the caller named the folder, relative or absolute,
// so that a caller who copied the files can map the names back.
func TestCheckNamesFilesAsGiven(t *testing.T) {
	abs, err := filepath.Abs("testdata/src")
	require.NoError(t, err)
	link := filepath.Join(t.TempDir(), "src")
	require.NoError(t, os.Symlink(abs, link))
	for _, tc := range []struct {
		name, root string
	}{
		{"relative", "testdata/src"},
		{"absolute", abs},
		{"through a symbolic link", link},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := Check(filepath.Join(tc.root, "bad"), Rules{})
			require.NoError(t, err)
			require.NotEmpty(t, fs)
			assert.Equal(t, filepath.Join(tc.root, "bad", "bad.go"), fs[0].File)
			assert.Equal(t, 5, fs[0].Line)
			assert.Contains(t, fs[0].String(), filepath.Join(tc.root, "bad", "bad.go")+":5:2: ")

			fs, err = Check(filepath.Join(tc.root, "subpkg"), Rules{})
			require.NoError(t, err, "the folder's own pass reports the imports that cannot load")
			require.NotEmpty(t, fs)
			assert.Equal(t, filepath.Join(tc.root, "subpkg", "subpkg.go"), fs[0].File)

			_, err = Check(filepath.Join(tc.root, "broken"), Rules{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "does not build")
			assert.Contains(t, err.Error(), "\n  "+filepath.Join(tc.root, "broken", "broken.go")+":3:23: cannot use")
			assert.Equal(t, 1, strings.Count(err.Error(), "cannot use"), "each compile error once: %v", err)
			le, ok := errors.AsType[*LoadError](err)
			require.True(t, ok, "a folder that does not build is a *LoadError: %v", err)
			require.NotEmpty(t, le.Problems)
			assert.True(t, strings.HasPrefix(le.Problems[0], filepath.Join(tc.root, "broken", "broken.go")+":3:23: cannot use"), le.Problems[0])

		})
	}
}

func TestCheckBuildFailure(t *testing.T) {
	_, err := Check(t.TempDir(), Rules{})
	require.Error(t, err)
}

// TestStudentImportRules: of the platform, a student's package may import
// labs/node and its lab's interface, nothing else.
func TestStudentImportRules(t *testing.T) {
	r := newImportRules(Rules{Std: []string{}, Platform: []string{Module + "/labs/raft"}, Module: "example.com/ws"})
	for _, tc := range []struct{ path, want string }{
		{Module + "/labs/node", ""},
		{Module + "/labs/raft", ""},
		{Module + "/labs/pingpong", "may import only"},
		{Module + "/labs/raft/mutants", "may import only"},
		{Module + "/grader/run", "may import only"},
		{"workspace/raft/helper", "is a sub-package of your workspace: lab code is one package"},
		{"example.com/ws/raft/helper", "is a sub-package of your workspace"},
		{"example.com/other", "not in this lab's allowlist"},
		{"encoding/xml", "not in this lab's allowlist"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := r.check(tc.path)
			if tc.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, tc.want)
			}
		})
	}
}

// TestAnalyzerReportsIgnoredFiles: the analyzer alone (without Check's own
// pass over the folder) still refuses a file the build leaves out, and a
// non-Go source, at line 1 of each.
func TestAnalyzerReportsIgnoredFiles(t *testing.T) {
	for _, tc := range []struct{ dir, file, want string }{
		{"testdata/src/rules/gobuild", "gobuild.go", "gobuild.go is not compiled under the grader's build settings"},
		{"testdata/src/rules/cgo", "cgo.go", "cgo.go is not compiled under the grader's build settings (a build constraint or cgo leaves it out)"},
		{"testdata/src/rules/othersource", "escape.s", "escape.s is assembly"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadSyntax, Dir: tc.dir, Env: append(os.Environ(), BuildEnv()...)}, ".")
			require.NoError(t, err)
			graph, err := checker.Analyze([]*analysis.Analyzer{NewAnalyzer(Rules{})}, pkgs, nil)
			require.NoError(t, err)
			var got []string
			for _, act := range graph.Roots {
				for _, d := range act.Diagnostics {
					pos := act.Package.Fset.Position(d.Pos)
					got = append(got, fmt.Sprintf("%s:%d: %s", filepath.Base(pos.Filename), pos.Line, d.Message))
				}
			}
			require.Len(t, got, 1, "%q", got)
			assert.Contains(t, got[0], tc.file+":1: "+tc.want)
		})
	}
}

// TestCheckNeverCompiles: the rule check type-checks lab code but never
// runs the compiler on it (a compile bomb is the runner build's to bound),
// so an error only the compiler finds passes here.
func TestCheckNeverCompiles(t *testing.T) {
	fs, err := Check("testdata/src/compileonly", Rules{})
	require.NoError(t, err)
	assert.Empty(t, fs)
}
