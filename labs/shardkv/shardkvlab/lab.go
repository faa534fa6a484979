package shardkvlab

import (
	_ "embed"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/shardkv"
	starter "github.com/faultline-dev/faultline/labs/shardkv/starter"
)

// labName is the lab's name, for the harness's errors too (naming Lab there
// would make an initialization cycle: Lab holds the tests that build harnesses).
const labName = "shardkv"

//go:embed task.md
var task string

// Lab is the shardkv lab as registered with grader/suite.
var Lab = &suite.Lab{
	Name:    labName,
	Title:   "A sharded key/value service with reconfiguration",
	Summary: "A controller assigns shards to Raft groups; groups apply configurations in order, migrate shards with their duplicate tables and collect what they gave away; every key linearizable across moves; throughput scales with groups unless a key is hot.",
	Order:   50,
	Lesson:  "partitioning-and-sharding",
	Task:    task,
	Parts: []suite.Part{
		{ID: "A", Title: "Shard controller", Lesson: "partitioning-and-sharding"},
		{ID: "B", Title: "Sharded key/value service", Lesson: "partitioning-and-sharding"},
		{ID: "C", Title: "Migration under faults", Lesson: "partitioning-and-sharding"},
		{ID: "D", Title: "Garbage collection and snapshots", Lesson: "partitioning-and-sharding"},
		{ID: "E", Title: "Hot shards", Lesson: "partitioning-and-sharding"},
	},
	Tests: tests,
	// Facts are the figures the suite checks and assumes (facts.go).
	Facts: labFacts(),
	// Mutation is docs/grading.md's "Mutation testing" row for shardkv
	// (scripts/mutation.sh): Lived counts the non-equivalent survivors.
	Mutation:   suite.MutationScore{Killed: 84, Lived: 8, Equivalent: 28, Date: "2026-12-06"},
	Starter:    shardkv.Impl{NewController: starter.NewController, NewServer: starter.NewServer, NewClerk: starter.NewClerk},
	Imports:    []string{"bytes", "cmp", "encoding/binary", "encoding/gob", "encoding/json", "errors", "fmt", "maps", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/shardkv/starter",
	Student: suite.Student{
		Package:     "shardkv",
		Bind:        "shardkv.Impl{NewController: student.NewController, NewServer: student.NewServer, NewClerk: student.NewClerk}",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/shardkv"},
		Uses:        []string{"raft"},
	},
}

func init() { suite.Register(Lab) }
