package reference

import "github.com/faultline-dev/faultline/labs/node"

// Entry is one log entry.
type Entry struct {
	Term    int
	Command []byte
}

// RequestVote is sent by candidates to gather votes (Figure 2, §5.2).
type RequestVote struct {
	Term         int
	Candidate    node.ID
	LastLogIndex int
	LastLogTerm  int
}

// RequestVoteReply answers a RequestVote.
type RequestVoteReply struct {
	Term    int
	Granted bool
}

// AppendEntries replicates log entries and is the heartbeat (Figure 2, §5.3).
type AppendEntries struct {
	Term         int
	Leader       node.ID
	PrevLogIndex int
	PrevLogTerm  int
	Entries      []Entry
	LeaderCommit int
}

// AppendEntriesReply answers an AppendEntries. On success Match is the last
// index the follower now knows to match the leader's log. On failure the
// follower hints where to retry (§5.3, "the follower can include the term
// of the conflicting entry and the first index it stores for that term"):
// ConflictTerm is 0 when the follower's log is too short, and then
// ConflictIndex is its length plus one.
type AppendEntriesReply struct {
	Term          int
	Success       bool
	Match         int
	ConflictTerm  int
	ConflictIndex int
}

// InstallSnapshot sends the leader's snapshot to a follower whose next
// entry the leader has already discarded (§7).
type InstallSnapshot struct {
	Term              int
	Leader            node.ID
	LastIncludedIndex int
	LastIncludedTerm  int
	Data              []byte
}

// InstallSnapshotReply answers an InstallSnapshot.
type InstallSnapshotReply struct {
	Term              int
	LastIncludedIndex int
}

// Timer values.
type (
	electionTimeout struct{ Epoch int }
	heartbeat       struct{ Epoch int }
)
