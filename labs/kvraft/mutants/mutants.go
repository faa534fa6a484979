// Package mutants lists buggy variants of the reference kvraft service.
// Each is the reference code (labs/kvraft/internal/reference) with one
// realistic mistake switched on; the lab's suite must fail every one of
// them.
package mutants

import (
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft/internal/reference"
)

// All lists the mutants in a fixed order; each Impl is a kvraft.Impl.
var All = []suite.Mutant{
	{Name: "stale-reads", Description: "a leader answers Get from its own state without going through the log, so a deposed leader serves stale values", Impl: reference.New(reference.Bugs{StaleReads: true})},
	{Name: "local-dedup", Description: "duplicates are detected in a table of the server that answered, not in the replicated state: a retry to a new leader runs again", Impl: reference.New(reference.Bugs{LocalDedup: true})},
	{Name: "install-keeps-dedup", Description: "installing a snapshot replaces the data but keeps the server's own dedup table, so an op in the snapshot runs again when retried", Impl: reference.New(reference.Bugs{InstallKeepsDedup: true})},
	{Name: "answers-early", Description: "answers as soon as Raft accepts the proposal, before the entry commits and is applied", Impl: reference.New(reference.Bugs{AnswerEarly: true})},
	{Name: "snapshot-without-dedup", Description: "the snapshot holds the data but not the dedup table", Impl: reference.New(reference.Bugs{SnapshotNoDedup: true})},
	{Name: "no-leader-check", Description: "answers the request waiting at an index with whatever entry was applied there, and ignores term changes", Impl: reference.New(reference.Bugs{NoLeaderCheck: true})},
	{Name: "no-retry-on-timeout", Description: "the clerk waits forever for a server that does not answer", Impl: reference.New(reference.Bugs{NoRetryOnTimeout: true})},
	{Name: "reuses-seq", Description: "the clerk numbers only its writes, so a Get reuses the sequence number of the write before it", Impl: reference.New(reference.Bugs{ReuseSeq: true})},
	{Name: "latest-only-dedup", Description: "a request counts as a duplicate only if it repeats its clerk's latest one, so an old copy delayed in the network runs again after the clerk moved on", Impl: reference.New(reference.Bugs{LatestOnlyDedup: true})},
	{Name: "no-round-pause", Description: "the clerk asks the next server at once after every refusal and never pauses after a round of them: while no server leads, it sends hundreds of requests a second", Impl: reference.New(reference.Bugs{NoRoundPause: true})},
	{Name: "split-applied-index", Description: "keeps its own copy of the state machine on disk, the data and dedup table under one key and the applied index under another, in one Sync: a crash that tears it leaves the index ahead of the data, and the writes between are lost", Impl: reference.New(reference.Bugs{SplitApplied: true})},
	{Name: "never-snapshots", Description: "ignores MaxRaftState, so Raft's log and storage grow without bound", Impl: reference.New(reference.Bugs{NeverSnapshot: true})},
}
