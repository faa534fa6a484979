// Package kvraft is the interface of the kvraft lab: a linearizable
// key/value service replicated with Raft.
//
// A student writes a package kvraft with two constructors, bound into an
// Impl: NewServer builds a server node, which hosts one Raft peer (built
// with ServerConfig.Raft and started with a NewRaftEnv) and the key/value
// state machine; NewClerk builds a client node, which the test drives with
// Submit and which reports each request done exactly once.
//
// The package names Raft's types (RaftNode, ApplyMsg), so that a student's
// package imports no other package of the platform but labs/node.
//
// A server routes its events: a message of the service's own types is the
// service's, any other message is Raft's; a RaftTimer is Raft's timer.
// Operations go through the log (Propose), take effect when Raft applies
// them, and are deduplicated by (clerk, sequence number) inside the
// replicated state, so that a retried request runs once. When the node's
// storage reaches ServerConfig.MaxRaftState bytes, the server snapshots its
// state (with the deduplication table) and Raft trims its log.
//
// The suite (kvraftlab) records every clerk's calls and returns in virtual
// time and checks the history for linearizability with porcupine.
package kvraft
