package node

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// ID names a node in a cluster. IDs start at 1 and are printed as n1, n2, ...
type ID int

// String returns the node's printed name, such as "n3".
func (id ID) String() string { return "n" + strconv.Itoa(int(id)) }

// Message is any value sent between nodes. The simulator copies it at Send;
// its exported fields appear in traces.
type Message any

// TimerID identifies a timer set with Env.SetTimer. The zero TimerID is never
// returned for a live timer, so it can be used to mean "no timer".
type TimerID uint64

// Node is what a student implements. The simulator calls one method at a time.
type Node interface {
	// Start is called when the node boots and again after every restart. The
	// node must keep env to act later; a restarted node gets a fresh value and
	// must rebuild its state from env.Storage().
	Start(env Env)
	// HandleMessage is called when msg from node from is delivered.
	HandleMessage(from ID, msg Message)
	// HandleTimer is called when a timer set with Env.SetTimer fires; timer is
	// the value that was passed to SetTimer.
	HandleTimer(timer any)
}

// Factory builds a fresh node: at the start of a run and at every restart
// after a crash. It must not share mutable state between the nodes it makes.
type Factory func(id ID) Node

// Env is a node's only window on the world. Its methods may be called only
// from inside the node's handlers (Start, HandleMessage, HandleTimer, and the
// lab's calls); the simulator records every call in the run's trace. Each
// incarnation gets its own Env; one kept past a crash does nothing. One
// handler may call its Env a bounded number of times (a million by
// default): a handler that loops without end is stopped there.
type Env interface {
	// ID returns this node's ID.
	ID() ID
	// Peers returns the IDs of every other node in the cluster, in increasing
	// order. Each incarnation of a node gets its own slice: what the node
	// writes into it reaches no other node and is gone after a crash.
	Peers() []ID
	// Now returns this node's clock reading: the virtual time since the run
	// began as this node's clock sees it. A scenario may skew the clock (add
	// an offset) or let it drift (run fast or slow), so two nodes' readings
	// are not comparable.
	Now() time.Duration
	// Send puts msg on the wire to node to. Delivery is not guaranteed: the
	// network may drop, delay, duplicate or reorder it. Sending to an unknown
	// node or to yourself is recorded in the trace as a misuse and dropped.
	Send(to ID, msg Message)
	// SetTimer arranges for HandleTimer(timer) to be called after the given
	// duration of this node's clock. A negative duration is recorded as a
	// misuse and treated as zero; a duration that reaches past the end of
	// virtual time (math.MaxInt64) never fires.
	SetTimer(after time.Duration, timer any) TimerID
	// CancelTimer stops a timer that has not fired yet. Cancelling a timer
	// that already fired or was cancelled does nothing.
	CancelTimer(id TimerID)
	// Rand returns this incarnation's random source, seeded from the run's
	// seed, the node's ID and the incarnation's number: a restarted node
	// gets a new source, so nothing kept in the old one survives a crash.
	Rand() *rand.Rand
	// Storage returns the node's durable storage.
	Storage() Storage
	// Logf writes a line to the run's trace, attributed to this node. A
	// line is cut at 4 KiB, and a run keeps a bounded total of lines.
	Logf(format string, args ...any)
}

// Storage is a node's disk. Writes are buffered until Sync: a crash loses
// every Save and Delete made since the last Sync.
type Storage interface {
	// Load returns the current value of key (including unsynced writes) and
	// whether it exists. The returned slice is a copy the caller owns.
	Load(key string) ([]byte, bool)
	// Save sets key to a copy of value.
	Save(key string, value []byte)
	// Delete removes key.
	Delete(key string)
	// Sync makes every earlier Save and Delete durable.
	Sync()
	// Size returns the total bytes of keys and values currently stored.
	Size() int
}
