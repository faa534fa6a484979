package suite

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// Lab is everything the engine knows about one lab.
type Lab struct {
	// Name is the registry name used on the command line ("raft").
	Name string
	// Title and Summary describe the lab in menus and on the site.
	Title   string
	Summary string
	// Order places the lab in the course (lower first).
	Order int
	// Lesson is the slug of the lesson the lab goes with.
	Lesson string
	// Task is Markdown telling the student what to implement: the interface,
	// the files to edit, the rules. The site's lab page shows it.
	Task  string
	Parts []Part
	Tests []Test
	// Solution and Starter are the reference and the student's starting
	// point; Mutants are buggy variants the suite must catch.
	Solution any
	Starter  any
	Mutants  []Mutant
	// Observe describes a node's state for traces (for Raft: role and term);
	// nil means states are not recorded. It must not change the node.
	Observe func(n node.Node) any
	// Imports lists the standard-library import paths student code may use
	// besides vet.DefaultImports; of the platform, student code may import
	// only labs/node and the packages in Student.Bind's imports.
	Imports []string
	// StudentDir is the lab's starter directory relative to the module root
	// ("labs/raft/starter"): what `faultline init` copies into a workspace.
	// Its package clause is Student.Package.
	StudentDir string
	// MaxRate is the storm bound of the lab's runs: the most events one node
	// may handle within one second of virtual time (sim.Config.MaxRate);
	// 0 means DefaultMaxRate. A test may set its own.
	MaxRate int
	// Student says what a student's package for this lab is called and
	// exports: the contract between a workspace and the grader.
	Student Student
	// Label gives a message its short label in diagrams ("AE t3 [5..7] c4"),
	// from the trace record's type name and JSON payload alone, since
	// traces are read back from files. "" (or a nil Label) means the type
	// name is shown.
	Label LabelFunc
	// Facts are the figures the suite checks (bounds, seed counts, network
	// parameters, limits), named so that the lab's task and lessons quote
	// them instead of restating them by hand (fact.go).
	Facts []Fact
	// Mutation is the lab's published mutation score (mutation.go); the
	// zero value means none was measured.
	Mutation MutationScore
}

// Student is the contract of a lab with the package a student writes in a
// workspace. The grader builds a runner program that imports the student's
// package as `student` and evaluates Bind to get the implementation under
// test, of the same type as Lab.Solution.
type Student struct {
	// Package is the student's package name and its directory in a
	// workspace ("raft" for DIR/raft).
	Package string
	// Bind is a Go expression of the implementation's type built from the
	// student's exported constructors, such as "raft.Factory(student.New)".
	Bind string
	// BindImports are the import paths Bind uses besides the student's
	// package ("github.com/faultline-dev/faultline/labs/raft"). Student code
	// may import these and labs/node, and nothing else of the platform.
	BindImports []string
	// Uses names labs whose student packages this lab builds on (kvraft
	// uses "raft"): the runner compiles them in too, bound by their own
	// Student.Bind, and a run finds them with T.Dep. Student code of this
	// lab does not import them; the harness hands them over.
	Uses []string
}

// Part is a graded part of a lab, such as Raft's "A: election".
type Part struct {
	ID     string // "A"
	Title  string
	Lesson string // slug of the lesson for this part
}

// Mutant is a buggy implementation the suite must catch.
type Mutant struct {
	Name        string // "votes-twice"
	Description string // the bug, in one line
	Impl        any
}

// Test is one graded test.
type Test struct {
	Name        string
	Part        string // a Part ID
	Points      int
	Description string        // one line
	Lesson      string        // "raft-election#randomized-timeouts"
	Seeds       int           // default number of seeds; 0 means 1
	Limit       time.Duration // virtual time limit for one run; 0 means 1 minute
	MaxRate     int           // storm bound; 0 means the lab's
	// Reruns is how many of the test's runs the determinism check runs
	// again in other runners; 0 means the grader's default (3). A search
	// test needs one: its single run calls the node's handlers thousands
	// of times, each a chance for nondeterminism to show, and each re-run
	// costs the whole search again.
	Reruns int
	Run    func(t *T)
}

// DefaultMaxRate is the storm bound of a lab that sets none: 10,000 events
// a node handles in one second of virtual time.
const DefaultMaxRate = 10_000

// MaxScore sums the points of the lab's tests.
func (l *Lab) MaxScore() int {
	n := 0
	for _, t := range l.Tests {
		n += t.Points
	}
	return n
}

// Test returns the named test.
func (l *Lab) Test(name string) (*Test, bool) {
	for i := range l.Tests {
		if l.Tests[i].Name == name {
			return &l.Tests[i], true
		}
	}
	return nil, false
}

// Impl resolves an implementation name: "solution", "starter" or
// "mutant:<name>".
func (l *Lab) Impl(name string) (any, error) {
	switch {
	case name == "solution" || name == "reference":
		if l.Solution == nil {
			return nil, edition.NoReference(fmt.Sprintf("lab %s: --impl %s", l.Name, name))
		}
		return l.Solution, nil
	case name == "starter":
		if l.Starter == nil {
			return nil, fmt.Errorf("lab %s has no starter", l.Name)
		}
		return l.Starter, nil
	case strings.HasPrefix(name, "mutant:"):
		m := strings.TrimPrefix(name, "mutant:")
		if len(l.Mutants) == 0 && edition.Student {
			return nil, edition.NoReference(fmt.Sprintf("lab %s: --impl %s (a mutant is the reference with a bug)", l.Name, name))
		}
		for _, mu := range l.Mutants {
			if mu.Name == m {
				return mu.Impl, nil
			}
		}
		return nil, fmt.Errorf("lab %s has no mutant %q (it has: %s)", l.Name, m, strings.Join(l.MutantNames(), ", "))
	}
	return nil, fmt.Errorf("unknown implementation %q (want solution, starter or mutant:<name>)", name)
}

// MutantNames lists the mutants' names in order.
func (l *Lab) MutantNames() []string {
	names := make([]string, len(l.Mutants))
	for i, m := range l.Mutants {
		names[i] = m.Name
	}
	return names
}

// Demo is a built-in scenario that runs a reference implementation and
// records its trace: what `faultline demo` shows and the site draws.
type Demo struct {
	Name        string // "raft-election"
	Title       string
	Description string // what to look for, a few sentences
	Lab         string // the lab it belongs to, if any
	Seed        uint64 // the default seed
	// Run runs the scenario with seed, sending the trace to sink.
	Run func(seed uint64, sink trace.Sink) error
	// Label labels the demo's messages, for a demo that belongs to no lab
	// (see Lab.Label); nil means the lab's Label, if any.
	Label LabelFunc
	// Series runs the scenario with seed, untraced, and returns the time
	// series it measured and the intervals to mark on their charts (the
	// trigger), for `faultline demo`'s charts and the site's
	// faultline-chart blocks. Series of the sides of a comparison are named
	// "side: metric" ("naive: goodput"). Nil means the demo has no charts.
	Series func(seed uint64) (series.Set, error)
}

var registry struct {
	sync.Mutex
	labs  map[string]*Lab
	demos map[string]Demo
}

// Register adds a lab. It panics on a duplicate or nameless lab: that is a
// programming error found at start-up.
func Register(l *Lab) {
	registry.Lock()
	defer registry.Unlock()
	if l.Name == "" {
		panic("suite: Register of a lab with no name")
	}
	if registry.labs == nil {
		registry.labs = map[string]*Lab{}
	}
	if _, dup := registry.labs[l.Name]; dup {
		panic("suite: lab " + l.Name + " registered twice")
	}
	parts := map[string]bool{}
	for _, p := range l.Parts {
		parts[p.ID] = true
	}
	seen := map[string]bool{}
	for _, t := range l.Tests {
		if seen[t.Name] {
			panic("suite: lab " + l.Name + " has two tests named " + t.Name)
		}
		seen[t.Name] = true
		if len(l.Parts) > 0 && !parts[t.Part] {
			panic("suite: test " + l.Name + "/" + t.Name + " is in unknown part " + t.Part)
		}
	}
	registry.labs[l.Name] = l
}

// RegisterDemo adds a demo scenario; it panics on a duplicate name.
func RegisterDemo(d Demo) {
	registry.Lock()
	defer registry.Unlock()
	if registry.demos == nil {
		registry.demos = map[string]Demo{}
	}
	if _, dup := registry.demos[d.Name]; dup {
		panic("suite: demo " + d.Name + " registered twice")
	}
	registry.demos[d.Name] = d
}

// Labs returns every registered lab in course order.
func Labs() []*Lab {
	registry.Lock()
	defer registry.Unlock()
	out := make([]*Lab, 0, len(registry.labs))
	for _, l := range registry.labs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Lookup returns the named lab, or an error listing the labs there are.
func Lookup(name string) (*Lab, error) {
	registry.Lock()
	l, ok := registry.labs[name]
	registry.Unlock()
	if ok {
		return l, nil
	}
	var names []string
	for _, l := range Labs() {
		names = append(names, l.Name)
	}
	return nil, fmt.Errorf("unknown lab %q (labs: %s; run `faultline labs` to list them)", name, strings.Join(names, ", "))
}

// Demos returns every demo, sorted by name.
func Demos() []Demo {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Demo, 0, len(registry.demos))
	for _, d := range registry.demos {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupDemo returns the named demo, or an error listing the demos there are.
func LookupDemo(name string) (Demo, error) {
	registry.Lock()
	d, ok := registry.demos[name]
	registry.Unlock()
	if ok {
		return d, nil
	}
	var names []string
	for _, d := range Demos() {
		names = append(names, d.Name)
	}
	return Demo{}, fmt.Errorf("unknown demo scenario %q (scenarios: %s)", name, strings.Join(names, ", "))
}
