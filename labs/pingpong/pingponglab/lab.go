// Package pingponglab registers the pingpong lab and its demo with the
// grader: the suite, the reference, the starter and the mutants.
package pingponglab

import (
	_ "embed"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/pingpong"
	starter "github.com/faultline-dev/faultline/labs/pingpong/starter"
)

//go:embed task.md
var task string

// Lab is the pingpong lab as registered with grader/suite. Its Solution
// and Mutants are set in reference.go.
var Lab = &suite.Lab{
	Name:    "pingpong",
	Title:   "Exactly once over a lossy network",
	Summary: "Retransmit until acknowledged, deduplicate at the server: every request runs exactly once.",
	Order:   10,
	Lesson:  "unreliable-networks",
	Task:    task,
	Parts: []suite.Part{
		{ID: "A", Title: "A perfect network", Lesson: "unreliable-networks"},
		{ID: "B", Title: "Loss", Lesson: "unreliable-networks"},
		{ID: "C", Title: "Duplication and reordering", Lesson: "unreliable-networks"},
		{ID: "D", Title: "Many clients, everything at once", Lesson: "unreliable-networks"},
	},
	Tests:      tests,
	Starter:    pingpong.Impl{NewClient: starter.NewClient, NewServer: starter.NewServer},
	Imports:    []string{"errors", "fmt", "maps", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/pingpong/starter",
	Student: suite.Student{
		Package:     "pingpong",
		Bind:        "pingpong.Impl{NewClient: student.NewClient, NewServer: student.NewServer}",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/pingpong"},
	},
	// Mutation is the score of docs/grading.md's "Mutation testing" row
	// (scripts/mutation.sh pingpong); TestMutationScoresMatchTheDocs keeps the
	// two equal.
	Mutation: suite.MutationScore{Killed: 1, Lived: 0, Equivalent: 0, Date: "2026-12-06"},
	Facts:    facts,

	Label: Label,
}

func init() {
	suite.Register(Lab)
	registerDemo()
}
