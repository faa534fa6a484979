package kvraftlab

import (
	_ "embed"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft"
	starter "github.com/faultline-dev/faultline/labs/kvraft/starter"
)

// labName is the lab's name, for the harness's errors too (naming Lab there
// would make an initialization cycle: Lab holds the tests that build harnesses).
const labName = "kvraft"

//go:embed task.md
var task string

// Lab is the kvraft lab as registered with grader/suite.
var Lab = &suite.Lab{
	Name:    labName,
	Title:   "A linearizable key/value service on Raft",
	Summary: "Get, Put and Append through the Raft log, exactly once across retries and leader changes, with snapshots; every history checked for linearizability.",
	Order:   40,
	Lesson:  "linearizability",
	Task:    task,
	Parts: []suite.Part{
		{ID: "A", Title: "Replicated state machine", Lesson: "linearizability"},
		{ID: "B", Title: "Clerks and exactly once", Lesson: "unreliable-networks"},
		{ID: "C", Title: "Snapshots", Lesson: "raft-snapshots"},
	},
	Tests: tests,
	Facts: labFacts(),
	// scripts/mutation.sh kvraft, docs/grading.md "Mutation testing".
	Mutation:   suite.MutationScore{Killed: 36, Lived: 1, Equivalent: 15, Date: "2026-12-06"},
	Starter:    kvraft.Impl{NewServer: starter.NewServer, NewClerk: starter.NewClerk},
	Imports:    []string{"bytes", "cmp", "encoding/binary", "encoding/gob", "encoding/json", "errors", "fmt", "maps", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/kvraft/starter",
	Student: suite.Student{
		Package:     "kvraft",
		Bind:        "kvraft.Impl{NewServer: student.NewServer, NewClerk: student.NewClerk}",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/kvraft"},
		Uses:        []string{"raft"},
	},
}

func init() { suite.Register(Lab) }
