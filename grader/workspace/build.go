package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/faultline-dev/faultline"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/vet"
)

// Build is a runner program built for grading.
type Build struct {
	Runner *run.Runner
	// Cached is set when an identical runner was already built.
	Cached bool
	// Took is the wall time the build took.
	Took time.Duration
}

// BuildError is a submission that does not build or breaks the rules; its
// message lists each problem with the student's file:line.
type BuildError struct {
	Lab      string
	Problems []string
	Vet      bool // the problems are rule violations, not compile errors
}

func (e *BuildError) Error() string {
	what := "does not compile"
	hint := "fix these and grade again"
	if e.Vet {
		what = "breaks the lab's rules"
		hint = "fix these first: code that breaks them could change how other runs behave, or would not replay from its seed (docs/student.md says why)"
	}
	return fmt.Sprintf("your %s code %s:\n  %s\n%s", e.Lab, what, strings.Join(e.Problems, "\n  "), hint)
}

// CacheDir is where faultline keeps platform copies and built runners:
// $FAULTLINE_CACHE, or faultline/ under the user's cache directory.
func CacheDir() (string, error) {
	if d := os.Getenv("FAULTLINE_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("workspace: no cache directory (set FAULTLINE_CACHE): %w", err)
	}
	return filepath.Join(d, "faultline"), nil
}

// BuildStudent vets the student's package for lab (and the packages of the
// labs it builds on, Student.Uses) and builds a runner with them compiled
// into a pristine copy of the suites. Only the packages' .go files (not
// their tests) are copied; nothing else of the workspace is read. Runners
// are cached by the hash of everything that goes into them.
func BuildStudent(ctx context.Context, w *Workspace, lab *suite.Lab) (*Build, error) {
	var pkgs []studentPkg
	for _, l := range append([]*suite.Lab{lab}, usedLabs(lab)...) {
		if l == nil {
			return nil, fmt.Errorf("workspace: lab %s builds on a lab that is not registered", lab.Name)
		}
		files, err := w.Files(l)
		if err != nil {
			return nil, err
		}
		p := studentPkg{lab: l}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("workspace: %w", err)
			}
			p.files = append(p.files, source{name: filepath.Base(f), data: b})
		}
		pkgs = append(pkgs, p)
	}
	return build(ctx, lab, pkgs, w.Dir, true)
}

// usedLabs returns the labs lab builds on (nil for one not registered).
func usedLabs(lab *suite.Lab) []*suite.Lab {
	var out []*suite.Lab
	for _, name := range lab.Student.Uses {
		l, _ := suite.Lookup(name)
		out = append(out, l)
	}
	return out
}

// BuildPlatform builds the runner of the platform's own implementations
// (solution, starter, mutants) of every lab.
func BuildPlatform(ctx context.Context, lab *suite.Lab) (*Build, error) {
	return build(ctx, lab, nil, "", false)
}

type source struct {
	name string
	data []byte
}

// studentPkg is one of the student's packages: the lab's own first, then
// those of the labs it builds on.
type studentPkg struct {
	lab   *suite.Lab
	files []source
}

// build builds a runner for lab with the student's packages (none: the
// platform's runner). wsDir is the workspace, for naming the student's
// files in errors and stack frames. Only tests skip vet, to show that the
// runner survives what vet would have refused.
func build(ctx context.Context, lab *suite.Lab, pkgs []studentPkg, wsDir string, vetIt bool) (*Build, error) {
	start := time.Now()
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s/%s\x00%v\x00", faultline.SourceHash(), lab.Name, runtime.Version(), runtime.GOOS, runtime.GOARCH, vetIt)
	for _, p := range pkgs {
		fmt.Fprintf(h, "package %s\x00", p.lab.Student.Package)
		for _, s := range p.files {
			fmt.Fprintf(h, "%s\x00%d\x00", s.name, len(s.data))
			h.Write(s.data)
		}
	}
	key := hex.EncodeToString(h.Sum(nil))[:20]
	exe := filepath.Join(cache, "runners", key, "runner")
	platform := filepath.Join(cache, "platform", faultline.SourceHash()[:20])
	// The submission's own folder in the pristine tree, removed after;
	// DIR/raft/raft.go of the workspace is <sub>/raft/raft.go there.
	sub := filepath.Join(platform, "submission", key)
	frames := func(line string) string {
		if wsDir == "" {
			return line
		}
		return strings.ReplaceAll(line, sub+string(filepath.Separator), wsDir+string(filepath.Separator))
	}
	rn := &run.Runner{Path: exe, Frames: frames}
	if _, err := os.Stat(exe); err == nil {
		return &Build{Runner: rn, Cached: true, Took: time.Since(start)}, nil
	}
	if err := ensurePlatform(platform); err != nil {
		return nil, fmt.Errorf("workspace: copy the platform into the build cache: %w", err)
	}
	if err := os.RemoveAll(sub); err != nil {
		return nil, err
	}
	defer os.RemoveAll(sub)
	main := platformMain(lab)
	if pkgs != nil {
		for _, p := range pkgs {
			dir := filepath.Join(sub, p.lab.Student.Package)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			for _, s := range p.files {
				if err := os.WriteFile(filepath.Join(dir, s.name), s.data, 0o644); err != nil {
					return nil, err
				}
			}
			if vetIt {
				if err := vetStudent(p.lab, dir, frames); err != nil {
					return nil, err
				}
			}
		}
		main = studentMain(lab, usedLabs(lab), Module+"/"+path.Join("submission", key))
	}
	mainDir := filepath.Join(sub, "runner")
	if err := os.MkdirAll(mainDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(mainDir, "main.go"), []byte(main), 0o644); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		return nil, err
	}
	tmp := exe + fmt.Sprintf(".tmp%d", os.Getpid())
	cmd := exec.CommandContext(ctx, "go", "build", "-o", tmp, "./"+path.Join("submission", key, "runner"))
	cmd.Dir = platform
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=readonly")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var probs []string
		for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			if strings.HasPrefix(l, "#") || l == "" {
				continue
			}
			// go build names files relative to its directory.
			l = strings.ReplaceAll(l, path.Join("submission", key)+"/", "")
			if wsDir != "" && !filepath.IsAbs(strings.SplitN(l, ":", 2)[0]) {
				l = filepath.Join(wsDir, l)
			}
			probs = append(probs, frames(l))
		}
		if len(probs) == 0 {
			probs = []string{err.Error()}
		}
		return nil, &BuildError{Lab: lab.Name, Problems: probs}
	}
	if err := os.Rename(tmp, exe); err != nil {
		return nil, err
	}
	return &Build{Runner: rn, Took: time.Since(start)}, nil
}

// ensurePlatform extracts the platform's source into dir once.
func ensurePlatform(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return nil
	}
	tmp := dir + fmt.Sprintf(".tmp%d", os.Getpid())
	makeWritable(tmp)
	os.RemoveAll(tmp)
	if err := Extract(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(tmp, "submission"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o444); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, ".complete")); statErr == nil {
			makeWritable(tmp)
			os.RemoveAll(tmp)
			return nil // another grader got there first
		}
		return err
	}
	return nil
}

func platformMain(lab *suite.Lab) string {
	return fmt.Sprintf(`// Code generated by faultline. DO NOT EDIT.

package main

import (
	"github.com/faultline-dev/faultline/grader/run"
	_ "github.com/faultline-dev/faultline/labs/all"
)

func main() { run.ServeChild(%q, nil, nil) }
`, lab.Name)
}

func studentMain(lab *suite.Lab, uses []*suite.Lab, sub string) string {
	imps := map[string]bool{}
	var lines []string
	imp := func(alias, p string) {
		if !imps[alias+p] {
			imps[alias+p] = true
			lines = append(lines, fmt.Sprintf("\t%s %q", alias, p))
		}
	}
	for _, l := range append([]*suite.Lab{lab}, uses...) {
		for _, p := range l.Student.BindImports {
			imp(path.Base(p), p)
		}
	}
	imp("student", sub+"/"+lab.Student.Package)
	deps := "nil"
	if len(uses) > 0 {
		var entries []string
		for _, l := range uses {
			alias := "uses_" + l.Student.Package
			imp(alias, sub+"/"+l.Student.Package)
			entries = append(entries, fmt.Sprintf("%q: %s", l.Name, strings.ReplaceAll(l.Student.Bind, "student.", alias+".")))
		}
		deps = "map[string]any{" + strings.Join(entries, ", ") + "}"
	}
	return fmt.Sprintf(`// Code generated by faultline. DO NOT EDIT.

package main

import (
	"github.com/faultline-dev/faultline/grader/run"
	_ "github.com/faultline-dev/faultline/labs/all"
%s
)

func main() { run.ServeChild(%q, %s, %s) }
`, strings.Join(lines, "\n"), lab.Name, lab.Student.Bind, deps)
}

// vetStudent checks a copied package against its lab's rules; frames names
// the student's files as they are in the workspace.
func vetStudent(lab *suite.Lab, dir string, frames func(string) string) error {
	findings, err := vet.Check(dir, vet.Rules{Std: lab.Imports, Platform: lab.Student.BindImports})
	if err != nil {
		var probs []string
		for _, l := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
			probs = append(probs, frames(strings.TrimSpace(l)))
		}
		return &BuildError{Lab: lab.Name, Problems: probs}
	}
	if len(findings) == 0 {
		return nil
	}
	var probs []string
	for _, f := range findings {
		probs = append(probs, frames(f.String()))
	}
	return &BuildError{Lab: lab.Name, Vet: true, Problems: probs}
}
