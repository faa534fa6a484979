// Package shardkv is where you implement the shardkv lab: a sharded
// key/value service with a controller, reconfiguration and shard
// migration. Read the lesson "Partitioning and sharding" (faultline read
// partitioning-and-sharding) and the lab's task (its page in the terminal
// UI or on the site; the source is labs/shardkv/shardkvlab/task.md).
package shardkv

import (
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// controller is one replica of the shard controller: a Raft peer plus the
// list of configurations.
type controller struct {
	id  node.ID
	cfg shardkv.ControllerConfig
	env node.Env
	rf  shardkv.RaftNode
	// TODO: the configurations (configuration 0 has no groups), the
	// duplicate table of Join/Leave/Move, the requests waiting by index.
}

// NewController builds a controller replica.
func NewController(id node.ID, cfg shardkv.ControllerConfig) shardkv.Server {
	return &controller{id: id, cfg: cfg}
}

// Start boots the replica and its Raft peer (again after every restart).
func (c *controller) Start(env node.Env) {
	c.env = env
	c.rf = shardkv.StartRaft(c.cfg.Raft, env, c.cfg.Controllers, c.apply)
}

// HandleMessage takes a shardkv.CtrlRequest, or hands Raft its message.
func (c *controller) HandleMessage(from node.ID, m node.Message) {
	if _, ok := m.(shardkv.CtrlRequest); ok {
		// TODO: propose the request; answer with a CtrlReply once applied
		// (ErrWrongLeader if this replica does not lead).
		return
	}
	c.rf.HandleMessage(from, m)
}

// HandleTimer hands Raft its timers.
func (c *controller) HandleTimer(t any) {
	if rt, ok := t.(shardkv.RaftTimer); ok {
		c.rf.HandleTimer(rt.Timer)
	}
}

// apply executes a committed entry: Join and Leave add or remove groups
// and rebalance (deterministically, moving as few shards as possible),
// Move assigns one shard, Query reads a configuration.
func (c *controller) apply(m shardkv.ApplyMsg) {
	// TODO
}

// server is one server of a replica group.
type server struct {
	id  node.ID
	cfg shardkv.ServerConfig
	env node.Env
	rf  shardkv.RaftNode
	// TODO: the current configuration, each shard's state (not ours,
	// serving, waiting for its data), each shard's data and duplicate
	// table, the shards given away (kept for their new owner), the
	// requests waiting by index, and a shardkv.CtrlClerk to poll the
	// controller for the next configuration.
}

// NewServer builds a group server.
func NewServer(id node.ID, cfg shardkv.ServerConfig) shardkv.Server {
	return &server{id: id, cfg: cfg}
}

// Start boots the server and its Raft peer (again after every restart).
func (s *server) Start(env node.Env) {
	s.env = env
	s.rf = shardkv.StartRaft(s.cfg.Raft, env, s.cfg.Servers, s.apply)
	// TODO: set a timer to poll the controller for the next configuration.
}

// HandleMessage takes clerks' requests, controller replies and other
// groups' shard transfers, or hands Raft its message.
func (s *server) HandleMessage(from node.ID, m node.Message) {
	// TODO: route your own message types before Raft's.
	s.rf.HandleMessage(from, m)
}

// HandleTimer hands Raft its timers, and handles your own.
func (s *server) HandleTimer(t any) {
	if rt, ok := t.(shardkv.RaftTimer); ok {
		s.rf.HandleTimer(rt.Timer)
	}
}

// apply executes a committed entry: a clerk's operation (only on a shard
// this group serves), the next configuration (only the next one, and only
// once every incoming shard arrived), or an arrived shard.
func (s *server) apply(m shardkv.ApplyMsg) {
	// TODO
}

// clerk is a client node.
type clerk struct {
	id          node.ID
	controllers []node.ID
	done        shardkv.Done
	env         node.Env
	// TODO: the latest configuration, the request in flight and its
	// sequence number, a shardkv.CtrlClerk to query the controller.
}

// NewClerk builds a clerk.
func NewClerk(id node.ID, controllers []node.ID, done shardkv.Done) shardkv.Clerk {
	return &clerk{id: id, controllers: controllers, done: done}
}

// Start boots the clerk.
func (c *clerk) Start(env node.Env) { c.env = env }

// Submit runs op (request req): send it to the group that serves its
// shard (shardkv.Key2Shard), retry on a timeout or ErrWrongLeader, ask the
// controller for the latest configuration on ErrWrongGroup, and call
// c.done(req, value) exactly once.
func (c *clerk) Submit(req int, op shardkv.Op) {
	// TODO
}

// HandleMessage takes replies from groups and from the controller.
func (c *clerk) HandleMessage(from node.ID, m node.Message) {
	// TODO
}

// HandleTimer takes the clerk's timers.
func (c *clerk) HandleTimer(t any) {
	// TODO
}
