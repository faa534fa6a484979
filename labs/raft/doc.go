// Package raft is the interface of the Raft lab: what a student implements
// and what the tests' service calls.
//
// A Raft peer is a node.Node, an event-driven state machine: the simulator
// calls Start when the node boots (or reboots after a crash), HandleMessage
// when a message arrives, and HandleTimer when a timer fires. The peer talks
// to the others only with Env.Send, keeps time only with Env.SetTimer, and
// keeps its durable state (currentTerm, votedFor, log, snapshot: Figure 2 of
// the paper) with Env.Storage, calling Sync before it answers a request that
// depends on that state.
//
// Around each peer runs a service, which makes three calls:
//
//	index, term, isLeader := n.Propose(cmd) // append cmd if leader
//	term, isLeader := n.State()             // what the node believes
//	n.Snapshot(index, data)                 // "trim your log up to index"
//
// and receives, through the apply callback given to the Factory, every
// committed entry and every installed snapshot as an ApplyMsg, in log order,
// exactly once. Students define their own message types (RequestVote,
// AppendEntries, InstallSnapshot and their replies): plain structs of
// values; exported fields are shown in traces.
//
// A minimal skeleton:
//
//	type Raft struct {
//		id    node.ID
//		env   node.Env
//		apply func(raft.ApplyMsg)
//		// Figure 2 state here.
//	}
//
//	func New(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
//		return &Raft{id: id, apply: apply}
//	}
//
//	func (r *Raft) Start(env node.Env) { r.env = env; /* load, set the election timer */ }
//
// The graded suite (package raftlab) checks, after every event of every
// run, that at most one node leads each term, that no two nodes apply
// different commands at one index, that applied indexes grow by one without
// gaps, that terms never go back, and that a leader's log holds every
// committed entry.
package raft
