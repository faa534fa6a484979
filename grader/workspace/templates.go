package workspace

import (
	"fmt"
	"path"
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
	return fmt.Sprintf(`module %s

go %s

require %s v0.0.0

// The platform is not published: the workspace compiles against the copy
// that 'faultline init' keeps in .faultline/platform. Grading never uses
// this file; it builds your package into a pristine copy of the suites.
replace %s => ./%s
`, mod, goVersion(), Module, Module, platformDir)
}

func goSum() string { return platformFile("go.sum") }

const gitignore = `# faultline: the platform copy is restored by 'faultline init --update'
/.faultline/platform/
# traces of failing runs, written by 'faultline grade'
/traces/
`

// gradeTest is the go test entry point of a lab's package in a workspace.
func gradeTest(mod string, lab *suite.Lab) string {
	var imps []string
	for _, p := range lab.Student.BindImports {
		imps = append(imps, fmt.Sprintf("\t%s %q", path.Base(p), p))
	}
	return fmt.Sprintf(`// Written by 'faultline init'. Grading never reads this file (nor any
// other _test.go file): you may add tests of your own beside it.

package %[1]s_test

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/gradertest"
%[2]s
	_ "github.com/faultline-dev/faultline/labs/all"

	student %[3]q
)

// TestGrade runs the %[4]s lab's graded suite against this package in this
// process, one subtest per test: 'go test -run TestGrade/Name -v' and a
// debugger work as usual. 'faultline grade %[4]s' grades the same code in
// isolated runner processes and is what counts.
func TestGrade(t *testing.T) {
	gradertest.RunStudent(t, %[4]q, %[5]s)
}
`, lab.Student.Package, strings.Join(imps, "\n"), mod+"/"+lab.Student.Package, lab.Name, lab.Student.Bind)
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
