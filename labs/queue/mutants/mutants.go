// Package mutants holds buggy variants of the queue lab's reference
// server, each a mistake people make when a server is overloaded. The
// suite must catch every one.
package mutants

import (
	"github.com/faultline-dev/faultline/labs/queue"
	"github.com/faultline-dev/faultline/labs/queue/solution"
)

// Mutant is one buggy implementation.
type Mutant struct {
	Name, Description string
	Factory           queue.Factory
}

// All lists the mutants.
var All = []Mutant{
	{"unbounded-queue", "no limit on the queue's length or on how long work waits: work waits until its deadline can no longer be met", solution.New(solution.Bugs{Unbounded: true})},
	{"fifo-no-deadline", "a bounded FIFO that never looks at deadlines: it starts work whose client has already given up", solution.New(solution.Bugs{NoDeadlines: true})},
	{"reject-all-under-load", "no queue at all: every request that finds all workers busy is rejected", solution.New(solution.Bugs{NoQueue: true})},
	{"priority-inversion", "the priority classes are swapped: best-effort work is served first and critical work is shed first", solution.New(solution.Bugs{PriorityInverted: true})},
	{"no-fairness", "one queue per class shared by every client: a client that floods the server crowds out the others", solution.New(solution.Bugs{NoFairness: true})},
	{"lying-queue-len", "QueueLen forgets the requests the server drops from its queue (by the sweep or to make room), so the count it reports only grows", solution.New(solution.Bugs{LyingQueueLen: true})},
	{"naive-fifo", "an unbounded FIFO that never looks at deadlines: the server with no policy at all", solution.New(solution.Bugs{Naive: true})},
}
