package shardkv

import "github.com/faultline-dev/faultline/labs/node"

// CtrlKind is what a controller operation does.
type CtrlKind string

// The controller's four operations.
const (
	Join  CtrlKind = "Join"  // add the groups in Groups; rebalance
	Leave CtrlKind = "Leave" // remove the groups in GIDs; rebalance
	Move  CtrlKind = "Move"  // assign Shard to GID, without rebalancing
	Query CtrlKind = "Query" // the configuration numbered Num; the latest if Num is -1 or too large
)

// CtrlOp is one controller operation; each kind uses only its fields.
type CtrlOp struct {
	Kind   CtrlKind
	Groups map[int][]node.ID // Join
	GIDs   []int             // Leave
	Shard  int               // Move
	GID    int               // Move
	Num    int               // Query
}

// CtrlRequest is the message a controller replica takes. Join, Leave and
// Move run exactly once per (Client, Seq); a Query changes nothing and
// need not be deduplicated (a restarted server numbers its queries anew).
type CtrlRequest struct {
	Client node.ID
	Seq    int
	Op     CtrlOp
}

// CtrlReply answers CtrlRequest Seq of the node it is sent to. Err is OK
// or ErrWrongLeader; Config is the answer to a Query.
type CtrlReply struct {
	Seq    int
	Err    string
	Config Config
}

// Errors a reply carries.
const (
	OK             = "OK"
	ErrWrongLeader = "ErrWrongLeader"
	ErrWrongGroup  = "ErrWrongGroup"
)
