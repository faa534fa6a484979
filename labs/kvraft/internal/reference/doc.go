// Package reference is the reference kvraft service, parameterized by Bugs
// so that each mutant of the lab is the same code with one mistake switched
// on. The zero Bugs is the reference solution, which the lab's suite
// (kvraftlab/reference.go) grades as its Solution.
//
// A Server (server.go) hosts a Raft peer: it hands Raft its own messages
// and RaftTimers, proposes each clerk Request, and remembers it at the
// index Propose returned. Raft's apply callback executes each entry once
// (the dedup table maps a clerk to its last sequence number and result,
// inside the replicated state) and answers the request waiting at that
// index: OK if the same request was applied there, ErrWrongLeader if
// another entry took its place. Every handler ends with settle, which
// gives up on waiting requests when the term changes or leadership is
// lost, and snapshots data and dedup table when storage reaches
// MaxRaftState.
//
// A Clerk (clerk.go) runs one request at a time, numbered from 1, and
// moves to the next server on ErrWrongLeader or a timeout.
package reference
