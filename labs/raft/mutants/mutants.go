// Package mutants lists buggy variants of the reference Raft. Each is the
// reference (labs/raft/internal/reference) with one realistic mistake
// switched on by a field of reference.Bugs; the lab's suite must fail
// every one of them. raftlab/reference.go hands them to the suite.
package mutants

import (
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/internal/reference"
)

func with(b reference.Bugs) raft.Factory {
	return func(id node.ID, apply func(raft.ApplyMsg)) raft.Node { return reference.New(id, apply, b) }
}

// All lists the mutants in a fixed order; each Impl is a raft.Factory.
var All = []suite.Mutant{
	{Name: "votes-twice", Description: "a follower grants a second vote in a term it already voted in", Impl: with(reference.Bugs{VoteTwice: true})},
	{Name: "no-up-to-date-check", Description: "grants votes without the §5.4.1 check that the candidate's log is up to date", Impl: with(reference.Bugs{NoUpToDateCheck: true})},
	{Name: "commits-old-term", Description: "commits an earlier term's entry by counting replicas (Figure 8, §5.4.2)", Impl: with(reference.Bugs{CommitOldTerm: true})},
	{Name: "replies-before-persist", Description: "answers RPCs first and writes currentTerm, votedFor and the log only on the next timer", Impl: with(reference.Bugs{ReplyBeforePersist: true})},
	{Name: "syncs-after-replying", Description: "sends its replies, then saves and syncs its state at the end of the same handler", Impl: with(reference.Bugs{SyncAfterReply: true})},
	{Name: "truncates-on-match", Description: "truncates the log at the first new entry even when it matches, dropping acknowledged entries", Impl: with(reference.Bugs{TruncateOnMatch: true})},
	{Name: "acts-on-stale-replies", Description: "counts votes and matches from replies to an earlier term's requests", Impl: with(reference.Bugs{AcceptStaleReplies: true})},
	{Name: "fixed-election-timeout", Description: "the election timeout is not randomized, so split votes repeat forever", Impl: with(reference.Bugs{FixedElectionTimeout: true})},
	{Name: "no-reset-on-vote", Description: "the election timer is not reset when granting a vote", Impl: with(reference.Bugs{NoResetOnVote: true})},
	{Name: "applies-twice", Description: "off by one: re-applies the last applied entry with each new batch", Impl: with(reference.Bugs{ApplyTwice: true})},
	{Name: "commit-beyond-new", Description: "a follower sets commitIndex to leaderCommit past the last new entry, committing stale entries", Impl: with(reference.Bugs{CommitBeyondNew: true})},
	{Name: "installs-stale-snapshot", Description: "installs an InstallSnapshot older than its commit index, going back in time", Impl: with(reference.Bugs{InstallStaleSnapshot: true})},
	{Name: "half-is-a-quorum", Description: "counts half the cluster as a majority (votes and commits): right for 3, 5 and 7 nodes, wrong for 4 and 6", Impl: with(reference.Bugs{HalfQuorum: true})},
	{Name: "deletes-with-checkpoint", Description: "deletes the log records a checkpoint replaces in the same Sync as the checkpoint, so a torn Sync can keep the deletes and lose the checkpoint", Impl: with(reference.Bugs{DeleteWithCheckpoint: true})},
	{Name: "leader-ignores-higher-term", Description: "a leader ignores a higher term in every reply (AppendEntries, InstallSnapshot, a late vote) and never steps down on one", Impl: with(reference.Bugs{NoStepDown: true})},
}
