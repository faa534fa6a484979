package sim

import (
	mrand "math/rand/v2"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
)

// netState is the network: each directed link's behaviour and which links
// are cut.
type netState struct {
	n     int
	links []faults.Link // (from-1)*n + (to-1)
	cut   []bool        // (from-1)*n + (to-1)
	off   []bool        // by node ID: isolated, or in a named group of a partition
	rng   faults.PCG    // the stream "network"
}

func newNet(m *faults.Model, n int, src *mrand.PCG) *netState {
	rng, _ := faults.NewPCG(src)
	ns := &netState{n: n, links: make([]faults.Link, n*n), cut: make([]bool, n*n), off: make([]bool, n+1), rng: rng}
	for from := 1; from <= n; from++ {
		for to := 1; to <= n; to++ {
			ns.links[(from-1)*n+to-1] = m.LinkFor(node.ID(from), node.ID(to))
		}
	}
	return ns
}

func (ns *netState) blocked(from, to node.ID) bool { return ns.cut[int(from-1)*ns.n+int(to-1)] }

func (s *Sim) send(src *nodeState, to node.ID, msg node.Message) {
	from := src.id
	if to < 1 || int(to) > s.n {
		s.misusef(from, "Send to unknown node %d (the cluster has n1..n%d); message dropped", int(to), s.n)
		return
	}
	if to == from {
		s.misusef(from, "Send to itself; message dropped (call your own handler directly instead)")
		return
	}
	if msg == nil {
		s.misusef(from, "Send of a nil message; dropped")
		return
	}
	ts := s.typeOf(msg)
	li := int(from-1)*s.n + int(to-1)
	net := s.net
	link := &net.links[li]
	// The network decides the message's fate before it is copied: a
	// message cut by a partition or lost is only measured. (The trace
	// renders the sender's value at once, so it needs no copy either.)
	dropped := ""
	switch {
	case net.cut[li]:
		dropped = "partition"
	case link.Loss > 0 && net.rng.Float64() < link.Loss:
		dropped = "loss"
	}
	var m node.Message
	var size int
	var err error
	if dropped != "" {
		size, err = sizeMessage(ts.plan, msg, s.walk)
	} else {
		m, size, err = copyMessage(ts.plan, msg, s.walk)
	}
	if err == errTooLarge {
		s.tooLarge(from, ts.plan.name)
	}
	if err != nil {
		s.misusef(from, "Send of %s: %v; dropped", ts.plan.name, err)
		return
	}
	s.msgSeq++
	id := s.msgSeq
	ts.messages++
	ts.bytes += int64(size)
	s.stats.sent++
	s.stats.bytes += int64(size)
	s.links[li].messages++
	s.links[li].bytes += int64(size)
	if s.tr != nil {
		s.tr.send(s.now, from, to, id, ts.plan.name, size, msg)
	}
	if dropped != "" {
		s.drop(from, to, id, ts, dropped)
		return
	}
	s.push(event{at: s.now + int64(link.Latency.SamplePCG(net.rng)), kind: evDeliver, to: int32(to), from: int32(from), id: id, msg: s.park(m)})
	if link.Duplicate > 0 && net.rng.Float64() < link.Duplicate {
		dup, _, _ := copyMessage(ts.plan, msg, s.walk) // the receiver may change the first copy
		s.stats.duplicated++
		s.tr.dup(s.now, from, to, id, ts.plan.name)
		s.push(event{at: s.now + int64(link.Latency.SamplePCG(net.rng)), kind: evDeliver, to: int32(to), from: int32(from), id: id, msg: s.park(dup)})
	}
}

func (s *Sim) drop(from, to node.ID, id uint64, ts *typeStats, reason string) {
	s.stats.dropped++
	s.tr.drop(s.now, to, from, id, ts.plan.name, reason)
}

// Apply applies a fault now, as if it were scheduled at the current time.
// Restarting a node that is up, or resuming one that is not paused, does nothing.
func (s *Sim) Apply(f faults.Event) error {
	if err := (faults.Schedule{f}).Validate(s.n); err != nil {
		return err
	}
	f.At = faults.Duration(s.now)
	s.ev = Event{Kind: EventFault, Fault: &f}
	s.begin()
	s.apply(f)
	s.after()
	return nil
}

// Crash crashes nodes now.
func (s *Sim) Crash(ids ...node.ID) { s.mustApply(faults.Event{Kind: faults.Crash, Nodes: ids}) }

// Restart restarts crashed nodes now.
func (s *Sim) Restart(ids ...node.ID) { s.mustApply(faults.Event{Kind: faults.Restart, Nodes: ids}) }

// Pause pauses nodes now.
func (s *Sim) Pause(ids ...node.ID) { s.mustApply(faults.Event{Kind: faults.Pause, Nodes: ids}) }

// Resume resumes paused nodes now.
func (s *Sim) Resume(ids ...node.ID) { s.mustApply(faults.Event{Kind: faults.Resume, Nodes: ids}) }

// Partition splits the cluster into groups now (see faults.Partition).
func (s *Sim) Partition(groups ...[]node.ID) {
	s.mustApply(faults.Event{Kind: faults.Partition, Groups: groups})
}

// Isolate cuts nodes off from all others now.
func (s *Sim) Isolate(ids ...node.ID) { s.mustApply(faults.Event{Kind: faults.Isolate, Nodes: ids}) }

// Block cuts the link from one node to another, one way.
func (s *Sim) Block(from, to node.ID) {
	s.mustApply(faults.Event{Kind: faults.OneWay, Nodes: []node.ID{from, to}})
}

// Heal removes every partition and block now.
func (s *Sim) Heal() { s.mustApply(faults.Event{Kind: faults.Heal}) }

// SetClock gives a node's clock a new skew and drift from now on.
func (s *Sim) SetClock(id node.ID, skew time.Duration, drift float64) {
	s.mustApply(faults.Event{Kind: faults.SetClock, Nodes: []node.ID{id}, Skew: faults.Duration(skew), Drift: drift})
}

func (s *Sim) mustApply(f faults.Event) {
	if err := s.Apply(f); err != nil {
		panic(err) // a bug in the test, not in the student's code
	}
}

func (s *Sim) apply(f faults.Event) {
	n := s.n
	cut := s.net.cut
	switch f.Kind {
	case faults.Partition:
		group := make([]int, n+1) // 0: not named, one more group
		for g, ids := range f.Groups {
			for _, id := range ids {
				group[id] = g + 1
				s.net.off[id] = true
			}
		}
		for a := 1; a <= n; a++ {
			for b := 1; b <= n; b++ {
				if group[a] != group[b] {
					cut[(a-1)*n+b-1] = true
				}
			}
		}
		s.traceFault(f, 0)
	case faults.OneWay:
		cut[int(f.Nodes[0]-1)*n+int(f.Nodes[1]-1)] = true
		s.traceFault(f, 0)
	case faults.Isolate:
		for _, id := range f.Nodes {
			s.net.off[id] = true
			for o := 1; o <= n; o++ {
				if o != int(id) {
					cut[int(id-1)*n+o-1] = true
					cut[(o-1)*n+int(id-1)] = true
				}
			}
		}
		s.traceFault(f, 0)
	case faults.Heal:
		clear(cut)
		clear(s.net.off)
		s.traceFault(f, 0)
	case faults.Crash, faults.Reboot:
		for _, id := range f.Nodes {
			s.crash(s.nodes[id], f)
		}
	case faults.Restart:
		for _, id := range f.Nodes {
			s.restart(s.nodes[id])
		}
	case faults.Pause:
		for _, id := range f.Nodes {
			if ns := s.nodes[id]; ns.up && !ns.paused {
				ns.paused = true
				s.traceFault(f, id)
			}
		}
	case faults.Resume:
		for _, id := range f.Nodes {
			ns := s.nodes[id]
			if !ns.up || !ns.paused {
				continue
			}
			ns.paused = false
			s.traceFault(f, id)
			// What waited is handled now, in the order it arrived.
			for _, e := range ns.deferred {
				e.at = s.now
				s.push(e)
			}
			ns.deferred = ns.deferred[:0]
		}
	case faults.SetClock:
		for _, id := range f.Nodes {
			s.nodes[id].clock.set(s.now, f.Skew.D(), f.Drift)
			s.traceFault(f, id)
		}
	}
}

func (s *Sim) traceFault(f faults.Event, id node.ID) { s.tr.fault(s.now, f, id) }
