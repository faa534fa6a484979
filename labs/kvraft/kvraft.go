package kvraft

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// Kind is what an operation does.
type Kind string

// The three operations of the service.
const (
	Get    Kind = "Get"    // read a key's value ("" if it was never written)
	Put    Kind = "Put"    // replace a key's value
	Append Kind = "Append" // add to the end of a key's value
)

// Op is one client operation. Value is unused by Get.
type Op struct {
	Kind  Kind
	Key   string
	Value string
}

// Done is called by a clerk, once, when the operation of request req has
// taken effect; value is the key's value for a Get and "" otherwise.
type Done func(req int, value string)

// Clerk is a client node: it runs the test's operations against the
// service, one at a time.
type Clerk interface {
	node.Node
	// Submit asks the clerk to run op, the request numbered req. The test
	// calls Submit between events, like a handler, and only after the
	// clerk reported the previous request done; the clerk may Send and
	// SetTimer from it. It must call done(req, value) exactly once, after
	// op took effect exactly once.
	Submit(req int, op Op)
}

// Server is a service node: one Raft peer and the key/value state machine
// it replicates.
type Server interface {
	node.Node
}

// RaftNode and ApplyMsg are Raft's types (labs/raft), named here so that
// a server needs no other package of the platform than this one.
type (
	RaftNode = raft.Node
	ApplyMsg = raft.ApplyMsg
)

// ServerConfig is what the harness hands a server.
type ServerConfig struct {
	// Servers lists every server node (the Raft cluster), including this
	// one, in increasing order. Clerks are other nodes of the simulation.
	Servers []node.ID
	// Raft builds this server's Raft peer. Start it with an Env from
	// NewRaftEnv so that it sees only the servers as its peers.
	Raft raft.Factory
	// MaxRaftState bounds the bytes in the node's storage: when
	// env.Storage().Size() reaches it, the server snapshots its state and
	// calls Raft's Snapshot. A negative value means never snapshot.
	MaxRaftState int
}

// Impl is an implementation of the lab: its two constructors.
type Impl struct {
	NewServer func(id node.ID, cfg ServerConfig) Server
	NewClerk  func(id node.ID, servers []node.ID, done Done) Clerk
}

// RaftTimer is how a timer set by Raft through a RaftEnv comes back to the
// server's HandleTimer: hand Timer to the Raft peer's HandleTimer.
type RaftTimer struct{ Timer any }

// RaftEnv is the Env a server gives its Raft peer: the server's own Env,
// except that Peers lists only the other servers, and a timer Raft sets
// fires in the server as a RaftTimer, so that the server can tell Raft's
// timers from its own.
type RaftEnv struct {
	node.Env
	peers []node.ID
}

// NewRaftEnv wraps env for the Raft peer of a server among servers.
func NewRaftEnv(env node.Env, servers []node.ID) *RaftEnv {
	var peers []node.ID
	for _, id := range servers {
		if id != env.ID() {
			peers = append(peers, id)
		}
	}
	return &RaftEnv{Env: env, peers: peers}
}

// Peers returns the other servers.
func (e *RaftEnv) Peers() []node.ID { return e.peers }

// SetTimer sets a timer that fires in the server as RaftTimer{timer}.
func (e *RaftEnv) SetTimer(after time.Duration, timer any) node.TimerID {
	return e.Env.SetTimer(after, RaftTimer{timer})
}
