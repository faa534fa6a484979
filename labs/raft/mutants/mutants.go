// Package mutants lists buggy variants of the reference Raft. Each is the
// reference code (labs/raft/internal/core) with one realistic mistake
// switched on; the lab's suite must fail every one of them.
package mutants

import (
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/internal/core"
)

// Mutant is one buggy Raft.
type Mutant struct {
	Name        string
	Description string
	Factory     raft.Factory
}

func with(b core.Bugs) raft.Factory {
	return func(id node.ID, apply func(raft.ApplyMsg)) raft.Node { return core.New(id, apply, b) }
}

// All lists the mutants in a fixed order.
var All = []Mutant{
	{"votes-twice", "a follower grants a second vote in a term it already voted in", with(core.Bugs{VoteTwice: true})},
	{"no-up-to-date-check", "grants votes without the §5.4.1 check that the candidate's log is up to date", with(core.Bugs{NoUpToDateCheck: true})},
	{"commits-old-term", "commits an earlier term's entry by counting replicas (Figure 8, §5.4.2)", with(core.Bugs{CommitOldTerm: true})},
	{"replies-before-persist", "answers RPCs first and writes currentTerm, votedFor and the log only on the next timer", with(core.Bugs{ReplyBeforePersist: true})},
	{"syncs-after-replying", "sends its replies, then saves and syncs its state at the end of the same handler", with(core.Bugs{SyncAfterReply: true})},
	{"truncates-on-match", "truncates the log at the first new entry even when it matches, dropping acknowledged entries", with(core.Bugs{TruncateOnMatch: true})},
	{"acts-on-stale-replies", "counts votes and matches from replies to an earlier term's requests", with(core.Bugs{AcceptStaleReplies: true})},
	{"fixed-election-timeout", "the election timeout is not randomized, so split votes repeat forever", with(core.Bugs{FixedElectionTimeout: true})},
	{"no-reset-on-vote", "the election timer is not reset when granting a vote", with(core.Bugs{NoResetOnVote: true})},
	{"applies-twice", "off by one: re-applies the last applied entry with each new batch", with(core.Bugs{ApplyTwice: true})},
	{"commit-beyond-new", "a follower sets commitIndex to leaderCommit past the last new entry, committing stale entries", with(core.Bugs{CommitBeyondNew: true})},
	{"installs-stale-snapshot", "installs an InstallSnapshot older than its commit index, going back in time", with(core.Bugs{InstallStaleSnapshot: true})},
	{"leader-ignores-higher-term", "a leader ignores a higher term in AppendEntries replies and never steps down", with(core.Bugs{NoStepDown: true})},
}
