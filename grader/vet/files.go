package vet

import (
	"go/ast"
	"go/build"
	"go/build/constraint"
	"go/token"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// The rules in this file look at one file's name and syntax only, so they
// hold for every file of the lab's folder: the ones the build compiles and
// the ones a build constraint would leave out. Check applies them to every
// file before it loads the package (an import that cannot be loaded is
// reported as a finding, not as a build failure), and the analyzer applies
// them again to the files it is given; Check drops the duplicates.

// constraintMsg is why lab code may carry no build constraint of any kind.
const constraintMsg = "build constraints are not allowed in lab code: the rule check must see exactly the files that are compiled, on every machine (remove the constraint, or the file)"

// fileRules reports the problems of one parsed lab file: its name, build
// constraints, //line directives, imports and compiler directives. name is
// the file's base name.
func (r *importRules) fileRules(f *ast.File, name string, report func(pos token.Pos, format string, args ...any)) {
	if osArchSuffix(name) {
		report(f.FileStart, "file name %s has a GOOS or GOARCH suffix, which is a build constraint: %s", name, constraintMsg)
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			switch {
			case constraint.IsGoBuild(c.Text):
				report(c.Pos(), "//go:build line: %s", constraintMsg)
			case constraint.IsPlusBuild(c.Text):
				report(c.Pos(), "// +build line: %s", constraintMsg)
			case strings.HasPrefix(c.Text, "//line ") || strings.HasPrefix(c.Text, "/*line "):
				// A line directive renames the file and line the compiler
				// records: findings and panic stacks could point at the
				// platform's code instead of the student's.
				report(c.Pos(), "//line directives are not allowed in lab code: they change the file and line that findings and panic stacks name")
			case strings.HasPrefix(c.Text, "//go:linkname") || strings.HasPrefix(c.Text, "//go:embed"):
				report(c.Pos(), "%s is not allowed in lab code: it reaches outside the package", strings.Fields(c.Text)[0])
			}
		}
	}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue // the parser has reported it
		}
		if imp.Name != nil && imp.Name.Name == "." {
			report(imp.Pos(), "dot-import of %q: name what you use (a dot-import hides which package a call comes from, so these checks could not see it)", path)
		}
		if path == "C" {
			report(imp.Pos(), "cgo (import \"C\") is not allowed: C code runs outside the simulator's control")
			continue
		}
		if msg := r.check(path); msg != "" {
			report(imp.Pos(), "%s", msg)
		}
	}
}

// osArchSuffix reports whether the go command treats the file name as a
// build constraint (name_linux.go, name_amd64.go, name_windows_arm64.go;
// see "Build Constraints" in go help buildconstraint). It asks go/build
// itself, so the list of known systems is the toolchain's: under a context
// whose GOOS and GOARCH are no real system, a file matches unless its name
// is constrained or ignored (a leading _ or .), and ignored names are
// excluded first.
func osArchSuffix(name string) bool {
	if strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".go") {
		return false
	}
	ctxt := build.Context{
		GOOS:     "faultlinenone",
		GOARCH:   "faultlinenone",
		Compiler: "gc",
		OpenFile: func(string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("package p\n")), nil
		},
		JoinPath: filepath.Join,
	}
	ok, err := ctxt.MatchFile(".", name)
	return err == nil && !ok
}

// otherSource says why a non-Go file that the go command would compile or
// link into the package is refused, or "" for any other file. The grader
// copies only .go files, so such a file would build in the workspace and
// not in grading; and the rule check cannot see inside it.
func otherSource(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".s", ".sx":
		return "assembly"
	case ".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx", ".m", ".f", ".for", ".f90", ".swig", ".swigcxx":
		return "C (or other foreign) source"
	case ".syso":
		return "an object file linked into the program"
	}
	return ""
}
