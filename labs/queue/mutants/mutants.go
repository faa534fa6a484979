// Package mutants holds buggy variants of the queue lab's reference
// server, each a mistake people make when a server is overloaded. The
// suite must catch every one.
package mutants

import (
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/queue/internal/reference"
)

// All lists the mutants: each the reference with one bug switched on. Each
// Impl is a queue.Factory.
var All = []suite.Mutant{
	{Name: "unbounded-queue", Description: "no limit on the queue's length or on how long work waits: work waits until its deadline can no longer be met", Impl: reference.New(reference.Bugs{Unbounded: true})},
	{Name: "fifo-no-deadline", Description: "a bounded FIFO that never looks at deadlines: it starts work whose client has already given up", Impl: reference.New(reference.Bugs{NoDeadlines: true})},
	{Name: "reject-all-under-load", Description: "no queue at all: every request that finds all workers busy is rejected", Impl: reference.New(reference.Bugs{NoQueue: true})},
	{Name: "priority-inversion", Description: "the priority classes are swapped: best-effort work is served first and critical work is shed first", Impl: reference.New(reference.Bugs{PriorityInverted: true})},
	{Name: "no-fairness", Description: "one queue per class shared by every client: a client that floods the server crowds out the others", Impl: reference.New(reference.Bugs{NoFairness: true})},
	{Name: "lying-queue-len", Description: "QueueLen forgets the requests the server drops from its queue (by the sweep or to make room), so the count it reports only grows", Impl: reference.New(reference.Bugs{LyingQueueLen: true})},
	{Name: "naive-fifo", Description: "an unbounded FIFO that never looks at deadlines: the server with no policy at all", Impl: reference.New(reference.Bugs{Naive: true})},
}
