package vet

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
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
	// Module is the module path of the student's workspace, when known. An
	// import of a package under it (a sub-package of the workspace) is
	// refused with an explanation: lab code is one package, and the grader
	// copies only the lab's folder. Without it, any import whose first path
	// element has no dot and is not a standard package is taken for one.
	Module string
	// Env adds to the go command's environment after BuildEnv, for what
	// does not change the file set: the grader passes its GOCACHE, so the
	// check and the runner build share compiled packages.
	Env []string
}

// importRules is Rules compiled for lookups.
type importRules struct {
	allowed  map[string]bool
	platform map[string]bool // nil: any labs/ API package
	module   string
}

func newImportRules(rules Rules) *importRules {
	r := &importRules{allowed: map[string]bool{}, module: rules.Module}
	for _, p := range append(slices.Clone(DefaultImports), rules.Std...) {
		r.allowed[p] = true
	}
	if rules.Platform != nil {
		r.platform = map[string]bool{Module + "/labs/node": true}
		for _, p := range rules.Platform {
			r.platform[p] = true
		}
	}
	return r
}

// NewAnalyzer returns the analyzer enforcing rules.
func NewAnalyzer(rules Rules) *analysis.Analyzer {
	r := newImportRules(rules)
	return &analysis.Analyzer{
		Name: "faultlinevet",
		Doc:  "reports code that breaks the simulator's rules: goroutines, channels, locks, wall-clock time, global randomness, shared state, build constraints, disallowed imports",
		Run:  func(pass *analysis.Pass) (any, error) { return nil, r.run(pass) },
	}
}

func (r *importRules) run(pass *analysis.Pass) error {
	for _, f := range pass.Files {
		name := filepath.Base(pass.Fset.PositionFor(f.FileStart, false).Filename)
		r.fileRules(f, name, pass.Reportf)
		checkDecls(pass, f)
		checkShared(pass, f)
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
	r.ignoredFiles(pass)
	return nil
}

// ignoredFiles reports the package's files that the build leaves out, and
// its non-Go sources. Check's own pass over the folder finds the build
// constraint that excludes a file; this one holds even for a reason that
// pass does not know (belt and braces: whatever the build does not compile
// the rule check does not see).
func (r *importRules) ignoredFiles(pass *analysis.Pass) {
	for _, file := range pass.IgnoredFiles {
		name := filepath.Base(file)
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
			continue // not lab code: the grader does not compile it either
		}
		pass.Report(analysis.Diagnostic{
			Pos:      fileStart(pass.Fset, file),
			Category: categoryIgnored,
			Message:  fmt.Sprintf("%s is not compiled under the grader's build settings (a build constraint or cgo leaves it out): %s", name, constraintMsg),
		})
	}
	for _, file := range pass.OtherFiles {
		if what := otherSource(file); what != "" {
			pass.Reportf(fileStart(pass.Fset, file), "%s", otherSourceMsg(filepath.Base(file), what))
		}
	}
}

// fileStart returns a position at line 1 of a file that was not parsed,
// adding it to fset (as the analysis framework's own checkers of assembly
// files do).
func fileStart(fset *token.FileSet, file string) token.Pos {
	var pos token.Pos
	fset.Iterate(func(f *token.File) bool {
		if f.Name() == file {
			pos = token.Pos(f.Base())
			return false
		}
		return true
	})
	if pos.IsValid() {
		return pos
	}
	tf := fset.AddFile(file, -1, 1)
	return token.Pos(tf.Base())
}

// check returns why path may not be imported, or "".
func (r *importRules) check(path string) string {
	if why, bad := forbidden[path]; bad {
		return fmt.Sprintf("import %q is not allowed in lab code: %s", path, why)
	}
	if r.platform != nil && strings.HasPrefix(path, Module+"/") {
		if r.platform[path] {
			return ""
		}
		var list []string
		for p := range r.platform {
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
	if r.allowed[path] {
		return ""
	}
	if r.ownPackage(path) {
		return fmt.Sprintf("import %q is a sub-package of your workspace: lab code is one package, and the grader copies only the lab's folder (so this import would not be found); move that code into the lab's folder, in the lab's package", path)
	}
	list := make([]string, 0, len(r.allowed))
	for p := range r.allowed {
		list = append(list, p)
	}
	sort.Strings(list)
	return fmt.Sprintf("import %q is not in this lab's allowlist (allowed: %s)", path, strings.Join(list, ", "))
}

// ownPackage reports whether path names a package of the student's own
// workspace module: one under Rules.Module, or, whatever the module, a
// path whose first element has no dot (so no module proxy could serve it)
// that is not a standard package.
func (r *importRules) ownPackage(path string) bool {
	if r.module != "" && (path == r.module || strings.HasPrefix(path, r.module+"/")) {
		return true
	}
	first, _, _ := strings.Cut(path, "/")
	if strings.Contains(first, ".") {
		return false
	}
	return !standard(path)
}

// standard reports whether path is a package of the standard library, by
// looking for it in GOROOT only (a path with no dot in its first element
// never reaches the go command; see go/build's Context.Import).
func standard(path string) bool {
	p, err := build.Default.Import(path, "", build.FindOnly)
	return err == nil && p.Goroot
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
	case "encoding/gob":
		if name == "Register" || name == "RegisterName" {
			pass.Reportf(sel.Pos(), "gob.%s changes encoding/gob's registry of types, which every node and every run in the process shares: encode concrete types (no interface values) instead", name)
		}
	case "math/rand", "math/rand/v2":
		if !slices.Contains(randConstructors, name) {
			pass.Reportf(sel.Pos(), "rand.%s draws from the global random source: use env.Rand().%s so that runs replay from their seed", name, name)
		}
	}
}
