package vet

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// Module is the platform's module path; lab code may import its own lab's
// API and labs/node, never a solution, mutant or internal package.
const Module = "github.com/faultline-dev/faultline"

// DefaultImports are the standard packages every lab allows.
var DefaultImports = []string{
	"bytes", "cmp", "container/heap", "container/list", "encoding/binary", "encoding/gob",
	"encoding/json", "errors", "fmt", "maps", "math", "math/bits", "math/rand/v2", "slices",
	"sort", "strconv", "strings", "time", "unicode", "unicode/utf8",
}

// forbidden explains the imports that are never allowed, and why.
var forbidden = map[string]string{
	"sync":        "handlers never run concurrently, so there is nothing to lock",
	"sync/atomic": "handlers never run concurrently, so there is nothing to make atomic",
	"os":          "lab code has no files or process: save durable state with env.Storage()",
	"os/exec":     "lab code cannot run programs",
	"net":         "lab code has no sockets: send messages with env.Send",
	"net/http":    "lab code has no sockets: send messages with env.Send",
	"unsafe":      "unsafe code could change what other nodes received",
	"reflect":     "reflection is not needed, and could reach other nodes' state",
	"runtime":     "the runtime's scheduling is not part of the simulation",
	"syscall":     "lab code cannot make system calls",
	"math/rand":   "use env.Rand(), seeded from the run's seed",
}

// wallClock lists the time functions that read or wait on the wall clock.
var wallClock = map[string]string{
	"Now": "env.Now()", "Since": "env.Now() minus an earlier env.Now()", "Until": "a deadline minus env.Now()",
	"Sleep": "env.SetTimer", "After": "env.SetTimer", "AfterFunc": "env.SetTimer", "Tick": "env.SetTimer",
	"NewTimer": "env.SetTimer", "NewTicker": "env.SetTimer (set it again when it fires)",
}

// randConstructors build a private source, which is deterministic.
var randConstructors = []string{"New", "NewPCG", "NewChaCha8", "NewSource", "NewZipf"}

// Rules say what a lab's code may import.
type Rules struct {
	// Std lists standard packages allowed beyond DefaultImports.
	Std []string
	// Platform lists the platform packages allowed besides labs/node: the
	// lab's interface packages. Nil allows any labs/ API package (the
	// platform's own code).
	Platform []string
}

// NewAnalyzer returns the analyzer enforcing rules.
func NewAnalyzer(rules Rules) *analysis.Analyzer {
	allowed := map[string]bool{}
	for _, p := range append(slices.Clone(DefaultImports), rules.Std...) {
		allowed[p] = true
	}
	var platform map[string]bool
	if rules.Platform != nil {
		platform = map[string]bool{Module + "/labs/node": true}
		for _, p := range rules.Platform {
			platform[p] = true
		}
	}
	return &analysis.Analyzer{
		Name: "faultlinevet",
		Doc:  "reports code that breaks the simulator's rules: goroutines, channels, locks, wall-clock time, global randomness, shared state, disallowed imports",
		Run:  func(pass *analysis.Pass) (any, error) { return nil, run(pass, allowed, platform) },
	}
}

func run(pass *analysis.Pass, allowed, platform map[string]bool) error {
	for _, f := range pass.Files {
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if imp.Name != nil && imp.Name.Name == "." {
				pass.Reportf(imp.Pos(), "dot-import of %q: name what you use (a dot-import hides which package a call comes from, so these checks could not see it)", path)
			}
			if path == "C" {
				pass.Reportf(imp.Pos(), "cgo (import \"C\") is not allowed: C code runs outside the simulator's control")
				continue
			}
			if msg := checkImport(path, allowed, platform); msg != "" {
				pass.Reportf(imp.Pos(), "%s", msg)
			}
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.HasPrefix(c.Text, "//go:linkname") || strings.HasPrefix(c.Text, "//go:embed") {
					pass.Reportf(c.Pos(), "%s is not allowed in lab code: it reaches outside the package", strings.Fields(c.Text)[0])
				}
			}
		}
		checkDecls(pass, f)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				pass.Reportf(n.Pos(), "go statement: lab code must not start goroutines; the simulator calls your handlers one at a time (to do something later, use env.SetTimer)")
			case *ast.ChanType:
				pass.Reportf(n.Pos(), "channel type: lab code must not use channels; nodes talk with env.Send and wait with env.SetTimer")
				return false
			case *ast.SelectStmt:
				pass.Reportf(n.Pos(), "select statement: lab code must not use channels; react to events in your handlers instead")
			case *ast.SendStmt:
				pass.Reportf(n.Pos(), "channel send: lab code must not use channels; send messages with env.Send")
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					pass.Reportf(n.Pos(), "channel receive: lab code must not block; messages arrive in HandleMessage")
				}
			case *ast.SelectorExpr:
				checkCall(pass, n)
			}
			return true
		})
	}
	return nil
}

func checkImport(path string, allowed, platform map[string]bool) string {
	if why, bad := forbidden[path]; bad {
		return fmt.Sprintf("import %q is not allowed in lab code: %s", path, why)
	}
	if platform != nil && strings.HasPrefix(path, Module+"/") {
		if platform[path] {
			return ""
		}
		var list []string
		for p := range platform {
			list = append(list, p)
		}
		sort.Strings(list)
		return fmt.Sprintf("import %q is not allowed: of the platform, this lab's code may import only %s", path, strings.Join(list, " and "))
	}
	if strings.HasPrefix(path, Module+"/") {
		rest := strings.TrimPrefix(path, Module+"/")
		switch {
		case !strings.HasPrefix(rest, "labs/"):
			return fmt.Sprintf("import %q is not allowed: lab code may use labs/node and its lab's API, not the grader", path)
		case strings.Contains(rest, "/solution") || strings.Contains(rest, "/mutants") || strings.Contains(rest, "/internal") || strings.HasSuffix(rest, "lab"):
			return fmt.Sprintf("import %q is not allowed: it is the lab's own machinery (reference, mutants or grader), not its API", path)
		}
		return ""
	}
	if !allowed[path] {
		list := make([]string, 0, len(allowed))
		for p := range allowed {
			list = append(list, p)
		}
		sort.Strings(list)
		return fmt.Sprintf("import %q is not in this lab's allowlist (allowed: %s)", path, strings.Join(list, ", "))
	}
	return ""
}

// checkCall reports uses of wall-clock functions and the global random source.
func checkCall(pass *analysis.Pass, sel *ast.SelectorExpr) {
	fn, ok := pass.TypesInfo.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return
	}
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		return // a method, such as (*rand.Rand).IntN on env.Rand()
	}
	name := fn.Name()
	switch fn.Pkg().Path() {
	case "time":
		if instead, bad := wallClock[name]; bad {
			pass.Reportf(sel.Pos(), "time.%s uses the wall clock: use %s instead (the simulator owns time, so runs replay exactly)", name, instead)
		}
	case "math/rand", "math/rand/v2":
		if !slices.Contains(randConstructors, name) {
			pass.Reportf(sel.Pos(), "rand.%s draws from the global random source: use env.Rand().%s so that runs replay from their seed", name, name)
		}
	}
}

// Finding is one problem found in lab code.
type Finding struct {
	File      string
	Line, Col int
	Msg       string
}

func (f Finding) String() string { return fmt.Sprintf("%s:%d:%d: %s", f.File, f.Line, f.Col, f.Msg) }

// Check loads the Go packages under dir and reports every problem, sorted by
// position. Files are named relative to the current directory when possible.
// A package that does not compile is an error listing the compiler's
// messages.
func Check(dir string, rules Rules) ([]Finding, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("vet: %s is not a directory here: run from the faultline checkout, or name the directory with your code", dir)
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: dir, Env: append(os.Environ(), BuildEnv()...)}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		return nil, fmt.Errorf("vet: load %s: %w", dir, err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("vet: no Go packages in %s", dir)
	}
	var problems []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			problems = append(problems, e.Error())
		}
	})
	if len(problems) > 0 {
		return nil, fmt.Errorf("vet: %s does not build:\n  %s", dir, strings.Join(problems, "\n  "))
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{NewAnalyzer(rules)}, pkgs, nil)
	if err != nil {
		return nil, fmt.Errorf("vet: %w", err)
	}
	cwd, _ := os.Getwd()
	var out []Finding
	var errs []error
	for _, act := range graph.Roots {
		if act.Err != nil {
			errs = append(errs, act.Err)
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			file := pos.Filename
			if rel, err := filepath.Rel(cwd, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = rel
			}
			out = append(out, Finding{File: file, Line: pos.Line, Col: pos.Column, Msg: d.Message})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out, errors.Join(errs...)
}
