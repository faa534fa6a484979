package raft

import (
	"fmt"

	"github.com/faultline-dev/faultline/labs/node"
)

// ApplyMsg is what Raft hands to its service: either one committed log
// entry (CommandValid) or a snapshot that replaces the service's state
// (SnapshotValid), never both.
type ApplyMsg struct {
	CommandValid bool
	Command      []byte
	CommandIndex int // the entry's index in the log, from 1
	CommandTerm  int // the term of the entry (the term it was proposed in)

	SnapshotValid bool
	Snapshot      []byte
	SnapshotIndex int // the last log index the snapshot covers
	SnapshotTerm  int // the term of that entry
}

// Node is one Raft peer: a node.Node driven by the simulator, plus the calls
// its service makes between events.
//
// The paper and most courses call Propose "Start"; node.Node already has a
// Start (the boot event), so the service's call is named as in etcd.
type Node interface {
	node.Node

	// Propose asks Raft to append command to the log. If this node is not
	// the leader it returns isLeader == false and does nothing. Otherwise
	// it appends the entry and returns at once, without waiting for the
	// entry to commit: index is where the entry will be if it ever
	// commits, term is the leader's current term. Raft keeps its own copy
	// of command.
	Propose(command []byte) (index, term int, isLeader bool)

	// State returns the node's current term and whether it believes it is
	// the leader. It must not change the node.
	State() (term int, isLeader bool)

	// Snapshot tells Raft that the service has a snapshot of its state
	// that includes every entry up to and including index. Raft keeps
	// the snapshot durably (with its own state) and may discard its log
	// up to index. Raft keeps its own copy of snapshot.
	Snapshot(index int, snapshot []byte)
}

// Factory builds a Raft node for node id. apply is the node's service:
// Raft calls it from inside its handlers (Start, HandleMessage,
// HandleTimer) for every committed entry and every installed snapshot, in
// log order, each exactly once per incarnation. After a restart, a node
// that has a snapshot hands it to apply first (from Start), then the
// entries after it as they are known to be committed.
//
// apply never calls back into the node: the service makes its Snapshot
// calls later, as separate calls.
type Factory func(id node.ID, apply func(ApplyMsg)) Node

// Roler is an optional interface: a node that implements it tells traces
// and the viewer whether it is a "leader", "candidate" or "follower".
type Roler interface {
	Role() string
}

// LogReader is an optional interface: a node that implements it lets the
// suite read its log between events, so leader completeness (§5.4: a
// leader holds every entry committed before its term) is checked the
// moment a node reports that it leads, and after each of its events while
// it leads, instead of only when the service calls Propose. The reference
// solution implements it; a student's Raft gains the earlier, sharper
// failures by implementing it too. Both methods must not change the node.
type LogReader interface {
	// LastIndex returns the index of the last entry in the log, or of the
	// last entry the snapshot covers when no entry follows it; 0 when the
	// log is empty.
	LastIndex() int

	// TermAt returns the term of the entry at index. ok is false when the
	// log does not hold index: past its end, or discarded into a snapshot.
	TermAt(index int) (term int, ok bool)
}

// FactoryOf accepts what a lab holds as a Raft implementation: a Factory,
// or a plain function of its type (such as a student's New), and names
// what it got otherwise. The Raft lab's suite, the labs built on Raft and
// the model checker's Raft models all take their Raft through it.
func FactoryOf(impl any) (Factory, error) {
	switch f := impl.(type) {
	case Factory:
		return f, nil
	case func(node.ID, func(ApplyMsg)) Node:
		return f, nil
	}
	return nil, fmt.Errorf("the Raft is a %T; want a raft.Factory, func(id node.ID, apply func(raft.ApplyMsg)) raft.Node", impl)
}
