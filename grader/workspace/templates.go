package workspace

import (
	"fmt"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/faultline-dev/faultline"
	"github.com/faultline-dev/faultline/grader/suite"
)

func platformFile(name string) string {
	for _, f := range faultline.Source() {
		if f.Path == name {
			return string(f.Data)
		}
	}
	return ""
}

func goVersion() string {
	for _, line := range strings.Split(platformFile("go.mod"), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "1.26"
}

func goMod(mod string) string {
	reqs := ""
	for _, r := range labRequirements() {
		reqs += "\nrequire " + r + " // indirect: the labs use it"
	}
	return fmt.Sprintf(`module %s

go %s

require %s v0.0.0
`+reqs+`

// The platform is not published: the workspace compiles against the copy
// that 'faultline init' keeps in .faultline/platform. Grading never uses
// this file; it builds your package into a pristine copy of the suites.
replace %s => ./%s
`, mod, goVersion(), Module, Module, platformDir)
}

func goSum() string { return platformFile("go.sum") }

// labRequirements lists the platform's requirements ("path version") that
// the workspace's builds need: the modules of the packages that the
// platform's grader and labs import. A Go module must name every module
// its build uses (module graph pruning), so the workspace's go.mod carries
// them; go.sum comes from the platform.
func labRequirements() []string {
	// The imports of each package of the platform, by directory.
	imports := map[string][]string{}
	fset := token.NewFileSet()
	for _, f := range faultline.Source() {
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		file, err := parser.ParseFile(fset, f.Path, f.Data, parser.ImportsOnly)
		if err != nil {
			continue
		}
		dir := path.Dir(f.Path)
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			imports[dir] = append(imports[dir], p)
		}
	}
	// Walk from what a workspace imports: the labs and gradertest.
	imported := map[string]bool{}
	seen := map[string]bool{}
	var walk func(dir string)
	walk = func(dir string) {
		if seen[dir] {
			return
		}
		seen[dir] = true
		for _, p := range imports[dir] {
			if rest, ok := strings.CutPrefix(p, Module+"/"); ok {
				walk(rest)
			} else {
				imported[p] = true
			}
		}
	}
	walk("labs/all")
	walk("grader/gradertest")
	var out []string
	inBlock := false
	for _, line := range strings.Split(platformFile("go.mod"), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
			continue
		case line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimPrefix(line, "require ")
		case !inBlock:
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		for p := range imported {
			if p == fields[0] || strings.HasPrefix(p, fields[0]+"/") {
				out = append(out, fields[0]+" "+fields[1])
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

const gitignore = `# faultline: the platform copy is restored by 'faultline init --update'
/.faultline/platform/
# traces of failing runs, written by 'faultline grade'
/traces/
`

// gradeTest is the go test entry point of a lab's package in a workspace.
func gradeTest(mod string, lab *suite.Lab) string {
	seen := map[string]bool{}
	var imps []string
	imp := func(alias, p string) {
		if !seen[alias+p] {
			seen[alias+p] = true
			imps = append(imps, fmt.Sprintf("\t%s %q", alias, p))
		}
	}
	uses := usedLabs(lab)
	for _, l := range append([]*suite.Lab{lab}, uses...) {
		if l == nil {
			continue
		}
		for _, p := range l.Student.BindImports {
			imp(path.Base(p), p)
		}
	}
	imp("student", mod+"/"+lab.Student.Package)
	call := fmt.Sprintf("gradertest.RunStudent(t, %q, %s)", lab.Name, lab.Student.Bind)
	if len(uses) > 0 {
		var entries []string
		for _, l := range uses {
			if l == nil {
				continue
			}
			alias := "uses_" + l.Student.Package
			imp(alias, mod+"/"+l.Student.Package)
			entries = append(entries, fmt.Sprintf("%q: %s", l.Name, strings.ReplaceAll(l.Student.Bind, "student.", alias+".")))
		}
		call = fmt.Sprintf("gradertest.RunStudentUsing(t, %q, %s, map[string]any{%s})", lab.Name, lab.Student.Bind, strings.Join(entries, ", "))
	}
	return fmt.Sprintf(`// Written by 'faultline init'. Grading never reads this file (nor any
// other _test.go file): you may add tests of your own beside it.

package %[1]s_test

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/gradertest"
	_ "github.com/faultline-dev/faultline/labs/all"
%[2]s
)

// TestGrade runs the %[3]s lab's graded suite against this package in this
// process, one subtest per test: 'go test -run TestGrade/Name -v' and a
// debugger work as usual. 'faultline grade %[3]s' grades the same code in
// isolated runner processes and is what counts.
func TestGrade(t *testing.T) {
	%[4]s
}
`, lab.Student.Package, strings.Join(imps, "\n"), lab.Name, call)
}

func readme(labs []*suite.Lab) string {
	var b strings.Builder
	b.WriteString(`# My faultline workspace

One Go package per lab. Edit the files in a lab's folder; nothing else here
is graded.

| lab | folder | lesson |
|---|---|---|
`)
	for _, l := range labs {
		if l.Student.Package == "" {
			continue
		}
		fmt.Fprintf(&b, "| %s | `%s/` | `faultline read %s` |\n", l.Name, l.Student.Package, l.Lesson)
	}
	b.WriteString(`
## Grade, watch, replay

` + "```sh" + `
faultline grade raft                  # grade your raft package (run anywhere in this folder)
faultline grade raft --watch          # re-grade every time you save
faultline grade raft --run '^Persist1$' --seed 123   # replay one failing run exactly
faultline trace view traces/raft-Persist1-123.jsonl  # step through its messages
go test ./raft/ -run 'TestGrade/Persist1' -v         # the same suite under go test
faultline vet raft                    # check the rules before grading
` + "```" + `

Every failure prints its seed and the command that replays it. Grading runs
your code in separate processes: a crash, an endless loop or a huge
allocation fails the run it happened in, never the grader.

## Rules (checked before grading)

Handlers run one at a time in virtual time, so lab code has no goroutines,
channels, locks, wall clock, global randomness, files, package-level
variables or init functions; it imports only the standard packages the lab
allows, labs/node and the lab's interface. 'faultline vet <lab>' lists every
problem with file:line. docs/student.md in the platform explains why.

## After updating faultline

Run 'faultline init --update' here: it refreshes .faultline/platform and adds
the starters of new labs. It never overwrites a file you have.
`)
	return b.String()
}

func workflow(labs []*suite.Lab) string {
	var names []string
	for _, l := range labs {
		if l.Student.Package != "" {
			names = append(names, l.Name)
		}
	}
	return `# Grades every lab on each push. The platform is pinned: set the repository
# variables FAULTLINE_REPO (its git URL) and FAULTLINE_REF (a tag or commit)
# in Settings > Secrets and variables > Actions > Variables; an instructor
# using GitHub Classroom sets them once in the template repository.
name: grade
on: [push, pull_request, workflow_dispatch]
jobs:
  grade:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        lab: [` + strings.Join(names, ", ") + `]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: "` + goVersion() + `"
      - name: Install the pinned faultline
        env:
          FAULTLINE_REPO: ${{ vars.FAULTLINE_REPO }}
          FAULTLINE_REF: ${{ vars.FAULTLINE_REF }}
        run: |
          git clone --quiet "$FAULTLINE_REPO" "$RUNNER_TEMP/faultline"
          git -C "$RUNNER_TEMP/faultline" checkout --quiet "$FAULTLINE_REF"
          (cd "$RUNNER_TEMP/faultline" && go install ./cmd/faultline)
      - name: Restore the platform copy
        run: faultline init --update .
      - name: Grade
        run: >-
          faultline grade ${{ matrix.lab }} --format github
          --json grade-${{ matrix.lab }}.json --junit grade-${{ matrix.lab }}.xml
      - name: Points
        if: always()
        run: jq -r '"::notice title=Points ${{ matrix.lab }}::\(.score)/\(.max_score)"' grade-${{ matrix.lab }}.json
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: grade-${{ matrix.lab }}
          path: |
            grade-${{ matrix.lab }}.json
            grade-${{ matrix.lab }}.xml
            traces/
`
}

// platformMain is the runner of the platform's own implementations.
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

// studentMain is the runner of the student's packages, imported from sub:
// the lab's own as "student", those of the labs it builds on as
// "uses_<package>". Compile errors in it are explained by naming these
// aliases (pathMap.contract).
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
