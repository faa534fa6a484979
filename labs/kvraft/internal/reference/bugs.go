package reference

// Bugs switches on one realistic mistake per field, so that each mutant of
// the lab is the reference plus one flag. The zero Bugs is the reference.
type Bugs struct {
	StaleReads        bool // a leader answers Get from its own state, without the log
	LocalDedup        bool // duplicates are detected in a table of the server that answered, not in the replicated state
	InstallKeepsDedup bool // installing a snapshot replaces the data but keeps the server's own (older) dedup table
	AnswerEarly       bool // answers as soon as Raft accepts the proposal, before it is applied
	SnapshotNoDedup   bool // the snapshot holds the data but not the dedup table
	NoLeaderCheck     bool // answers the request waiting at an index with whatever entry was applied there; ignores term changes
	NoRetryOnTimeout  bool // the clerk waits forever for a server that does not answer
	ReuseSeq          bool // the clerk numbers only its writes, so a Get reuses the number of the write before it
	NeverSnapshot     bool // ignores MaxRaftState: the log grows without bound
	LatestOnlyDedup   bool // a request is a duplicate only if it repeats its clerk's latest: an older one, delayed in the network, runs again
	NoRoundPause      bool // the clerk asks the next server at once after every refusal, never pausing after a round: while no server leads, it storms them
	// SplitApplied persists the state machine itself, beside Raft's
	// snapshots: the data and dedup table under one key and the applied
	// index under another, written in one Sync. A Sync torn between the
	// two leaves an applied index ahead of the state on disk, and the
	// entries between are never applied again after a restart.
	SplitApplied bool
}
