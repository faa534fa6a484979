package sim

// Crashes and restarts: a node goes down losing its unsynced writes and
// every event addressed to its incarnation, and comes back as a fresh
// incarnation built by the Factory, with only its synced storage.

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// crash takes ns down (f, a Crash or a Reboot, names it in the trace): its instance,
// its Env, its deferred events and its unsynced writes are gone; timers it
// set are dropped when they fire (the epoch moved on). A crash Within a
// handler only arms the node: it strikes in the next handler it runs.
func (s *Sim) crash(ns *nodeState, f faults.Event) {
	if !ns.up {
		return
	}
	if f.Within {
		ns.armed = true // strikes in the node's next handler
		ns.reboot, ns.rebootIn = f.Kind == faults.Reboot, 0
		return
	}
	ns.up, ns.paused, ns.inst, ns.env, ns.armed, ns.struck = false, false, nil, nil, false, false
	for _, e := range ns.deferred {
		if e.kind == evDeliver {
			s.unpark(e.msg) // lost with the node
		}
	}
	ns.deferred = ns.deferred[:0]
	ns.store.crash()
	s.traceFault(f, ns.id)
	if s.observe != nil && s.tr != nil {
		s.observeState(ns)
	}
	if f.Kind == faults.Reboot {
		s.scheduleRestart(ns, 0)
	}
}

// restart boots a new incarnation of ns if it is down.
func (s *Sim) restart(ns *nodeState) {
	ns.reboot = false // restarted now: a reboot still to come is moot
	if ns.up && ns.armed {
		// The crash never found a handler to strike in: it happens now,
		// between handlers.
		s.apply(faults.Event{Kind: faults.Crash, Nodes: []node.ID{ns.id}})
	}
	if !ns.up {
		s.boot(ns, trace.Restart)
	}
}

// boot starts a fresh incarnation of ns, with an Env, a random source and
// a peers slice of its own (DESIGN decision 13: nothing a node receives
// outlives it or is shared), so that no state can be parked in them across
// a crash or passed to another node.
func (s *Sim) boot(ns *nodeState, kind trace.Kind) {
	ns.epoch++
	ns.up, ns.paused = true, false
	ns.deferred = ns.deferred[:0]
	ns.env = &env{s: s, n: ns, epoch: ns.epoch, rng: stream(s.cfg.Seed, nodeStream(ns.id, ns.epoch)), peers: s.peersOf(ns.id)}
	s.calls = 0
	s.tr.boot(s.now, ns.id, kind)
	var inst node.Node
	s.protect(ns, string(kind), func() { inst = s.cfg.Factory(ns.id) })
	if inst == nil {
		panic(&PanicError{Node: ns.id, Time: time.Duration(s.now), Event: string(kind), Value: "the Factory returned a nil Node"})
	}
	ns.inst = inst
	s.handle(ns, string(kind), func() { inst.Start(ns.env) })
}

// nodeStream names the random stream of incarnation epoch (1 for the first)
// of node id. The first keeps the name it always had, so that a run without
// restarts draws as before; each restart gets a stream of its own, split
// from the run's seed like every other (DESIGN decision 2).
func nodeStream(id node.ID, epoch uint32) string {
	if epoch <= 1 {
		return fmt.Sprintf("node/%d", int(id))
	}
	return fmt.Sprintf("node/%d/incarnation/%d", int(id), epoch)
}

// peersOf returns a new slice of every node but id, in increasing order.
func (s *Sim) peersOf(id node.ID) []node.ID {
	peers := make([]node.ID, 0, s.n-1)
	for i := 1; i <= s.n; i++ {
		if node.ID(i) != id {
			peers = append(peers, node.ID(i))
		}
	}
	return peers
}

// strike reports whether a crash within a handler has struck ns, deciding
// at this Env call (one with an effect) whether it strikes now. An Env call
// made after the crash struck has no effect.
func (s *Sim) strike(ns *nodeState) bool { return ns.armed && s.strikeArmed(ns) }

// strikeArmed is strike for a node with a crash armed; strike stays small
// enough to inline into every Send, Save and Sync.
func (s *Sim) strikeArmed(ns *nodeState) bool {
	if !ns.struck && s.crashRng.IntN(2) == 0 {
		ns.struck = true
	}
	return ns.struck
}

// crashWithin ends the handler a crash struck in (or that ran to its end
// without being struck): the node is down from here.
func (s *Sim) crashWithin(ns *nodeState) {
	ns.armed, ns.atPoint = false, false
	reboot, in := ns.reboot, ns.rebootIn
	ns.reboot = false
	s.tr.note(s.now, ns.id, "the crash strikes within this handler: what it did after the point it struck has no effect")
	s.apply(faults.Event{Kind: faults.Crash, Nodes: []node.ID{ns.id}})
	if reboot {
		s.scheduleRestart(ns, in)
	}
}
