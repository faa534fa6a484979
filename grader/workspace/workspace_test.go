package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/suite"
)

// TestWorkspaceRoot: Root and Find walk up from any folder of a workspace
// (a lab's package, a folder not made yet, the platform copy) to the one
// that holds the marker, even when its go.mod is broken; outside one they
// say ErrNotFound.
func TestWorkspaceRoot(t *testing.T) {
	outside := t.TempDir()
	ws := filepath.Join(outside, "ds")
	_, err := Init(ws, suite.Labs())
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		dir  string
		root string // "" for ErrNotFound
	}{
		{"the root", ws, ws},
		{"a lab folder", filepath.Join(ws, "raft"), ws},
		{"below a lab folder", filepath.Join(ws, "raft", "notes", "x"), ws},
		{"the platform copy", filepath.Join(ws, ".faultline", "platform", "labs"), ws},
		{"relative", filepath.Join(ws, "raft", ".."), ws},
		{"beside it", filepath.Join(outside, "other"), ""},
		{"above it", outside, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, err := Root(tc.dir)
			w, ferr := Find(tc.dir)
			if tc.root == "" {
				assert.ErrorIs(t, err, ErrNotFound)
				assert.ErrorIs(t, ferr, ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.root, root)
			require.NoError(t, ferr)
			assert.Equal(t, tc.root, w.Dir)
			assert.Equal(t, "workspace", w.Module)
		})
	}

	// A broken go.mod: Open and Find say how to repair it, Root still
	// finds the workspace so that 'init --update' can.
	require.NoError(t, os.Remove(filepath.Join(ws, "go.mod")))
	root, err := Root(filepath.Join(ws, "raft"))
	require.NoError(t, err)
	assert.Equal(t, ws, root)
	_, err = Find(filepath.Join(ws, "raft"))
	assert.ErrorContains(t, err, "faultline init --update")
}

// TestOpenAndFiles: a folder without the marker is not a workspace, and a
// missing or empty lab package is the submission's fault (ErrNoPackage).
func TestOpenAndFiles(t *testing.T) {
	ws := t.TempDir()
	_, err := Open(ws)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = Init(ws, suite.Labs())
	require.NoError(t, err)
	w, err := Open(ws)
	require.NoError(t, err)
	lab, err := suite.Lookup("pingpong")
	require.NoError(t, err)

	files, err := w.Files(lab)
	require.NoError(t, err)
	assert.NotEmpty(t, files)

	for _, tc := range []struct {
		name  string
		setup func(pkg string) error
		msg   string
	}{
		{"only tests", func(pkg string) error {
			for _, f := range files {
				if err := os.Remove(f); err != nil {
					return err
				}
			}
			return nil
		}, "has no .go files for lab pingpong"},
		{"missing", os.RemoveAll, "lab pingpong:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.setup(w.LabDir(lab)))
			_, err := w.Files(lab)
			assert.ErrorIs(t, err, ErrNoPackage)
			assert.ErrorContains(t, err, tc.msg)
			assert.ErrorContains(t, err, "faultline init --update")
			assert.False(t, errors.Is(err, ErrNotFound))
		})
	}
}
