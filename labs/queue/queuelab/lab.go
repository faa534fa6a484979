package queuelab

import (
	_ "embed"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/queue"
	"github.com/faultline-dev/faultline/labs/queue/mutants"
	"github.com/faultline-dev/faultline/labs/queue/solution"
	starter "github.com/faultline-dev/faultline/labs/queue/starter"
)

//go:embed task.md
var task string

// Lab is the queue lab as registered with grader/suite.
var Lab = &suite.Lab{
	Name:    "queue",
	Title:   "Queues and load shedding",
	Summary: "Queues do not smooth load, they defer pain: a server that bounds its queue, respects deadlines, sheds load and keeps goodput near capacity at 5× overload.",
	Order:   20,
	Lesson:  "queues-and-load-shedding",
	Task:    task,
	Parts: []suite.Part{
		{ID: "A", Title: "Bounded queue and fast rejection", Lesson: "queues-and-load-shedding#bounded-queues-and-backpressure"},
		{ID: "B", Title: "Deadlines", Lesson: "queues-and-load-shedding#goodput-not-throughput"},
		{ID: "C", Title: "Overload control", Lesson: "queues-and-load-shedding#load-shedding"},
		{ID: "D", Title: "Priorities and fairness", Lesson: "queues-and-load-shedding#load-shedding"},
	},
	Tests:      tests,
	Solution:   queue.Factory(solution.NewServer),
	Starter:    queue.Factory(starter.NewServer),
	Mutants:    mutantList(),
	Imports:    []string{"errors", "fmt", "maps", "math", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/queue/starter",
	Student: suite.Student{
		Package:     "queue",
		Bind:        "queue.Factory(student.NewServer)",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/queue"},
	},
}

func init() {
	suite.Register(Lab)
}

func mutantList() []suite.Mutant {
	out := make([]suite.Mutant, len(mutants.All))
	for i, m := range mutants.All {
		out[i] = suite.Mutant{Name: m.Name, Description: m.Description, Impl: m.Factory}
	}
	return out
}
