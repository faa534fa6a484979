package reference

import (
	"encoding/json"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// Request is a clerk's operation, numbered (Client, Seq) so that the
// service runs it once however many copies arrive.
type Request struct {
	Client node.ID
	Seq    int
	Op     kvraft.Op
}

// Reply answers the request Seq of the clerk it is sent to.
type Reply struct {
	Seq   int
	Err   string // OK or ErrWrongLeader
	Value string
}

// Errors a Reply carries.
const (
	OK             = "OK"
	ErrWrongLeader = "ErrWrongLeader"
)

// retry is the clerk's timer: resend request Seq, to the next server if
// next.
type retry struct {
	Seq  int
	Next bool
}

// result is what the service remembers of a clerk's latest request.
type result struct {
	Seq   int
	Value string
}

// state is the replicated state machine: the data and the dedup table,
// both in every snapshot, so that a restarted server still knows what it ran.
type state struct {
	Data map[string]string
	Last map[node.ID]result
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // our own types always encode
	}
	return b
}
