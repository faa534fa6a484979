package backofflab

import (
	_ "embed"
	"fmt"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/backoff"
	starter "github.com/faultline-dev/faultline/labs/backoff/starter"
)

//go:embed task.md
var task string

// Lab is the backoff lab as registered with grader/suite. Its Solution
// and Mutants are set in reference.go.
var Lab = &suite.Lab{
	Name:    "backoff",
	Title:   "Retries, backoff and metastability",
	Summary: "Timeouts, idempotent retries, capped exponential backoff with jitter, retry budgets, and a client that lets an overloaded server recover.",
	Order:   15,
	Lesson:  "retries-and-backoff",
	Task:    task,
	Parts: []suite.Part{
		{ID: "A", Title: "Timeouts and safe retries", Lesson: "retries-and-backoff"},
		{ID: "B", Title: "Exponential backoff with jitter", Lesson: "retries-and-backoff"},
		{ID: "C", Title: "Retry budgets", Lesson: "retries-and-backoff"},
		{ID: "D", Title: "Metastability", Lesson: "metastable-failures"},
	},
	Tests:      tests,
	Starter:    backoff.Factory(starter.NewClient),
	Imports:    []string{"errors", "fmt", "maps", "math", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/backoff/starter",
	Student: suite.Student{
		Package:     "backoff",
		Bind:        "backoff.Factory(student.NewClient)",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/backoff"},
	},
	// Mutation is the score of docs/grading.md's "Mutation testing" row
	// (scripts/mutation.sh backoff); TestMutationScoresMatchTheDocs keeps the
	// two equal.
	Mutation: suite.MutationScore{Killed: 44, Lived: 2, Equivalent: 26, Date: "2026-12-06"},
	Facts:    facts,
}

func init() {
	suite.Register(Lab)
	registerDemo()
}

// factoryOf returns the lab's implementation named name ("solution",
// "mutant:naive") as a backoff.Factory. The demo finds the reference and
// the naive client this way, at run time, so that a build of faultline
// without reference.go still compiles and says what it lacks.
func factoryOf(name string) (backoff.Factory, error) {
	impl, err := Lab.Impl(name)
	if err != nil {
		return nil, err
	}
	f, ok := impl.(backoff.Factory)
	if !ok {
		return nil, fmt.Errorf("backoff lab: the implementation %q is a %T, not a backoff.Factory (a build of faultline without the lab's reference.go has no reference or mutants)", name, impl)
	}
	return f, nil
}
