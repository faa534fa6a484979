package shardkv

import (
	"slices"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// StartRaft builds the Raft peer of a server among servers (its
// controller cluster or its replica group) with factory, starts it, and
// returns it. Call it from the server's Start.
//
// Raft sees the servers as n1..nK, as in the Raft lab (a Raft may index
// its peers by ID), and nothing else: the returned node's HandleMessage
// takes the sender's real ID and drops messages from outside the servers;
// what Raft sends goes to the real servers; a timer Raft sets fires in the
// server as a RaftTimer, to hand to the returned node's HandleTimer.
func StartRaft(factory raft.Factory, env node.Env, servers []node.ID, apply func(ApplyMsg)) RaftNode {
	servers = slices.Clone(servers) // the peer's routing is its own, whatever the caller does with its slice
	self := slices.Index(servers, env.ID()) + 1
	n := &localRaft{Node: factory(node.ID(self), apply), servers: servers}
	var peers []node.ID
	for i := range servers {
		if i+1 != self {
			peers = append(peers, node.ID(i+1))
		}
	}
	n.Node.Start(&raftEnv{Env: env, self: node.ID(self), peers: peers, servers: servers})
	return n
}

// localRaft translates senders' IDs to the peer's local numbering.
type localRaft struct {
	raft.Node
	servers []node.ID
}

func (r *localRaft) HandleMessage(from node.ID, m node.Message) {
	if i := slices.Index(r.servers, from); i >= 0 {
		r.Node.HandleMessage(node.ID(i+1), m)
	}
}

// raftEnv is the Env a Raft peer sees: local IDs, and its timers wrapped.
type raftEnv struct {
	node.Env
	self    node.ID
	peers   []node.ID
	servers []node.ID
}

func (e *raftEnv) ID() node.ID      { return e.self }
func (e *raftEnv) Peers() []node.ID { return e.peers }
func (e *raftEnv) Send(to node.ID, m node.Message) {
	if to >= 1 && int(to) <= len(e.servers) {
		e.Env.Send(e.servers[to-1], m)
	}
}

func (e *raftEnv) SetTimer(after time.Duration, timer any) node.TimerID {
	return e.Env.SetTimer(after, RaftTimer{Timer: timer})
}
