package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/faultline-dev/faultline/labs/node"
)

// State is one state of the cluster: every node's state, the messages in
// flight, each node's pending timers and storage, the ghost state, and the
// faults spent on the path that reached it. A State never changes once the
// checker has made it; successors share the parts their event left alone
// (a delivery copies the receiver only).
type State struct {
	nodes   []*slot
	vals    *values  // the checker's messages and timer values
	inl     [5]*slot // nodes' array for a cluster of up to 5: one allocation less per event
	net     []flight // sorted by (to, from, h)
	netHash uint64
	ghost   any
	ghostH  uint64
	drops   int
	dups    int
	crashes int
	calls   int // inputs of any node made
	hash    uint64
	// own is the index of the one slot this state does not share with its
	// parent (-1: none), and netOwn says net is its own: a duplicate
	// state's are reused (Checker.recycle); a kept state's never change.
	own    int
	netOwn bool

	depth  int
	parent *State
	event  Event
}

// slot is one node in one state: the node, its clock, timers and disk.
type slot struct {
	n       node.Node
	trusted map[unsafe.Pointer]bool // the closures it was built with
	rng     *rand.Rand
	inc     int // incarnation: 0 at the start, +1 per restart
	clock   int64
	nextID  uint64
	timers  []timer // sorted by (due, id): timers[0] fires next
	store   []entry // sorted by key
	inputs  int     // how many of its inputs have been made
	hash    uint64
}

// timer is a pending timer; its value is interned (values), so that
// timers and flights hold no pointers: copying them is a memmove the
// collector need not scan.
type timer struct {
	id  uint64
	due int64
	h   uint64 // the value's fingerprint, its key in values
}

type entry struct {
	key             string
	cur, durable    []byte
	hasCur, hasDura bool
}

// flight is a message in flight, with how many copies of it are.
type flight struct {
	from, to node.ID
	h        uint64 // the message's fingerprint, its key in values
	copies   int
}

func (f *flight) less(to, from node.ID, h uint64) int {
	switch {
	case f.to != to:
		return int(f.to) - int(to)
	case f.from != from:
		return int(f.from) - int(from)
	case f.h < h:
		return -1
	case f.h > h:
		return 1
	}
	return 0
}

// Node returns node id's state in s. The caller must not change it, nor
// call its handlers: read it through the lab's read-only methods (Raft's
// State) or a type assertion.
func (s *State) Node(id node.ID) node.Node {
	if id < 1 || int(id) > len(s.nodes) {
		return nil
	}
	return s.nodes[id-1].n
}

// Ghost returns the ghost state of s; the caller must not change it.
func (s *State) Ghost() any { return s.ghost }

// Depth is the number of events on the path that reached s.
func (s *State) Depth() int { return s.depth }

// Nodes returns the number of nodes.
func (s *State) Nodes() int { return len(s.nodes) }

// Clock returns node id's clock reading in s.
func (s *State) Clock(id node.ID) time.Duration { return time.Duration(s.nodes[id-1].clock) }

// Incarnation returns how many times node id restarted on the path to s.
func (s *State) Incarnation(id node.ID) int { return s.nodes[id-1].inc }

// Message is a message in flight.
type Message struct {
	From, To node.ID
	Msg      node.Message
	Copies   int
}

// InFlight returns the messages in flight, in a fixed order.
func (s *State) InFlight() []Message {
	out := make([]Message, len(s.net))
	for i, f := range s.net {
		out[i] = Message{From: f.from, To: f.to, Msg: s.vals.get(f.h), Copies: f.copies}
	}
	return out
}

// Timer is a pending timer.
type Timer struct {
	ID    node.TimerID
	Due   time.Duration // on the node's clock
	Value any
}

// Timers returns node id's pending timers, the next to fire first.
func (s *State) Timers(id node.ID) []Timer {
	sl := s.nodes[id-1]
	out := make([]Timer, len(sl.timers))
	for i, t := range sl.timers {
		out[i] = Timer{ID: node.TimerID(t.id), Due: time.Duration(t.due), Value: s.vals.get(t.h)}
	}
	return out
}

// Path returns the events from the initial state to s.
func (s *State) Path() []Event {
	var out []Event
	for x := s; x.parent != nil; x = x.parent {
		out = append(out, x.event)
	}
	slices.Reverse(out)
	return out
}

// Parent returns the state before s's last event, nil for the initial
// state. A search drops the contents of the states it has explored (it
// keeps their path): only a state built by Apply outside a search, or one
// a search returned, has a parent whose nodes can be read.
func (s *State) Parent() *State { return s.parent }

// Hash returns s's fingerprint in the visited set.
func (s *State) Hash() uint64 { return s.hash }

// Kind is what an event does.
type Kind uint8

// The kinds of events.
const (
	Deliver   Kind = iota + 1 // deliver one copy of a message
	Fire                      // fire a node's next timer
	Drop                      // lose one copy of a message
	Duplicate                 // add a copy of a message in flight
	Restart                   // crash a node and restart it from its synced storage
	Call                      // make a node's next input
)

var kindNames = [...]string{Deliver: "deliver", Fire: "fire", Drop: "drop", Duplicate: "duplicate", Restart: "restart", Call: "call"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Event is one transition.
type Event struct {
	Kind Kind
	// Node is where the event happens: the receiver of a message, the
	// owner of a timer, the restarted or called node.
	Node node.ID
	// From is a message's sender.
	From node.ID
	// Msg is the message, or Timer the timer's value.
	Msg   node.Message
	Timer any
	// Input names a Call.
	Input string
	// h identifies the message or timer among its node's.
	h uint64
}

func (e Event) String() string {
	switch e.Kind {
	case Deliver, Drop, Duplicate:
		return fmt.Sprintf("%s %v→%v %s", e.Kind, e.From, e.Node, show(e.Msg))
	case Fire:
		return fmt.Sprintf("fire %v %s", e.Node, show(e.Timer))
	case Call:
		return fmt.Sprintf("call %v %s", e.Node, e.Input)
	case Restart:
		return fmt.Sprintf("restart %v", e.Node)
	}
	return e.Kind.String()
}

// Key identifies e among the events enabled in a state, in every process
// (a replay matches keys): its kind, nodes and the fingerprint of its
// message or timer.
func (e Event) Key() string {
	return fmt.Sprintf("%s/%d/%d/%016x", e.Kind, e.Node, e.From, e.h)
}

// show prints a message or timer value on one line, cut to 200 bytes,
// its type named without its package path.
func show(v any) string {
	if v == nil {
		return "nil"
	}
	t := fmt.Sprintf("%T", v)
	if i := strings.LastIndexAny(t, "./"); i >= 0 && !strings.ContainsAny(t, "[]") {
		t = t[i+1:]
	}
	s := t + fmt.Sprintf("%+v", v)
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// values interns the messages and timer values of a search by their
// fingerprints: a message sent on many paths is kept once, and two values
// with one fingerprint are one value to the search (as they are one in the
// visited set).
type values struct{ m map[uint64]any }

func (v *values) get(h uint64) any { return v.m[h] }

func (v *values) put(h uint64, x any) {
	if _, ok := v.m[h]; !ok {
		v.m[h] = x
	}
}
