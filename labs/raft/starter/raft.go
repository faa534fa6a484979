// Package raft is where you write your Raft. Edit this file (and add
// others in this package if you like); `faultline grade raft` in your
// workspace runs the Raft suite against New, in a separate process.
//
// Work through the lessons in order:
//
//   - Part A (lesson 09, raft-election): terms, RequestVote, randomized
//     election timeouts, heartbeats. State must report the truth.
//   - Part B (lesson 10, raft-replication): AppendEntries, the log, commit
//     and apply, Propose.
//   - Part C (lesson 11, raft-persistence): save currentTerm, votedFor and
//     the log with Env.Storage, and Sync before you answer.
//   - Part D (lesson 12, raft-snapshots): Snapshot, InstallSnapshot, a log
//     that starts after the snapshot.
//
// Rules: no goroutines, channels, locks, wall clock or global randomness.
// Use only the Env you get in Start.
package raft

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// Raft is one peer.
type Raft struct {
	id    node.ID
	env   node.Env
	apply func(raft.ApplyMsg)

	// TODO(part A, lesson raft-election#state): the persistent state of
	// Figure 2 (currentTerm, votedFor, log[]) and the volatile state
	// (commitIndex, lastApplied; nextIndex[] and matchIndex[] on leaders).
	term int
}

// RequestVote is the candidate's request for a vote. Add the fields of
// Figure 2 (lesson raft-election#requestvote).
type RequestVote struct {
	Term int
	// TODO(part A): Candidate, LastLogIndex, LastLogTerm.
}

// RequestVoteReply answers a RequestVote.
type RequestVoteReply struct {
	Term    int
	Granted bool
}

// TODO(part B, lesson raft-replication#appendentries): AppendEntries and
// its reply. TODO(part D, lesson raft-snapshots#installsnapshot):
// InstallSnapshot and its reply.

// electionTimeout is the election timer's value. TODO(part A, lesson
// raft-election#timers): add an epoch so that a stale timer is recognised.
type electionTimeout struct{}

// New returns a new peer. The grader calls it at boot and after every crash.
func New(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
	return &Raft{id: id, apply: apply}
}

// Start is called at boot and after every restart.
func (r *Raft) Start(env node.Env) {
	r.env = env
	// TODO(part C, lesson raft-persistence#restore): load what you saved.
	// TODO(part A, lesson raft-election#timeouts): use a randomized
	// timeout (env.Rand()), not a fixed one, or split votes repeat.
	env.SetTimer(500*time.Millisecond, electionTimeout{})
}

// HandleTimer is called when a timer fires.
func (r *Raft) HandleTimer(timer any) {
	switch timer.(type) {
	case electionTimeout:
		// TODO(part A, lesson raft-election#elections): if no leader has
		// been heard from, become a candidate: increment the term, vote
		// for yourself, send RequestVote to every peer, and set a new
		// election timer.
	}
}

// HandleMessage is called when a message arrives.
func (r *Raft) HandleMessage(from node.ID, m node.Message) {
	switch m.(type) {
	case RequestVote:
		// TODO(part A, lesson raft-election#voting): grant at most one
		// vote per term, only to an up-to-date candidate (§5.4.1).
	case RequestVoteReply:
		// TODO(part A): count votes; a majority makes you leader.
	}
}

// State returns the current term and whether this node is the leader.
func (r *Raft) State() (term int, isLeader bool) {
	// TODO(part A): report the truth.
	return r.term, false
}

// Optional: add Role() string ("leader", "candidate" or "follower") and the
// trace viewer shows each node's role; add LastIndex() int and
// TermAt(index int) (term int, ok bool) (raft.LogReader) once your log
// exists, and the suite checks leader completeness the moment a leader is
// elected. Both must only read the node.

// Propose appends command to the log if this node is the leader.
func (r *Raft) Propose(command []byte) (index, term int, isLeader bool) {
	// TODO(part B, lesson raft-replication#propose): if leader, append
	// the entry, start replicating it, and return its index.
	return 0, r.term, false
}

// Snapshot says the service has a snapshot up to and including index.
func (r *Raft) Snapshot(index int, snapshot []byte) {
	// TODO(part D, lesson raft-snapshots#trimming): save the snapshot and
	// discard the log up to index.
}
