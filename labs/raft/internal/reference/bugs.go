package reference

// Bugs switches on small, realistic mistakes, one per field, so that each
// mutant of the lab is the reference solution plus one flag. The zero Bugs
// is the reference solution.
type Bugs struct {
	VoteTwice            bool // grants a vote without checking votedFor
	NoUpToDateCheck      bool // grants a vote without the §5.4.1 up-to-date-log check
	CommitOldTerm        bool // commits an earlier term's entry by counting replicas (Figure 8)
	ReplyBeforePersist   bool // answers at once and writes state to disk only on the next timer
	TruncateOnMatch      bool // truncates the log at the first new entry even when it matches
	AcceptStaleReplies   bool // acts on replies from an earlier term
	FixedElectionTimeout bool // election timeout not randomized
	NoResetOnVote        bool // does not reset the election timer when granting a vote
	ApplyTwice           bool // off by one: applies lastApplied again with each new batch
	CommitBeyondNew      bool // follower commits up to leaderCommit even past the last new entry
	InstallStaleSnapshot bool // installs an InstallSnapshot older than what it has applied
	NoStepDown           bool // a leader ignores a higher term in every reply (AppendEntries, InstallSnapshot, a late RequestVote) and stays leader; requests still step it down
	SyncAfterReply       bool // writes and syncs its state after sending the replies of the same handler
	HalfQuorum           bool // counts half the cluster as a quorum: right for odd sizes only
	DeleteWithCheckpoint bool // deletes the records a checkpoint covers in the checkpoint's own Sync
}
