package reference

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// Request is a clerk's operation, numbered (Client, Seq).
type Request struct {
	Client node.ID
	Seq    int
	Op     shardkv.Op
}

// Reply answers request Seq: OK, ErrWrongLeader or ErrWrongGroup.
type Reply struct {
	Seq   int
	Err   string
	Value string
}

// PullRequest asks a group for shard Shard as it was when configuration
// Num took it away.
type PullRequest struct {
	Num, Shard int
}

// PullReply carries the shard: its data and its duplicate table.
type PullReply struct {
	Num, Shard int
	Data       map[string]string
	Last       map[node.ID]result
}

// GCRequest asks the previous owner of Shard to delete the copy that
// configuration Num took away: the asker has installed it.
type GCRequest struct {
	Num, Shard int
}

// GCReply says the copy is deleted.
type GCReply struct {
	Num, Shard int
}

// result is what a shard remembers of a clerk's latest request on it.
type result struct {
	Seq   int
	Value string
}

// entry is one entry of a group's log: a clerk's request, the next
// configuration, or a shard that arrived.
type entry struct {
	Req     *Request        `json:",omitempty"`
	Config  *shardkv.Config `json:",omitempty"`
	Install *PullReply      `json:",omitempty"`
	Delete  *GCRequest      `json:",omitempty"` // the new owner has this shard: drop the copy
	Forget  *GCReply        `json:",omitempty"` // the old owner dropped its copy: stop asking
	// Lead is the no-op a new leader proposes in its term (Raft §8):
	// only an entry of its own term commits its predecessor's entries
	// (§5.4.2), and a group pulling shards may propose nothing else.
	Lead int `json:",omitempty"`
}

// waiting is a request proposed at some index, waiting to be applied.
type waiting struct {
	client node.ID
	seq    int
	term   int
}

// retry is the clerk's timer; tick is the group server's.
type (
	retry struct{ Seq int }
	again struct{ Seq int } // ask the controller again
	tick  struct{}
)

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // our own types always encode
	}
	return b
}

// abandon answers the waiting requests, in index order, with reply.
func abandon(env node.Env, ws map[int]waiting, reply func(waiting) node.Message) {
	for _, i := range slices.Sorted(maps.Keys(ws)) {
		w := ws[i]
		delete(ws, i)
		env.Send(w.client, reply(w))
	}
}
