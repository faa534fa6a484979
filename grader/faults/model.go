package faults

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// Model is the network and clock behaviour in force for a whole run.
type Model struct {
	// Latency is every link's one-way latency unless a Links rule overrides it.
	Latency Dist `json:"latency"`
	// Loss is the probability that a message is dropped.
	Loss float64 `json:"loss,omitempty"`
	// Duplicate is the probability that a delivered message is delivered twice
	// (each copy with its own latency).
	Duplicate float64 `json:"duplicate,omitempty"`
	// Links overrides the above for some links. Later rules win.
	Links []LinkRule `json:"links,omitempty"`
	// Clocks gives nodes a skewed or drifting clock from the start.
	Clocks []Clock `json:"clocks,omitempty"`
	// TornSync lets a crash within a handler (Event.Within) strike during a
	// Sync of several keys: a part of its writes, drawn from the seed,
	// becomes durable and the rest is lost, as on a disk without atomic
	// multi-block writes.
	TornSync bool `json:"torn_sync,omitempty"`
}

// LinkRule overrides the model for messages from From to To. A zero From or To
// matches every node. Nil fields keep the model's value.
type LinkRule struct {
	From      node.ID  `json:"from,omitempty"`
	To        node.ID  `json:"to,omitempty"`
	Latency   *Dist    `json:"latency,omitempty"`
	Loss      *float64 `json:"loss,omitempty"`
	Duplicate *float64 `json:"duplicate,omitempty"`
}

// Clock is one node's clock error: Skew is added to its reading, and Drift is
// the fraction by which it runs fast (0.01) or slow (-0.01).
type Clock struct {
	Node  node.ID  `json:"node"`
	Skew  Duration `json:"skew,omitempty"`
	Drift float64  `json:"drift,omitempty"`
}

// Reliable is a network that delivers every message once after a fixed
// one-millisecond latency, in order.
func Reliable() Model { return Model{Latency: Fixed(time.Millisecond)} }

// Unreliable is the usual course network: 1–30 ms latency (which reorders),
// 10% loss and 5% duplication.
func Unreliable() Model {
	return Model{Latency: Between(time.Millisecond, 30*time.Millisecond), Loss: 0.1, Duplicate: 0.05}
}

// Link is the effective behaviour of one directed link.
type Link struct {
	Latency   Dist
	Loss      float64
	Duplicate float64
}

// LinkFor resolves the rules for the link from -> to.
func (m *Model) LinkFor(from, to node.ID) Link {
	l := Link{Latency: m.Latency, Loss: m.Loss, Duplicate: m.Duplicate}
	for _, r := range m.Links {
		if (r.From != 0 && r.From != from) || (r.To != 0 && r.To != to) {
			continue
		}
		if r.Latency != nil {
			l.Latency = *r.Latency
		}
		if r.Loss != nil {
			l.Loss = *r.Loss
		}
		if r.Duplicate != nil {
			l.Duplicate = *r.Duplicate
		}
	}
	return l
}

// Validate checks m for a cluster of n nodes (IDs 1..n) and returns an error
// naming the first bad field.
func (m *Model) Validate(n int) error {
	if err := m.Latency.Validate("latency"); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	if err := probability("loss", m.Loss); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	if err := probability("duplicate", m.Duplicate); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	for i, r := range m.Links {
		f := fmt.Sprintf("links[%d]", i)
		if err := checkNode(f+".from", r.From, n, true); err != nil {
			return err
		}
		if err := checkNode(f+".to", r.To, n, true); err != nil {
			return err
		}
		if r.Latency != nil {
			if err := r.Latency.Validate(f + ".latency"); err != nil {
				return fmt.Errorf("faults: %w", err)
			}
		}
		if r.Loss != nil {
			if err := probability(f+".loss", *r.Loss); err != nil {
				return fmt.Errorf("faults: %w", err)
			}
		}
		if r.Duplicate != nil {
			if err := probability(f+".duplicate", *r.Duplicate); err != nil {
				return fmt.Errorf("faults: %w", err)
			}
		}
	}
	for i, c := range m.Clocks {
		f := fmt.Sprintf("clocks[%d]", i)
		if err := checkNode(f+".node", c.Node, n, false); err != nil {
			return err
		}
		if c.Drift <= -1 || c.Drift > 10 {
			return fmt.Errorf("faults: %s.drift: %v is outside (-1, 10] (a clock cannot stop or run backwards)", f, c.Drift)
		}
	}
	return nil
}

func checkNode(field string, id node.ID, n int, zeroOK bool) error {
	if badNode(id, n, zeroOK) {
		return nodeError(field, id, n)
	}
	return nil
}

// badNode reports whether id names no node of a cluster of n (0 is allowed
// where zeroOK: "any node").
func badNode(id node.ID, n int, zeroOK bool) bool {
	return !(id == 0 && zeroOK) && (id < 1 || int(id) > n)
}

func nodeError(field string, id node.ID, n int) error {
	return fmt.Errorf("faults: %s: unknown node %d (the cluster has n1..n%d)", field, int(id), n)
}
