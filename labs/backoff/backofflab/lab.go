package backofflab

import (
	_ "embed"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/backoff/mutants"
	"github.com/faultline-dev/faultline/labs/backoff/solution"
	starter "github.com/faultline-dev/faultline/labs/backoff/starter"
)

//go:embed task.md
var task string

// Lab is the backoff lab as registered with grader/suite.
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
	Solution:   solution.Factory,
	Starter:    backoff.Factory(starter.NewClient),
	Mutants:    mutantList(),
	Imports:    []string{"errors", "fmt", "maps", "math", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/backoff/starter",
	Student: suite.Student{
		Package:     "backoff",
		Bind:        "backoff.Factory(student.NewClient)",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/backoff"},
	},
}

func init() {
	suite.Register(Lab)
	registerDemo()
}

func mutantList() []suite.Mutant {
	out := make([]suite.Mutant, len(mutants.All))
	for i, m := range mutants.All {
		out[i] = suite.Mutant{Name: m.Name, Description: m.Description, Impl: m.Factory}
	}
	return out
}
