package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
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

// Limits bound what building a runner may cost the machine. A student's
// code is compiled, so a 1 GiB array literal once took the compiler three
// minutes and 3 GB of memory, and left 3 GB in the build cache (issue 22).
type Limits struct {
	// Time bounds the wall time of the compiler and linker together.
	Time time.Duration
	// Memory bounds the address space of each process of the build (the go
	// command, each compile, the link), in bytes.
	Memory int64
	// GoCache bounds faultline's Go build cache: past it, the cache is
	// wiped after a build (and filled again by the next ones).
	GoCache int64
	// Runners is how many built runners are kept, the most recently used.
	Runners int
}

// defaultLimits are generous: the platform compiles from cold in about
// 10 s and in under 1 GiB on a laptop; only code written to be costly to
// compile comes near them.
var defaultLimits = Limits{Time: 2 * time.Minute, Memory: 4 << 30, GoCache: 2 << 30, Runners: 32}

// unusedFor is how long a runner, a lock file or a build folder must have
// gone unused before it may be removed: a grading started by another
// process may still start runner processes from a runner it found, and a
// build folder without a process is left by one that was killed.
const unusedFor = time.Hour

// CacheDir is where faultline keeps platform copies, built runners and the
// Go build cache they are compiled with: $FAULTLINE_CACHE, or faultline/
// under the user's cache directory. It is absolute: the go command needs an
// absolute GOCACHE, and paths printed by tools must be recognised whatever
// the current directory.
//
// $FAULTLINE_GOCACHE, when set, is the Go build cache runners are compiled
// with instead of CacheDir's gocache/; faultline never wipes it. Tests that
// point FAULTLINE_CACHE at a fresh folder set it to 'go env GOCACHE', so as
// not to compile the platform from cold (about 40 CPU-seconds) each time.
func CacheDir() (string, error) {
	d := os.Getenv("FAULTLINE_CACHE")
	if d == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("workspace: no cache directory (set FAULTLINE_CACHE): %w", err)
		}
		d = filepath.Join(c, "faultline")
	}
	return filepath.Abs(d)
}

// BuildStudent vets the student's package for lab (and the packages of the
// labs it builds on, Student.Uses) and builds a runner with them compiled
// into a pristine copy of the suites. Only the packages' .go files (not
// their tests) are copied; nothing else of the workspace is read. Runners
// are cached by the hash of everything that goes into them. Any number of
// builds may run at once, in one process or many: each builds in a
// private folder, and identical builds wait for the first and use its
// runner.
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
	return buildWith(ctx, lab, pkgs, buildOptions{wsDir: w.Dir, module: w.Module, vet: true, limits: defaultLimits})
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
	return buildWith(ctx, lab, nil, buildOptions{limits: defaultLimits})
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
	return buildWith(ctx, lab, pkgs, buildOptions{wsDir: wsDir, vet: vetIt, limits: defaultLimits})
}

type buildOptions struct {
	wsDir  string // the student's workspace; "" for the platform's runner
	module string // the workspace's module path
	vet    bool
	limits Limits
}

// The cache directory holds:
//
//	platform/<source hash>/            the platform's source, read-only
//	platform/<source hash>/submission/ one private folder per build in progress
//	runners/<key>/runner               built runners, by content hash
//	runners/<key>.lock                 held while <key> is being built
//	gocache/, gocache.lock             the builds' Go build cache; builds share the lock, a wipe takes it alone
func buildWith(ctx context.Context, lab *suite.Lab, pkgs []studentPkg, o buildOptions) (*Build, error) {
	start := time.Now()
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s/%s\x00%v\x00%s\x00", faultline.SourceHash(), lab.Name, runtime.Version(), runtime.GOOS, runtime.GOARCH, o.vet, o.module)
	for _, p := range pkgs {
		fmt.Fprintf(h, "package %s\x00", p.lab.Student.Package)
		for _, s := range p.files {
			fmt.Fprintf(h, "%s\x00%d\x00", s.name, len(s.data))
			h.Write(s.data)
		}
	}
	key := hex.EncodeToString(h.Sum(nil))[:20]
	runners := filepath.Join(cache, "runners")
	exe := filepath.Join(runners, key, "runner")
	platform := filepath.Join(cache, "platform", faultline.SourceHash()[:20])
	paths := newPathMap(platform, o.wsDir, o.module, pkgs)
	rn := &run.Runner{Path: exe, Frames: paths.frames}
	if touch(exe) {
		return &Build{Runner: rn, Cached: true, Took: time.Since(start)}, nil
	}
	if err := ensurePlatform(ctx, platform); err != nil {
		return nil, fmt.Errorf("workspace: copy the platform into the build cache: %w", err)
	}
	if err := os.MkdirAll(runners, 0o755); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	// Identical builds wait for one another: the second finds the first's
	// runner. Different builds do not wait: each has its own folder.
	unlock, err := lockFile(ctx, filepath.Join(runners, key+".lock"), syscall.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if touch(exe) {
		return &Build{Runner: rn, Cached: true, Took: time.Since(start)}, nil
	}
	// The rule check and the build share one Go build cache, with the same
	// flags (vet.BuildEnv, -trimpath), so the standard library and the
	// platform's packages are compiled once for both.
	gocache, unlockCache, err := useGoCache(ctx, cache)
	if err != nil {
		return nil, err
	}
	unlockCache = sync.OnceFunc(unlockCache)
	defer unlockCache()
	subs := filepath.Join(platform, "submission")
	if err := os.MkdirAll(subs, 0o755); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	// DIR/raft/raft.go of the workspace is <priv>/raft/raft.go here.
	priv, err := os.MkdirTemp(subs, key[:12]+"-")
	if err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	defer os.RemoveAll(priv)
	importPath := Module + "/" + path.Join("submission", filepath.Base(priv))
	main := platformMain(lab)
	if pkgs != nil {
		for _, p := range pkgs {
			dir := filepath.Join(priv, p.lab.Student.Package)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("workspace: %w", err)
			}
			for _, s := range p.files {
				if err := os.WriteFile(filepath.Join(dir, s.name), s.data, 0o644); err != nil {
					return nil, fmt.Errorf("workspace: %w", err)
				}
			}
			if o.vet {
				if err := vetStudent(ctx, p.lab, dir, o.module, gocache, paths); err != nil {
					return nil, err
				}
			}
		}
		main = studentMain(lab, usedLabs(lab), importPath)
	}
	mainDir := filepath.Join(priv, "runner")
	if err := os.MkdirAll(mainDir, 0o755); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	if err := os.WriteFile(filepath.Join(mainDir, "main.go"), []byte(main), 0o644); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	out := filepath.Join(priv, "runner.bin")
	if err := goBuild(ctx, gocache, platform, importPath, out, lab, pkgs, paths, o); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	// Both are under the cache directory: the rename is atomic, and a
	// grading that finds exe finds a whole runner.
	if err := os.Rename(out, exe); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	unlockCache() // a wipe of the Go cache needs it alone
	prune(cache, platform, o.limits)
	return &Build{Runner: rn, Took: time.Since(start)}, nil
}

// goBuild compiles the runner at importPath (in the platform's tree) to out,
// within o.limits. A limit that the student's code exceeds is a BuildError;
// one that the platform's own compilation exceeds is an error of the
// grading.
func goBuild(ctx context.Context, gocache, platform, importPath, out string, lab *suite.Lab, pkgs []studentPkg, paths *pathMap, o buildOptions) error {
	tctx, cancel := context.WithTimeout(ctx, o.limits.Time)
	defer cancel()
	pkg := "./" + strings.TrimPrefix(importPath, Module+"/") + "/runner"
	// -v names each package as its compilation starts: a limit reached
	// while the platform's own packages compile is not the student's.
	// -trimpath keeps the cache's paths out of the runner's stack traces
	// (and lets platform packages be reused from the build cache whatever
	// the platform folder is called).
	args := []string{"go", "build", "-v", "-trimpath", "-o", out, pkg}
	if o.limits.Memory > 0 {
		// RLIMIT_AS is inherited by the go command's compile and link
		// processes; os/exec cannot set it for a child, the shell can.
		args = append([]string{"sh", "-c", `ulimit -v "$1" 2>/dev/null; shift; exec "$@"`, "sh", fmt.Sprint(o.limits.Memory >> 10)}, args...)
	}
	cmd := exec.CommandContext(tctx, args[0], args[1:]...)
	cmd.Dir = platform
	cmd.Env = append(append(os.Environ(), vet.BuildEnv()...), "GOCACHE="+gocache)
	// The compiler runs in a process of the go command's: stop them all.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 127 { // 127: the shell found no go command
		return fmt.Errorf("workspace: run the go command, which grading compiles your code with (is Go installed and on PATH?): %w: %s", err, bytes.TrimSpace(output.Bytes()))
	}
	lines := strings.Split(strings.TrimSpace(output.String()), "\n")
	student := func(p string) bool { return strings.HasPrefix(p, importPath+"/") }
	platformBuilt := false
	for _, l := range lines {
		if isPackageLine(l) && !student(l) {
			platformBuilt = true
		}
	}
	where := o.wsDir
	if len(pkgs) > 0 {
		where = paths.ws(pkgs[0].lab.Student.Package)
	}
	if tctx.Err() != nil {
		if platformBuilt || len(pkgs) == 0 {
			return fmt.Errorf("workspace: the grader gave up building the %s runner after %v while compiling the platform's own packages (machine overloaded?): grade again", lab.Name, o.limits.Time)
		}
		return &BuildError{Lab: lab.Name, Problems: []string{fmt.Sprintf("%s: your code takes too long to compile (more than %v): look for a huge array or composite literal, and build large tables at run time instead, in a loop", where, o.limits.Time)}}
	}
	// An out-of-memory of the compiler is reported under the package it
	// was compiling ("# path").
	if i := outOfMemory(lines); i >= 0 {
		if pkgs == nil || !oomInStudent(lines[:i+1], student) {
			return fmt.Errorf("workspace: building the %s runner needed more than %d MiB of memory in a process of the platform's own build: %s", lab.Name, o.limits.Memory>>20, strings.TrimSpace(lines[i]))
		}
		return &BuildError{Lab: lab.Name, Problems: []string{fmt.Sprintf("%s: your code needs more than %d GiB to compile: look for a huge array or composite literal, and build large tables at run time instead, in a loop", where, o.limits.Memory>>30)}}
	}
	var probs []string
	for _, l := range lines {
		if l == "" || strings.HasPrefix(l, "#") || isPackageLine(l) {
			continue
		}
		// go build names files relative to its directory.
		if rel, ok := strings.CutPrefix(l, "submission/"); ok {
			l = filepath.Join(platform, "submission", rel)
		} else if rel, ok := strings.CutPrefix(l, "./submission/"); ok {
			l = filepath.Join(platform, "submission", rel)
		}
		if pkgs != nil && strings.Contains(l, "/runner/main.go:") {
			l = paths.contract(l, lab)
		}
		probs = append(probs, paths.text(l))
	}
	if len(probs) == 0 {
		probs = []string{err.Error()}
	}
	return &BuildError{Lab: lab.Name, Problems: dedupe(probs)}
}

// isPackageLine reports a line of go build -v: an import path alone.
func isPackageLine(l string) bool {
	return l != "" && !strings.ContainsAny(l, ": \t#")
}

// outOfMemory returns the index of the first line reporting that a process
// of the build ran out of its address space, or -1.
func outOfMemory(lines []string) int {
	for i, l := range lines {
		if strings.Contains(l, "out of memory") || strings.Contains(l, "cannot allocate memory") || strings.Contains(l, "failed to reserve") {
			return i
		}
	}
	return -1
}

// oomInStudent reports whether the "# path" header above an
// out-of-memory (the last of lines) names a student's package or the
// runner compiled from it.
func oomInStudent(lines []string, student func(string) bool) bool {
	for i := len(lines) - 1; i >= 0; i-- {
		if p, ok := strings.CutPrefix(lines[i], "# "); ok {
			return student(strings.TrimSpace(p))
		}
	}
	return false
}

func dedupe(lines []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// pathMap names the files of a build's private folder as the student has
// them in their workspace. A cached runner was built in another build's
// private folder (whose name is not kept), so any folder under the
// platform's submission/ maps: it holds only copies of the student's
// packages, each at the same place relative to the workspace.
type pathMap struct {
	wsDir  string
	module string // the workspace's, naming the student's packages in function names
	// re matches a student's package in a private folder, by path or (as
	// -trimpath names files, and as functions are named) by import path,
	// and what follows it: "/" a file, "." a function or type.
	re *regexp.Regexp
}

func newPathMap(platform, wsDir, module string, pkgs []studentPkg) *pathMap {
	m := &pathMap{wsDir: wsDir, module: module}
	if wsDir == "" || len(pkgs) == 0 {
		return m
	}
	var names []string
	for _, p := range pkgs {
		names = append(names, regexp.QuoteMeta(p.lab.Student.Package))
	}
	m.re = regexp.MustCompile(`(?:` + regexp.QuoteMeta(filepath.Join(platform, "submission")+"/") + `|` + regexp.QuoteMeta(Module+"/submission/") +
		`)[^/\s]+/(` + strings.Join(names, "|") + `)\b([/.]?)`)
	return m
}

// ws is where the student's package pkg is in the workspace.
func (m *pathMap) ws(pkg string) string { return filepath.Join(m.wsDir, pkg) }

// text rewrites every path in the build's private folder in s to the
// workspace's, and every import path of a student's package in a function
// or type name to the workspace's (workspace/raft.(*Raft).Step).
func (m *pathMap) text(s string) string {
	if m.re == nil {
		return s
	}
	return m.re.ReplaceAllStringFunc(s, func(match string) string {
		sub := m.re.FindStringSubmatch(match)
		if sub[2] == "." {
			if m.module == "" {
				return sub[1] + "."
			}
			return m.module + "/" + sub[1] + "."
		}
		return m.ws(sub[1]) + sub[2]
	})
}

// frames is the runner's Runner.Frames: a stack frame's file in one of the
// student's packages, named as in the workspace; any other is unchanged.
func (m *pathMap) frames(file string) string { return m.text(file) }

// bindRE finds the student's symbols in a compile error of the generated
// runner, which names the lab's package "student" and the packages of the
// labs it builds on "uses_<package>" (see studentMain).
var bindRE = regexp.MustCompile(`\b(student|uses_\w+)\.(\w+)`)

// qualifiedRE is a type's package as the compiler names it in the runner,
// by import path: "github.com/faultline-dev/faultline/labs/pingpong".Done.
var qualifiedRE = regexp.MustCompile(`"(?:[^"\s]*/)?([^"/\s]+)"\.`)

// cannotUseRE is the compiler's message for a symbol of the wrong type.
var cannotUseRE = regexp.MustCompile(`cannot use \S+ \((?:value|variable|constant) of (?:type )?(.+)\) as (.+) value in`)

// contract explains a compile error in the generated runner: the
// student's package does not provide what the lab's Bind expression uses.
// The runner's file exists only during the build; the error names the
// student's package folder instead.
func (m *pathMap) contract(line string, lab *suite.Lab) string {
	_, msg, _ := strings.Cut(line, "/runner/main.go:")
	if i := strings.Index(msg, ": "); i >= 0 {
		msg = msg[i+2:] // drop line:col
	}
	msg = qualifiedRE.ReplaceAllString(msg, "$1.")
	owner := lab
	sym := ""
	if b := bindRE.FindStringSubmatch(msg); b != nil {
		sym = b[2]
		if pkg, ok := strings.CutPrefix(b[1], "uses_"); ok {
			for _, l := range usedLabs(lab) {
				if l != nil && l.Student.Package == pkg {
					owner = l
				}
			}
		}
	}
	starter := ""
	if owner.StudentDir != "" {
		starter = ", " + filepath.Join(m.wsDir, platformDir, filepath.FromSlash(owner.StudentDir))
	}
	where := m.ws(owner.Student.Package)
	switch {
	case sym == "":
		return fmt.Sprintf("%s: your package does not provide what the %s lab's contract needs (see the starter%s): %s", where, owner.Name, starter, msg)
	case strings.HasPrefix(msg, "undefined:"):
		return fmt.Sprintf("%s: your package must define %s (the lab's contract: see the starter%s)", where, sym, starter)
	}
	if c := cannotUseRE.FindStringSubmatch(msg); c != nil {
		return fmt.Sprintf("%s: %s must be a %s, not a %s (the lab's contract: see the starter%s)", where, sym, c[2], c[1], starter)
	}
	return fmt.Sprintf("%s: your package must define %s as the lab's contract says (see the starter%s): %s", where, sym, starter, bindRE.ReplaceAllString(msg, "$2"))
}

// vetStudent checks a copied package against its lab's rules; paths names
// the student's files as they are in the workspace.
func vetStudent(ctx context.Context, lab *suite.Lab, dir, module, gocache string, paths *pathMap) error {
	rules := vetRules(lab, module)
	rules.Env = []string{"GOCACHE=" + gocache}
	findings, err := vet.CheckContext(ctx, dir, rules)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return &BuildError{Lab: lab.Name, Problems: vetProblems(err, paths)}
	}
	if len(findings) == 0 {
		return nil
	}
	cwd, _ := os.Getwd()
	var probs []string
	for _, f := range findings {
		// vet names files relative to the current directory when it can.
		if !filepath.IsAbs(f.File) {
			f.File = filepath.Join(cwd, f.File)
		}
		probs = append(probs, paths.text(f.String()))
	}
	return &BuildError{Lab: lab.Name, Vet: true, Problems: probs}
}

// vetProblems lists what vet found wrong with a package that does not
// load: a *vet.LoadError's problems (without vet's heading: a BuildError
// has its own), or each error vet joined, the student's files named as in
// the workspace.
func vetProblems(err error, paths *pathMap) []string {
	var found []string
	if le, ok := errors.AsType[*vet.LoadError](err); ok {
		found = le.Problems
	} else if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			found = append(found, e.Error())
		}
	} else {
		found = []string{err.Error()}
	}
	probs := make([]string, 0, len(found))
	for _, p := range found {
		probs = append(probs, paths.text(p))
	}
	return probs
}

// vetRules are the rules of lab's code in a workspace whose module is
// module: naming it lets vet refuse an import of a sub-package of the
// workspace for what it is (the grader copies only the lab's folder).
func vetRules(lab *suite.Lab, module string) vet.Rules {
	return vet.Rules{Std: lab.Imports, Platform: lab.Student.BindImports, Module: module}
}

// useGoCache returns the Go build cache the grader's vet and builds use:
// $FAULTLINE_GOCACHE, which faultline never wipes, or gocache/ under the
// cache, held with a shared lock until unlock is called (a wipe of it
// waits for no build: it happens only when it can take the lock alone).
func useGoCache(ctx context.Context, cache string) (dir string, unlock func(), err error) {
	if d := os.Getenv("FAULTLINE_GOCACHE"); d != "" {
		return d, func() {}, nil
	}
	unlock, err = lockFile(ctx, filepath.Join(cache, "gocache.lock"), syscall.LOCK_SH)
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(cache, "gocache"), unlock, nil
}
