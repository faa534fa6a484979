// Package kvraft is where you implement the kvraft lab: a linearizable
// key/value service on Raft. Read the lesson "Linearizability"
// (faultline read linearizability) first, and the lab's task
// (faultline task kvraft).
package kvraft

import (
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// TODO: define your message types: a request from a clerk carrying its
// client ID, sequence number and operation, and a reply carrying the
// sequence number, an error (OK or ErrWrongLeader) and a Get's value.
// (Lesson: unreliable-networks#at-least-once-plus-idempotence.)

// server is one replica: a Raft peer plus the key/value state machine.
type server struct {
	id  node.ID
	cfg kvraft.ServerConfig
	env node.Env
	rf  kvraft.RaftNode
	// TODO: the replicated state (the data and the duplicate table), the
	// index of the last applied entry, and the requests waiting for their
	// entry to be applied, by log index.
}

// NewServer builds a server.
func NewServer(id node.ID, cfg kvraft.ServerConfig) kvraft.Server {
	return &server{id: id, cfg: cfg}
}

// Start boots the server and its Raft peer (again after every restart).
func (s *server) Start(env node.Env) {
	s.env = env
	s.rf = s.cfg.Raft(s.id, s.apply)
	s.rf.Start(kvraft.NewRaftEnv(env, s.cfg.Servers))
}

// HandleMessage takes a clerk's request, or hands Raft its message.
func (s *server) HandleMessage(from node.ID, m node.Message) {
	// TODO: when m is your request type, handle it: answer a duplicate
	// from the duplicate table; otherwise Propose the operation and
	// remember the request at the returned index (ErrWrongLeader if not
	// the leader). (Lesson: linearizability#stale-reads-from-a-deposed-leader.)
	s.rf.HandleMessage(from, m)
	s.settle()
}

// HandleTimer hands Raft its timers.
func (s *server) HandleTimer(t any) {
	if rt, ok := t.(kvraft.RaftTimer); ok {
		s.rf.HandleTimer(rt.Timer)
	}
	s.settle()
}

// apply is called by Raft for every committed entry and installed snapshot.
func (s *server) apply(m kvraft.ApplyMsg) {
	// TODO: apply each command once, by (client, sequence number), and
	// answer the request waiting at its index: OK if it is the same
	// request, ErrWrongLeader if another entry took its place. Install a
	// snapshot's data and duplicate table. (Lesson:
	// unreliable-networks#at-least-once-plus-idempotence.)
}

// settle runs at the end of every handler.
func (s *server) settle() {
	// TODO: if Raft's term changed or it lost leadership, answer
	// ErrWrongLeader to every waiting request (lesson:
	// linearizability#stale-reads-from-a-deposed-leader). When cfg.MaxRaftState >= 0 and
	// s.env.Storage().Size() reaches it, call s.rf.Snapshot with the last
	// applied index and your encoded state, duplicate table included
	// (lesson: raft-snapshots#trimming).
}

// clerk is a client: it runs the test's operations one at a time.
type clerk struct {
	id      node.ID
	servers []node.ID
	done    kvraft.Done
	env     node.Env
	// TODO: the server believed to lead, this clerk's sequence number, the
	// request in flight and its retry timer.
}

// NewClerk builds a clerk.
func NewClerk(id node.ID, servers []node.ID, done kvraft.Done) kvraft.Clerk {
	return &clerk{id: id, servers: servers, done: done}
}

func (c *clerk) Start(env node.Env) { c.env = env }

// Submit starts request req.
func (c *clerk) Submit(req int, op kvraft.Op) {
	// TODO: number the request, send it to the server you believe leads,
	// and set a timer to try the next server if no answer comes.
	// (Lesson: unreliable-networks#choosing-the-retry-timer.)
}

func (c *clerk) HandleMessage(from node.ID, m node.Message) {
	// TODO: on OK for the request in flight, call c.done(req, value) once;
	// on ErrWrongLeader, try the next server.
}

func (c *clerk) HandleTimer(t any) {
	// TODO: on the timer of the request in flight, try the next server.
}
