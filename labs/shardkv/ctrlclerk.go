package shardkv

import (
	"slices"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// CtrlClerk is the lab's client of the controller, for nodes that call it:
// group servers and clerks query it, the test's admin node joins, leaves
// and moves through it. It is not a node: its owner routes to it the
// CtrlReply messages and CtrlTimer timers it gets, and it calls the owner
// back with each answer. It runs one call at a time, asking each
// controller replica in turn until one that leads answers; once every
// replica has refused a call (no leader yet: an election is under way),
// it waits ctrlTimeout before the next round, rather than asking again
// every round trip (before 2026-12 it did: in the first half second of a
// run, 24 clerks sent 4,000 requests while the controllers elected).
type CtrlClerk struct {
	env         node.Env
	controllers []node.ID
	seq         int
	leader      int
	busy        bool
	refused     int // replicas that refused the call in a row
	op          CtrlOp
	timer       node.TimerID
	answer      func(Config)
}

// ctrlTimeout is how long a CtrlClerk waits for a replica before asking
// the next one.
const ctrlTimeout = 100 * time.Millisecond

// CtrlTimer is a CtrlClerk's timer, set through its owner's Env: hand it
// to HandleTimer.
type CtrlTimer struct {
	Seq int
	// Paused marks the wait after a round of refusals: the replica to
	// ask next is already chosen.
	Paused bool
}

// NewCtrlClerk builds a controller client acting through env (call it
// again from the owner's Start after a restart).
func NewCtrlClerk(env node.Env, controllers []node.ID) *CtrlClerk {
	return &CtrlClerk{env: env, controllers: slices.Clone(controllers)}
}

// Busy reports whether a call is in flight.
func (c *CtrlClerk) Busy() bool { return c.busy }

// Call starts op, unless a call is in flight (then it returns false);
// answer is called once, from HandleMessage, with the reply's Config.
func (c *CtrlClerk) Call(op CtrlOp, answer func(Config)) bool {
	if c.busy {
		return false
	}
	c.seq++
	c.op, c.busy, c.answer, c.refused = op, true, answer, 0
	c.send()
	return true
}

func (c *CtrlClerk) send() {
	c.env.CancelTimer(c.timer)
	c.env.Send(c.controllers[c.leader], CtrlRequest{Client: c.env.ID(), Seq: c.seq, Op: c.op})
	c.timer = c.env.SetTimer(ctrlTimeout, CtrlTimer{Seq: c.seq})
}

// HandleMessage takes a CtrlReply (other messages are ignored).
func (c *CtrlClerk) HandleMessage(m CtrlReply) {
	if !c.busy || m.Seq != c.seq {
		return
	}
	if m.Err != OK {
		c.leader = (c.leader + 1) % len(c.controllers)
		if c.refused++; c.refused >= len(c.controllers) {
			// A full round refused: wait for the election, as after a
			// replica that does not answer (HandleTimer).
			c.refused = 0
			c.env.CancelTimer(c.timer)
			c.timer = c.env.SetTimer(ctrlTimeout, CtrlTimer{Seq: c.seq, Paused: true})
			return
		}
		c.send()
		return
	}
	c.env.CancelTimer(c.timer)
	c.busy = false
	c.answer(m.Config)
}

// HandleTimer takes a CtrlTimer: the replica asked did not answer.
func (c *CtrlClerk) HandleTimer(t CtrlTimer) {
	if !c.busy || t.Seq != c.seq {
		return
	}
	if !t.Paused {
		c.leader = (c.leader + 1) % len(c.controllers)
		c.refused = 0
	}
	c.send()
}
