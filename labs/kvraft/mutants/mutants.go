// Package mutants lists buggy variants of the reference kvraft service.
// Each is the reference code (labs/kvraft/internal/ref) with one realistic
// mistake switched on; the lab's suite must fail every one of them.
package mutants

import (
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/kvraft/internal/ref"
)

// Mutant is one buggy implementation.
type Mutant struct {
	Name, Description string
	Impl              kvraft.Impl
}

// All lists the mutants in a fixed order.
var All = []Mutant{
	{"stale-reads", "a leader answers Get from its own state without going through the log, so a deposed leader serves stale values", ref.New(ref.Bugs{StaleReads: true})},
	{"local-dedup", "duplicates are detected in a table of the server that answered, not in the replicated state: a retry to a new leader runs again", ref.New(ref.Bugs{LocalDedup: true})},
	{"install-keeps-dedup", "installing a snapshot replaces the data but keeps the server's own dedup table, so an op in the snapshot runs again when retried", ref.New(ref.Bugs{InstallKeepsDedup: true})},
	{"answers-early", "answers as soon as Raft accepts the proposal, before the entry commits and is applied", ref.New(ref.Bugs{AnswerEarly: true})},
	{"snapshot-without-dedup", "the snapshot holds the data but not the dedup table", ref.New(ref.Bugs{SnapshotNoDedup: true})},
	{"no-leader-check", "answers the request waiting at an index with whatever entry was applied there, and ignores term changes", ref.New(ref.Bugs{NoLeaderCheck: true})},
	{"no-retry-on-timeout", "the clerk waits forever for a server that does not answer", ref.New(ref.Bugs{NoRetryOnTimeout: true})},
	{"reuses-seq", "the clerk numbers only its writes, so a Get reuses the sequence number of the write before it", ref.New(ref.Bugs{ReuseSeq: true})},
	{"never-snapshots", "ignores MaxRaftState, so Raft's log and storage grow without bound", ref.New(ref.Bugs{NeverSnapshot: true})},
}
