package models

import (
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/suite"
)

// SuiteTest returns lab's search model name as a graded test: the search
// runs with the spec's bounds on the implementation under test, and the
// test fails on a violation (its message is the path) or when a goal was
// never reached (a Raft that never elects anyone breaks no safety
// property, and must not pass for it). A lab wires it in by appending it
// to its test table, for example in labs/pingpong/pingponglab/tests.go:
//
//	models.SuiteTest("pingpong", "exactly-once", "C", 4),
//
// The search ignores the seed (it explores every schedule), so the test
// runs once. It panics if the lab has no such model: a table is built at
// init, and a wrong name there is the lab's bug.
func SuiteTest(lab, name, part string, points int) suite.Test {
	spec, err := Lookup(lab, name)
	if err != nil {
		panic(err)
	}
	return suite.Test{
		Name:        "Search" + camel(spec.Name),
		Part:        part,
		Points:      points,
		Seeds:       1,
		Reruns:      1,
		Lesson:      "model-checking",
		Description: "model checking: " + spec.Description,
		Run:         func(t *suite.T) { runSpec(t, spec) },
	}
}

// camel turns "exactly-once" into "ExactlyOnce".
func camel(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(s, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// progressEvery is how many unique states a graded search explores
// between two reports to the watchdog: a few milliseconds of work.
const progressEvery = 256

func runSpec(t *suite.T, spec Spec) {
	m, err := spec.Build(t.Impl())
	if err != nil {
		t.Fatalf("%v", err)
	}
	// The search runs inside one test, dispatching no simulator event: it
	// reports its states to the grader's watchdog, which would otherwise
	// take a long search on a slow machine for a handler that never
	// returns. A student's handler that loops stops the states, and the
	// watchdog still catches it.
	opts := spec.Options
	opts.ProgressEvery = progressEvery
	last := int64(0)
	opts.Progress = func(st search.Stats) {
		n := int64(st.States)
		t.Progressed(n - last)
		last = n
	}
	res, err := search.Check(m, opts)
	if err != nil {
		t.Fatalf("%v", err)
	}
	st := res.Stats
	t.Logf("search %s: %s to depth %d, %d states, %d unique, deepest %d, exhausted %v", spec.Name, res.Strategy, res.Depth, st.States, st.Unique, st.Depth, res.Exhausted)
	if v := res.Violation; v != nil {
		var path strings.Builder
		for i, ev := range v.Path {
			fmt.Fprintf(&path, "; %d. %v", i+1, ev)
		}
		// The trace of the run and its replay command show the path step by
		// step; `faultline check` searches only the platform's code.
		rerun := "the replay command below reruns it, and its trace shows the path"
		if name := t.ImplName(); name != "student" {
			rerun = fmt.Sprintf("rerun it with: faultline check %s --impl %s", spec.Lab, name)
		}
		t.Fail(suite.Failure{Check: v.Invariant, Kind: v.Invariant,
			Msg: fmt.Sprintf("after %d events: %v. The events, in order%s. To step through them, %s", len(v.Path), v.Err, path.String(), rerun)})
	}
	for _, g := range res.Goals {
		if !g.Reached {
			t.Fatalf("no state within the search's bounds (%d unique states, depth %d) reached %q: the implementation never gets there", st.Unique, res.Depth, g.Name)
		}
	}
	t.Check("search "+spec.Name, nil)
}
