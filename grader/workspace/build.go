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

// BuildStudent vets the student's package for lab and builds a runner with
// it compiled into a pristine copy of the suites. Only the package's .go
// files (not its tests) are copied; nothing else of the workspace is read.
// Runners are cached by the hash of everything that goes into them.
func BuildStudent(ctx context.Context, w *Workspace, lab *suite.Lab) (*Build, error) {
	files, err := w.Files(lab)
	if err != nil {
		return nil, err
	}
	var sources []source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("workspace: %w", err)
		}
		sources = append(sources, source{name: filepath.Base(f), data: b})
	}
	return build(ctx, lab, sources, w.LabDir(lab), true)
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

// build builds a runner for lab with the student's sources (none: the
// platform's runner). Only tests skip vet, to show that the runner
// survives what vet would have refused.
func build(ctx context.Context, lab *suite.Lab, student []source, studentDir string, vetIt bool) (*Build, error) {
	start := time.Now()
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s/%s\x00%v\x00", faultline.SourceHash(), lab.Name, runtime.Version(), runtime.GOOS, runtime.GOARCH, vetIt)
	for _, s := range student {
		fmt.Fprintf(h, "%s\x00%d\x00", s.name, len(s.data))
		h.Write(s.data)
	}
	key := hex.EncodeToString(h.Sum(nil))[:20]
	exe := filepath.Join(cache, "runners", key, "runner")
	platform := filepath.Join(cache, "platform", faultline.SourceHash()[:20])
	pkgDir := path.Join("submission", key, lab.Student.Package)
	frames := func(line string) string {
		if studentDir == "" {
			return line
		}
		i := strings.Index(line, filepath.Join(platform, pkgDir)+string(filepath.Separator))
		if i < 0 {
			return line
		}
		rest := line[i+len(filepath.Join(platform, pkgDir))+1:]
		return filepath.Join(studentDir, rest)
	}
	rn := &run.Runner{Path: exe, Frames: frames}
	if _, err := os.Stat(exe); err == nil {
		return &Build{Runner: rn, Cached: true, Took: time.Since(start)}, nil
	}
	if err := ensurePlatform(platform); err != nil {
		return nil, fmt.Errorf("workspace: copy the platform into the build cache: %w", err)
	}
	// The submission's own folder in the pristine tree, removed after.
	sub := filepath.Join(platform, "submission", key)
	if err := os.RemoveAll(sub); err != nil {
		return nil, err
	}
	defer os.RemoveAll(sub)
	main := platformMain(lab)
	if student != nil {
		dir := filepath.Join(platform, filepath.FromSlash(pkgDir))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		for _, s := range student {
			if err := os.WriteFile(filepath.Join(dir, s.name), s.data, 0o644); err != nil {
				return nil, err
			}
		}
		if vetIt {
			if err := vetStudent(lab, dir, frames, studentDir); err != nil {
				return nil, err
			}
		}
		main = studentMain(lab, Module+"/"+pkgDir)
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
			probs = append(probs, l)
		}
		if len(probs) == 0 {
			probs = []string{err.Error()}
		}
		return nil, &BuildError{Lab: lab.Name, Problems: rewrite(probs, frames, filepath.Join(platform, filepath.FromSlash(pkgDir)), studentDir)}
	}
	if err := os.Rename(tmp, exe); err != nil {
		return nil, err
	}
	return &Build{Runner: rn, Took: time.Since(start)}, nil
}

// rewrite names the student's files as the student sees them.
func rewrite(lines []string, frames func(string) string, built, studentDir string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if studentDir != "" {
			l = strings.ReplaceAll(l, built, studentDir)
			// go build prints paths relative to its directory.
			l = strings.ReplaceAll(l, "submission"+string(filepath.Separator), "")
		}
		out[i] = frames(l)
	}
	return out
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

func main() { run.ServeChild(%q, nil) }
`, lab.Name)
}

func studentMain(lab *suite.Lab, studentPkg string) string {
	var imps []string
	for _, p := range lab.Student.BindImports {
		imps = append(imps, fmt.Sprintf("\t%s %q", path.Base(p), p))
	}
	return fmt.Sprintf(`// Code generated by faultline. DO NOT EDIT.

package main

import (
	"github.com/faultline-dev/faultline/grader/run"
	_ "github.com/faultline-dev/faultline/labs/all"
%s

	student %q
)

func main() { run.ServeChild(%q, %s) }
`, strings.Join(imps, "\n"), studentPkg, lab.Name, lab.Student.Bind)
}

// vetStudent checks the copied package against the lab's rules.
func vetStudent(lab *suite.Lab, dir string, frames func(string) string, studentDir string) error {
	findings, err := vet.Check(dir, vet.Rules{Std: lab.Imports, Platform: lab.Student.BindImports})
	if err != nil {
		return &BuildError{Lab: lab.Name, Problems: rewrite(strings.Split(strings.TrimSpace(err.Error()), "\n"), frames, dir, studentDir)}
	}
	if len(findings) == 0 {
		return nil
	}
	var probs []string
	for _, f := range findings {
		probs = append(probs, f.String())
	}
	return &BuildError{Lab: lab.Name, Vet: true, Problems: rewrite(probs, frames, dir, studentDir)}
}
