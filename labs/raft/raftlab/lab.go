package raftlab

import (
	_ "embed"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	starter "github.com/faultline-dev/faultline/labs/raft/starter"
)

//go:embed task.md
var task string

// Lab is the Raft lab as registered with grader/suite.
var Lab = &suite.Lab{
	Name:    "raft",
	Title:   "Raft",
	Summary: "Leader election, log replication, persistence and snapshots, checked on every event.",
	Order:   30,
	Lesson:  "raft-election",
	Task:    task,
	Parts: []suite.Part{
		{ID: "A", Title: "Leader election", Lesson: "raft-election"},
		{ID: "B", Title: "Log replication", Lesson: "raft-replication"},
		{ID: "C", Title: "Persistence", Lesson: "raft-persistence"},
		{ID: "D", Title: "Snapshots", Lesson: "raft-snapshots"},
	},
	Tests: tests,
	// Solution and Mutants are set by reference.go.
	Starter: raft.Factory(starter.New),
	Observe: observe,
	// The reference handles at most about 270 events a second per node in
	// any test (Churn, UnreliableChurn); 5,000 leaves a wide margin and
	// still stops a storm within a virtual second.
	MaxRate:    5_000,
	Imports:    []string{"bytes", "cmp", "encoding/binary", "encoding/gob", "encoding/json", "errors", "fmt", "maps", "math", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/raft/starter",
	Student: suite.Student{
		Package:     "raft",
		Bind:        "raft.Factory(student.New)",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/raft"},
	},
	Label: Label,
	// Mutation is the score of docs/grading.md's "Mutation testing" row
	// (scripts/mutation.sh raft); TestMutationScoresMatchTheDocs keeps the
	// two equal.
	Mutation: suite.MutationScore{Killed: 183, Lived: 5, Equivalent: 74, Date: "2026-12-06"},
	// Facts are the figures the task and lessons quote (facts.go).
	Facts: raftFacts(),
}

func init() {
	suite.Register(Lab)
	registerDemos()
}

// observe reports a node's role and term for traces, through State and
// the optional raft.Roler.
func observe(n node.Node) any {
	rn, ok := n.(raft.Node)
	if !ok {
		return nil
	}
	term, lead := rn.State()
	role := "follower"
	if r, ok := n.(raft.Roler); ok {
		role = r.Role()
	} else if lead {
		role = "leader"
	}
	return struct {
		Role string `json:"role"`
		Term int    `json:"term"`
	}{role, term}
}
