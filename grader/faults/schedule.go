package faults

import (
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/labs/node"
)

// Kind names a scheduled fault event.
type Kind string

// The fault events a Schedule can hold.
const (
	// Partition splits the cluster into Groups that cannot reach each other;
	// nodes not named in any group form one more group together.
	Partition Kind = "partition"
	// OneWay blocks messages from Nodes[0] to Nodes[1] (not the reverse).
	OneWay Kind = "oneway"
	// Isolate cuts every node in Nodes off from all others, both ways.
	Isolate Kind = "isolate"
	// Heal removes every partition, one-way block and isolation.
	Heal Kind = "heal"
	// Crash stops Nodes: their memory is lost, and so is any storage write
	// not yet synced. Messages to a crashed node are dropped.
	Crash Kind = "crash"
	// Restart boots crashed Nodes again from their synced storage.
	Restart Kind = "restart"
	// Reboot crashes Nodes as Crash does and restarts each as soon as it
	// is down (when the crash strikes, for one Within a handler): at the
	// same virtual instant, after the events already due then. The new
	// incarnation meets the messages of the term its predecessor crashed
	// in. It needs no Restart.
	Reboot Kind = "reboot"
	// Pause freezes Nodes (a long GC pause, a stopped VM): events for them wait.
	Pause Kind = "pause"
	// Resume lets paused Nodes run; waiting events are delivered in order.
	Resume Kind = "resume"
	// SetClock sets the Skew and Drift of Nodes' clocks from now on.
	SetClock Kind = "clock"
)

// Event is one scheduled fault.
type Event struct {
	At     Duration    `json:"at"`
	Kind   Kind        `json:"kind"`
	Nodes  []node.ID   `json:"nodes,omitempty"`
	Groups [][]node.ID `json:"groups,omitempty"`
	Skew   Duration    `json:"skew,omitempty"`
	Drift  float64     `json:"drift,omitempty"`
	// Within, on a crash, strikes each node inside the next handler it
	// runs, after any of the Env calls with an effect (Send, SetTimer,
	// CancelTimer, Save, Delete, Sync): what it does after that point never
	// happens, so a reply sent before a Sync survives the crash while the
	// state it promised does not. Where in the handler is drawn from the
	// seed.
	Within bool `json:"within,omitempty"`
}

// String describes e in one line, as traces and reports show it.
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(string(e.Kind))
	switch e.Kind {
	case Partition:
		for _, g := range e.Groups {
			b.WriteString(" ")
			b.WriteString(idList(g))
		}
	case OneWay:
		if len(e.Nodes) == 2 {
			fmt.Fprintf(&b, " %v->%v", e.Nodes[0], e.Nodes[1])
		}
	case SetClock:
		fmt.Fprintf(&b, " %s skew=%v drift=%v", idList(e.Nodes), e.Skew, e.Drift)
	case Heal:
	default:
		b.WriteString(" ")
		b.WriteString(idList(e.Nodes))
		if e.Within {
			b.WriteString(" within a handler")
		}
	}
	return b.String()
}

func idList(ids []node.ID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Schedule is a list of fault events. Events must be in non-decreasing At order.
type Schedule []Event

// Validate checks s for a cluster of n nodes.
func (s Schedule) Validate(n int) error {
	var last Duration
	for i, e := range s {
		// The field's name is formatted only for an error: Sim.Apply
		// validates every fault a test injects.
		f := lazyField{"schedule", i}
		if e.At < 0 {
			return fmt.Errorf("faults: %s.at: %v is negative", f, e.At)
		}
		if e.At < last {
			return fmt.Errorf("faults: %s.at: %v comes before the previous event's %v (keep the schedule in time order)", f, e.At, last)
		}
		last = e.At
		for j, id := range e.Nodes {
			if badNode(id, n, false) {
				return nodeError(fmt.Sprintf("%s.nodes[%d]", f, j), id, n)
			}
		}
		for g, grp := range e.Groups {
			for j, id := range grp {
				if badNode(id, n, false) {
					return nodeError(fmt.Sprintf("%s.groups[%d][%d]", f, g, j), id, n)
				}
			}
		}
		switch e.Kind {
		case Partition:
			if len(e.Groups) == 0 {
				return fmt.Errorf("faults: %s.groups: a partition needs at least one group", f)
			}
		case OneWay:
			if len(e.Nodes) != 2 {
				return fmt.Errorf("faults: %s.nodes: a one-way block needs exactly [from, to]", f)
			}
		case Isolate, Crash, Restart, Reboot, Pause, Resume:
			if len(e.Nodes) == 0 {
				return fmt.Errorf("faults: %s.nodes: %s needs at least one node", f, e.Kind)
			}
		case SetClock:
			if len(e.Nodes) == 0 {
				return fmt.Errorf("faults: %s.nodes: clock needs at least one node", f)
			}
			if e.Drift <= -1 || e.Drift > 10 {
				return fmt.Errorf("faults: %s.drift: %v is outside (-1, 10]", f, e.Drift)
			}
		case Heal:
		default:
			return fmt.Errorf("faults: %s.kind: unknown fault %q (want partition, oneway, isolate, heal, crash, restart, reboot, pause, resume or clock)", f, e.Kind)
		}
	}
	return nil
}

// lazyField names element i of a list in an error message; it formats only
// when printed.
type lazyField struct {
	list string
	i    int
}

func (f lazyField) String() string { return fmt.Sprintf("%s[%d]", f.list, f.i) }
