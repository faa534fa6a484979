package vet

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), NewAnalyzer(Rules{}), "bad", "shared")
}

func TestImportRules(t *testing.T) {
	allowed := map[string]bool{"fmt": true}
	for _, tc := range []struct{ path, want string }{
		{"fmt", ""},
		{Module + "/labs/node", ""},
		{Module + "/labs/raft", ""},
		{Module + "/labs/raft/solution", "lab's own machinery"},
		{Module + "/labs/raft/internal/core", "lab's own machinery"},
		{Module + "/labs/raft/raftlab", "lab's own machinery"},
		{Module + "/grader/sim", "not the grader"},
		{"net", "no sockets"},
		{"encoding/xml", "not in this lab's allowlist (allowed: fmt)"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := checkImport(tc.path, allowed, nil)
			if tc.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, tc.want)
			}
		})
	}
}

// TestLabCodeIsClean runs the real checker over the labs' reference and
// starter code, which must follow their own rules.
func TestLabCodeIsClean(t *testing.T) {
	for _, tc := range []struct{ dir, api string }{
		{"../../labs/pingpong/starter", "pingpong"},
		{"../../labs/pingpong/internal/ref", "pingpong"},
		{"../../labs/raft/starter", "raft"},
		{"../../labs/raft/internal/core", "raft"},
	} {
		dir := tc.dir
		t.Run(dir, func(t *testing.T) {
			fs, err := Check(dir, Rules{Platform: []string{Module + "/labs/" + tc.api}})
			require.NoError(t, err)
			assert.Empty(t, fs)
		})
	}
}

func TestCheckFindsProblems(t *testing.T) {
	fs, err := Check("testdata/src/bad", Rules{})
	require.NoError(t, err)
	require.NotEmpty(t, fs)
	assert.Equal(t, "testdata/src/bad/bad.go", fs[0].File)
	assert.Equal(t, 5, fs[0].Line)
	assert.Contains(t, fs[0].String(), "testdata/src/bad/bad.go:5:")
}

func TestCheckBuildFailure(t *testing.T) {
	_, err := Check(t.TempDir(), Rules{})
	require.Error(t, err)
}

// TestStudentImportRules: of the platform, a student's package may import
// labs/node and its lab's interface, nothing else.
func TestStudentImportRules(t *testing.T) {
	platform := map[string]bool{Module + "/labs/node": true, Module + "/labs/raft": true}
	for _, tc := range []struct{ path, want string }{
		{Module + "/labs/node", ""},
		{Module + "/labs/raft", ""},
		{Module + "/labs/pingpong", "may import only"},
		{Module + "/labs/raft/solution", "may import only"},
		{Module + "/grader/run", "may import only"},
		{"workspace/raft/helper", "not in this lab's allowlist"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := checkImport(tc.path, map[string]bool{"fmt": true}, platform)
			if tc.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, tc.want)
			}
		})
	}
}
