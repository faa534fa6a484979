package shardkv

import (
	"hash/fnv"
	"slices"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// NShards is the fixed number of shards the key space is split into.
const NShards = 10

// Key2Shard is the shard a key belongs to. Clerks and servers must both
// use it, so that they agree on where a key lives.
func Key2Shard(key string) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % NShards)
}

// Config is one numbered configuration of the controller: which replica
// group serves each shard. Configuration 0 is the initial one: no groups,
// every shard assigned to group 0 (no one).
type Config struct {
	Num    int
	Shards [NShards]int      // shard → group ID (GID); 0 means unassigned
	Groups map[int][]node.ID // GID → the group's servers
}

// Clone returns a deep copy of c.
func (c Config) Clone() Config {
	out := Config{Num: c.Num, Shards: c.Shards, Groups: map[int][]node.ID{}}
	for gid, srv := range c.Groups {
		out.Groups[gid] = slices.Clone(srv)
	}
	return out
}

// GIDs returns the configuration's group IDs in increasing order.
func (c Config) GIDs() []int {
	var out []int
	for gid := range c.Groups {
		out = append(out, gid)
	}
	slices.Sort(out)
	return out
}

// Op, Kind and their values are the kvraft lab's: the same three
// operations, now on a sharded service.
type (
	Op   = kvraft.Op
	Kind = kvraft.Kind
)

// The three operations of the service.
const (
	Get    = kvraft.Get
	Put    = kvraft.Put
	Append = kvraft.Append
)

// Done is called by a clerk, once, when the operation of request req has
// taken effect; value is the key's value for a Get and "" otherwise.
type Done = kvraft.Done

// Clerk is a client node: it runs the test's operations, one at a time.
type Clerk interface {
	node.Node
	// Submit asks the clerk to run op, request number req, exactly as in
	// the kvraft lab: done(req, value) must be called exactly once, after
	// op took effect exactly once.
	Submit(req int, op Op)
}

// Server is a node of the service: a controller replica or a group server.
type Server interface {
	node.Node
}

// RaftNode, ApplyMsg and RaftTimer are the Raft and kvraft labs' types,
// named here so that a student's package imports no other package of the
// platform than this one and labs/node.
type (
	RaftNode  = raft.Node
	ApplyMsg  = raft.ApplyMsg
	RaftTimer = kvraft.RaftTimer
)

// ControllerConfig is what the harness hands a controller replica.
type ControllerConfig struct {
	// Controllers lists every controller replica (its Raft cluster), in
	// increasing order, including this one.
	Controllers []node.ID
	// Raft builds this replica's Raft peer; start it with StartRaft.
	Raft raft.Factory
}

// ServerConfig is what the harness hands a group server.
type ServerConfig struct {
	// GID is this server's replica group.
	GID int
	// Servers lists the group's servers (its Raft cluster), in increasing
	// order, including this one.
	Servers []node.ID
	// Controllers lists the controller replicas to query.
	Controllers []node.ID
	// Raft builds this server's Raft peer; start it with StartRaft.
	Raft raft.Factory
	// MaxRaftState bounds the bytes in the node's storage: when
	// env.Storage().Size() reaches it, the server snapshots its state and
	// calls Raft's Snapshot. A negative value means never snapshot.
	MaxRaftState int
}

// Impl is an implementation of the lab: its three constructors.
type Impl struct {
	NewController func(id node.ID, cfg ControllerConfig) Server
	NewServer     func(id node.ID, cfg ServerConfig) Server
	NewClerk      func(id node.ID, controllers []node.ID, done Done) Clerk
}
