package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/faultline-dev/faultline"
	"github.com/faultline-dev/faultline/grader/suite"
)

// MissingRequirements lists the modules the labs need ("path version")
// that the workspace's go.mod does not require: a workspace made before a
// lab that uses a new module was added. Init never edits go.mod; the
// student adds them with 'go get path@version'.
func (w *Workspace) MissingRequirements() []string {
	b, err := os.ReadFile(filepath.Join(w.Dir, "go.mod"))
	if err != nil {
		return nil
	}
	var missing []string
	for _, r := range labRequirements() {
		path, _, _ := strings.Cut(r, " ")
		if !strings.Contains(string(b), path+" ") {
			missing = append(missing, r)
		}
	}
	return missing
}

// Module is the platform's module path.
const Module = "github.com/faultline-dev/faultline"

// marker is the file that makes a directory a workspace.
const marker = ".faultline/workspace.json"

// platformDir holds the copy of the platform the workspace compiles
// against (go test, editors); grading never reads it.
const platformDir = ".faultline/platform"

// Workspace is a student's workspace: a Go module with one package per lab.
type Workspace struct {
	// Dir is the workspace's root directory (absolute).
	Dir string
	// Module is the workspace's module path, from its go.mod.
	Module string
}

type meta struct {
	Version  int      `json:"version"`
	Platform string   `json:"platform"` // faultline.SourceHash of the copy in .faultline/platform
	Labs     []string `json:"labs"`
}

// ErrNotFound is returned by Find and Root outside any workspace.
var ErrNotFound = errors.New("workspace: not in a faultline workspace")

// ErrNoPackage is matched (errors.Is) by Files' error when the lab's
// package is missing from the workspace or has no .go files: the
// submission's fault, not the grader's.
var ErrNoPackage = errors.New("workspace: the lab's package is missing")

// noPackageError is Files' error: its own message, matching ErrNoPackage.
type noPackageError struct{ err error }

func (e *noPackageError) Error() string        { return e.err.Error() }
func (e *noPackageError) Unwrap() error        { return e.err }
func (e *noPackageError) Is(target error) bool { return target == ErrNoPackage }

// Find returns the workspace containing dir, walking up from it.
func Find(dir string) (*Workspace, error) {
	root, err := Root(dir)
	if err != nil {
		return nil, err
	}
	return Open(root)
}

// Root returns the root of the workspace that contains dir: dir itself or
// the nearest directory above it that holds the workspace's marker
// (.faultline/workspace.json, written by Init). It looks at the marker
// alone, so a workspace whose go.mod is broken is still found (for 'init
// --update' to repair), and dir need not exist yet. Outside any workspace
// the error matches ErrNotFound.
func Root(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%w: no %s in %s or a directory above it (make one with 'faultline init DIR', or name it with --workspace DIR)", ErrNotFound, marker, abs)
		}
	}
}

// Open returns the workspace rooted at dir.
func Open(dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, marker)); err != nil {
		return nil, fmt.Errorf("%w: %s has no %s (make one with 'faultline init %s')", ErrNotFound, abs, marker, dir)
	}
	mod, err := modulePath(filepath.Join(abs, "go.mod"))
	if err != nil {
		return nil, err
	}
	return &Workspace{Dir: abs, Module: mod}, nil
}

func modulePath(gomod string) (string, error) {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return "", fmt.Errorf("workspace: %w (a workspace is a Go module: run 'faultline init --update' to restore go.mod)", err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
		_ = i
	}
	return "", fmt.Errorf("workspace: %s:1: no module line", gomod)
}

// LabDir is where the student's package for lab lives.
func (w *Workspace) LabDir(lab *suite.Lab) string {
	return filepath.Join(w.Dir, lab.Student.Package)
}

// Files returns the student's implementation files for lab: the package's
// .go files, not its tests. These, and nothing else of the workspace, are
// what grading copies.
func (w *Workspace) Files(lab *suite.Lab) ([]string, error) {
	dir := w.LabDir(lab)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &noPackageError{fmt.Errorf("workspace: lab %s: %w (run 'faultline init --update' to add its starter)", lab.Name, err)}
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		files = append(files, filepath.Join(dir, name))
	}
	if len(files) == 0 {
		return nil, &noPackageError{fmt.Errorf("workspace: %s has no .go files for lab %s (run 'faultline init --update' to add its starter)", dir, lab.Name)}
	}
	sort.Strings(files)
	return files, nil
}

// Init makes dir a workspace for labs, or brings an existing one up to
// date. It never overwrites a file the student has: a lab's package is
// written only when its directory does not exist, and the README, go.mod,
// .gitignore and CI workflow only when absent. The platform copy in
// .faultline/platform is the platform's and is always refreshed. It returns
// the paths it created, relative to dir.
func Init(dir string, labs []*suite.Lab) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	var created []string
	write := func(rel string, data []byte, perm fs.FileMode) error {
		path := filepath.Join(abs, rel)
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, perm); err != nil {
			return err
		}
		created = append(created, rel)
		return nil
	}
	if err := writePlatform(filepath.Join(abs, platformDir)); err != nil {
		return nil, fmt.Errorf("workspace: copy the platform: %w", err)
	}
	mod := "workspace"
	if m, err := modulePath(filepath.Join(abs, "go.mod")); err == nil {
		mod = m
	}
	files := map[string]string{
		"go.mod":                      goMod(mod),
		"go.sum":                      goSum(),
		"README.md":                   readme(labs),
		".gitignore":                  gitignore,
		".github/workflows/grade.yml": workflow(labs),
		".faultline/README":           "This folder belongs to faultline: a copy of the platform your code compiles\nagainst (platform/) and the workspace's record (workspace.json). Grading\nnever reads it. 'faultline init --update' rewrites it.\n",
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := write(n, []byte(files[n]), 0o644); err != nil {
			return nil, fmt.Errorf("workspace: %w", err)
		}
	}
	m := meta{Version: 1, Platform: faultline.SourceHash()}
	for _, lab := range labs {
		m.Labs = append(m.Labs, lab.Name)
		if lab.Student.Package == "" || lab.StudentDir == "" {
			continue
		}
		pkgDir := lab.Student.Package
		if _, err := os.Stat(filepath.Join(abs, pkgDir)); err == nil {
			continue // the student's: never touched
		}
		for _, f := range faultline.Source() {
			if filepath.ToSlash(filepath.Dir(f.Path)) != lab.StudentDir || !strings.HasSuffix(f.Path, ".go") {
				continue
			}
			if err := write(filepath.Join(pkgDir, filepath.Base(f.Path)), f.Data, 0o644); err != nil {
				return nil, fmt.Errorf("workspace: %w", err)
			}
		}
		if err := write(filepath.Join(pkgDir, "grade_test.go"), []byte(gradeTest(mod, lab)), 0o644); err != nil {
			return nil, fmt.Errorf("workspace: %w", err)
		}
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(abs, marker), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	return created, nil
}

// writePlatform replaces dir with the platform's source.
func writePlatform(dir string) error {
	stamp := filepath.Join(dir, ".source-hash")
	if b, err := os.ReadFile(stamp); err == nil && string(b) == faultline.SourceHash() {
		return nil
	}
	if err := makeWritable(dir); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := Extract(dir); err != nil {
		return err
	}
	return os.WriteFile(stamp, []byte(faultline.SourceHash()), 0o444)
}

// Extract writes the platform's source under dir, read-only.
func Extract(dir string) error {
	for _, f := range faultline.Source() {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.Data, 0o444); err != nil {
			return err
		}
	}
	return nil
}

func makeWritable(dir string) error {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chmod(p, 0o755)
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
