package trace

import (
	"encoding/json"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
)

// Format and Version identify the trace format in every header. Version
// changes whenever a field changes meaning; readers reject other versions.
const (
	Format  = "faultline-trace"
	Version = 1
)

// Header is the first line of a trace: what ran, with which seed, on how many
// nodes, under which faults.
type Header struct {
	Format   string          `json:"format"`
	Version  int             `json:"version"`
	Lab      string          `json:"lab,omitempty"`
	Test     string          `json:"test,omitempty"`
	Impl     string          `json:"impl,omitempty"`
	Scenario string          `json:"scenario,omitempty"`
	Seed     uint64          `json:"seed"`
	Nodes    []node.ID       `json:"nodes"`
	Faults   faults.Model    `json:"faults"`
	Schedule faults.Schedule `json:"schedule,omitempty"`
	// Drop names the scheduled faults and workload steps left out of the
	// run (a shrunk run), as suite.Item names: "fault#3", "op@1.2s".
	// `faultline grade --replay` runs exactly this run again.
	Drop []string `json:"drop,omitempty"`
}

// Kind is what a record describes.
type Kind string

// The record kinds. Node is where the event happens; Peer is the other end.
const (
	Start       Kind = "start"        // Node booted for the first time
	Send        Kind = "send"         // Node sent message Msg to Peer
	Deliver     Kind = "deliver"      // Node received message Msg from Peer
	Drop        Kind = "drop"         // message Msg from Peer to Node was lost; Text says why
	Dup         Kind = "dup"          // the network duplicated message Msg from Node to Peer
	TimerSet    Kind = "timer_set"    // Node set Timer to fire after Data's duration
	TimerFire   Kind = "timer_fire"   // Node's Timer fired
	TimerCancel Kind = "timer_cancel" // Node cancelled Timer
	Crash       Kind = "crash"        // Node crashed
	Restart     Kind = "restart"      // Node restarted from its synced storage
	Pause       Kind = "pause"        // Node was paused
	Resume      Kind = "resume"       // Node resumed
	Partition   Kind = "partition"    // the network's reachability changed; Data is the fault event
	Clock       Kind = "clock"        // Node's clock skew or drift changed
	Log         Kind = "log"          // Node logged Text
	Call        Kind = "call"         // the test called into Node; Text names the call
	Return      Kind = "return"       // the call into Node returned; Text is the result
	Check       Kind = "check"        // a check ran; Text is its name, Verdict pass or fail, Data detail
	Misuse      Kind = "misuse"       // Node used its Env wrongly; Text says how
	State       Kind = "state"        // the lab observed Node's state; Data is it (for Raft: role, term)
	Panic       Kind = "panic"        // Node's handler panicked; Text is the value
	Note        Kind = "note"         // the test wrote Text
)

// kinds maps each kind to itself, so that a reader can both check a kind
// and swap a decoded copy for the constant.
var kinds = func() map[Kind]Kind {
	m := map[Kind]Kind{}
	for _, k := range []Kind{Start, Send, Deliver, Drop, Dup, TimerSet, TimerFire, TimerCancel, Crash, Restart,
		Pause, Resume, Partition, Clock, Log, Call, Return, Check, Misuse, State, Panic, Note} {
		m[k] = k
	}
	return m
}()

// Known reports whether k is a kind this version defines.
func (k Kind) Known() bool { _, ok := kinds[k]; return ok }

// IsMessage reports whether records of kind k follow one message.
func (k Kind) IsMessage() bool { return k == Send || k == Deliver || k == Drop || k == Dup }

// Record is one event. Zero fields are omitted on the wire.
type Record struct {
	// T is the virtual time of the event, in nanoseconds since the run began.
	T int64 `json:"t"`
	// Kind says what happened.
	Kind Kind `json:"k"`
	// Node is where it happened (0 for cluster-wide events).
	Node node.ID `json:"n,omitempty"`
	// Peer is the other node: the receiver of a send or dup, the sender of a
	// deliver or drop.
	Peer node.ID `json:"peer,omitempty"`
	// Msg identifies a message, linking its send to its deliveries and drops.
	Msg uint64 `json:"msg,omitempty"`
	// Type is a message's Go type name, or a timer value's.
	Type string `json:"type,omitempty"`
	// Size is a message's size in bytes as the simulator counts it.
	Size int `json:"size,omitempty"`
	// Timer identifies a timer, linking its set, fire and cancel.
	Timer uint64 `json:"timer,omitempty"`
	// Text is a log line, a drop reason, a call, a check name or a misuse.
	Text string `json:"text,omitempty"`
	// Verdict is "pass" or "fail" on a check record.
	Verdict string `json:"verdict,omitempty"`
	// Data is a message's payload, a timer's value, a fault event or a node
	// state, as JSON.
	Data json.RawMessage `json:"data,omitempty"`
}

// Time returns r.T as a duration.
func (r *Record) Time() time.Duration { return time.Duration(r.T) }
