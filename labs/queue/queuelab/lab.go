package queuelab

import (
	_ "embed"
	"fmt"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/queue"
	starter "github.com/faultline-dev/faultline/labs/queue/starter"
)

//go:embed task.md
var task string

// Lab is the queue lab as registered with grader/suite. Its Solution and
// Mutants are set in reference.go.
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
	Starter:    queue.Factory(starter.NewServer),
	Imports:    []string{"errors", "fmt", "maps", "math", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/queue/starter",
	Student: suite.Student{
		Package:     "queue",
		Bind:        "queue.Factory(student.NewServer)",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/queue"},
	},
	// Mutation is the score of docs/grading.md's "Mutation testing" row
	// (scripts/mutation.sh queue); TestMutationScoresMatchTheDocs keeps the
	// two equal.
	Mutation: suite.MutationScore{Killed: 56, Lived: 2, Equivalent: 27, Date: "2026-12-06"},
	Facts:    facts,
}

func init() {
	suite.Register(Lab)
}

// factoryOf returns the lab's implementation named name ("solution",
// "mutant:naive-fifo") as a queue.Factory. The demos and charts find the
// reference and the unbounded FIFO this way, at run time, so that a build
// of faultline without reference.go still compiles and says what it lacks.
func factoryOf(name string) (queue.Factory, error) {
	impl, err := Lab.Impl(name)
	if err != nil {
		return nil, err
	}
	f, ok := impl.(queue.Factory)
	if !ok {
		return nil, fmt.Errorf("queue lab: the implementation %q is a %T, not a queue.Factory (a build of faultline without the lab's reference.go has no reference or mutants)", name, impl)
	}
	return f, nil
}
