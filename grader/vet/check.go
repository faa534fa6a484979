package vet

import (
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Finding is one problem found in lab code.
type Finding struct {
	File      string
	Line, Col int
	Msg       string
}

func (f Finding) String() string { return fmt.Sprintf("%s:%d:%d: %s", f.File, f.Line, f.Col, f.Msg) }

// LoadError is Check's error for a folder that does not load or
// type-check: the problems, one a line, each "file:line:col: message" when
// it has a position (the file named as the caller named the folder), for a
// caller that maps them back without reading the error's text.
type LoadError struct {
	Dir      string
	Problems []string
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("vet: %s does not build:\n  %s", e.Dir, strings.Join(e.Problems, "\n  "))
}

// newLoadError makes a LoadError of load's problems, a compiler's output of
// several lines cut into one problem a line.
func newLoadError(dir string, problems []string) *LoadError {
	e := &LoadError{Dir: dir}
	for _, p := range problems {
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				e.Problems = append(e.Problems, l)
			}
		}
	}
	return e
}

// categoryIgnored marks the analyzer's finding for a file the build leaves
// out; Check drops it when its own pass already named the file's problem.
const categoryIgnored = "ignored-file"

// Check loads the Go packages under dir and reports every problem, sorted by
// position. A file is named as dir joined with its path inside dir (dir
// "ws/raft" gives "ws/raft/raft.go"), so a caller that copied the files can
// map the names back; positions ignore //line directives (which are
// themselves refused). A package that does not load or type-check is an
// error listing every message, named the same way; but when the files' own
// rules already explain the failure (an import of a sub-package, which
// cannot be found), those findings come back instead, with no error.
// That error is a *LoadError.
// Errors only the compiler finds are left to the build.
//
// Check loads under BuildEnv, as the runner build compiles.
func Check(dir string, rules Rules) ([]Finding, error) {
	return CheckContext(context.Background(), dir, rules)
}

// CheckContext is Check, stopped when ctx is done (it runs the go command
// to list packages and to load the imported packages' export data; it
// never compiles the folder's own code, see load).
func CheckContext(ctx context.Context, dir string, rules Rules) ([]Finding, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("vet: %s is not a directory here: run from the faultline checkout, or name the directory with your code", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("vet: %w", err)
	}
	n := newNamer(dir, abs)
	r := newImportRules(rules)
	pre, err := r.checkFolder(n)
	if err != nil {
		return nil, err
	}
	pkgs, problems, err := load(ctx, n, rules.Env)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("vet: %s: %w", dir, ctx.Err())
	}
	if err != nil {
		if len(pre) > 0 {
			return sortFindings(pre), nil
		}
		return nil, err
	}
	if len(problems) > 0 {
		if len(pre) > 0 {
			return sortFindings(pre), nil
		}
		return nil, newLoadError(dir, problems)
	}
	analyzer := NewAnalyzer(rules)
	named := map[string]bool{} // files the folder pass found a problem in
	seen := map[Finding]bool{}
	out := make([]Finding, 0, len(pre))
	for _, f := range pre {
		named[f.File] = true
		seen[f] = true
		out = append(out, f)
	}
	var errs []error
	for _, c := range pkgs {
		diags, err := analyze(analyzer, c)
		if err != nil {
			errs = append(errs, fmt.Errorf("vet: %s: %w", c.list.PkgPath, err))
		}
		for _, d := range diags {
			f := n.finding(c.fset.PositionFor(d.Pos, false), d.Message)
			if seen[f] || d.Category == categoryIgnored && named[f.File] {
				continue
			}
			seen[f] = true
			out = append(out, f)
		}
	}
	return sortFindings(out), errors.Join(errs...)
}

// checkFolder applies the file rules (files.go) to every file of the
// packages under the folder, parsed on its own: those the build would
// compile and those a constraint would leave out alike, and before any
// import is resolved. It walks the folder as the pattern ./... does.
func (r *importRules) checkFolder(n namer) ([]Finding, error) {
	fset := token.NewFileSet()
	var out []Finding
	err := filepath.WalkDir(n.real, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path == n.real {
				return nil
			}
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module: ./... stops there
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "_test.go") {
			return nil // the go command ignores these files, the grader does not compile them
		}
		if what := otherSource(name); what != "" {
			out = append(out, Finding{File: n.name(path), Line: 1, Col: 1, Msg: otherSourceMsg(name, what)})
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
			return nil // a symbolic link is followed, as the go command and the grader's copy do; a device is not read
		}
		f, _ := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if f == nil {
			return nil // unreadable: the load reports it
		}
		r.fileRules(f, name, func(pos token.Pos, format string, args ...any) {
			out = append(out, n.finding(fset.PositionFor(pos, false), fmt.Sprintf(format, args...)))
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vet: read %s: %s", n.dir, n.text(err.Error()))
	}
	return out, nil
}

func otherSourceMsg(name, what string) string {
	return fmt.Sprintf("%s is %s: lab code is Go only (the grader compiles only .go files, and the rule check cannot see inside this one); remove it", name, what)
}

func sortFindings(fs []Finding) []Finding {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Msg < b.Msg
	})
	return fs
}

// namer names files under the checked folder as the caller gave it.
type namer struct {
	dir  string // the folder as given to Check, cleaned
	abs  string // its absolute path
	real string // abs with symbolic links resolved, as the go command may report it
}

func newNamer(dir, abs string) namer {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	return namer{dir: filepath.Clean(dir), abs: abs, real: real}
}

func (n namer) name(file string) string {
	if !filepath.IsAbs(file) {
		file = filepath.Join(n.real, file) // go list names files relative to the folder it ran in
	}
	for _, root := range []string{n.abs, n.real} {
		rel, err := filepath.Rel(root, file)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return filepath.Join(n.dir, rel)
		}
	}
	return file
}

// text replaces the folder's absolute path in a message by its given name.
func (n namer) text(s string) string {
	sep := string(filepath.Separator)
	for _, root := range []string{n.real, n.abs} {
		if root != n.dir {
			s = strings.ReplaceAll(s, root+sep, n.dir+sep)
		}
	}
	return s
}

func (n namer) finding(pos token.Position, msg string) Finding {
	return Finding{File: n.name(pos.Filename), Line: pos.Line, Col: pos.Column, Msg: msg}
}

// posPattern splits a packages.Error position, "file:line:col" or
// "file:line".
var posPattern = regexp.MustCompile(`^(.*?):(\d+)(?::(\d+))?$`)

// loadError formats a load or compile error as file:line:col: message,
// with the file named as the caller named the folder. An error of the
// compiler itself (which go list runs for export data) is its output: a
// "# package" line, then one file:line:col: message line per problem, with
// files relative to the folder.
func (n namer) loadError(e packages.Error) string {
	if e.Pos == "" && strings.HasPrefix(e.Msg, "# ") {
		lines := strings.Split(strings.TrimSpace(e.Msg), "\n")[1:]
		for i, l := range lines {
			if m := compilerLine.FindStringSubmatch(l); m != nil {
				lines[i] = n.position(m[1], m[2], m[3]) + ": " + n.text(m[4])
			} else {
				lines[i] = n.text(l)
			}
		}
		return strings.Join(lines, "\n  ")
	}
	m := posPattern.FindStringSubmatch(e.Pos)
	if m == nil {
		if e.Pos == "" || e.Pos == "-" {
			return n.text(e.Msg)
		}
		return n.text(e.Pos + ": " + e.Msg)
	}
	return n.position(m[1], m[2], m[3]) + ": " + n.text(e.Msg)
}

// compilerLine is one line of the compiler's output: file:line:col: message.
var compilerLine = regexp.MustCompile(`^(\S.*?\.go):(\d+):(?:(\d+):)? (.*)$`)

// position formats file:line:col, the file named as given, col 1 if none.
func (n namer) position(file, line, col string) string {
	if col == "" {
		col = "1"
	}
	return n.name(file) + ":" + line + ":" + col
}
