package run

import (
	"sync/atomic"

	"github.com/faultline-dev/faultline/labs/node"
)

// Implementations that misbehave in every way the grader must survive.

// panicker panics when n2 gets its first ping.
type panicker struct{ pinger }

func (p *panicker) HandleMessage(from node.ID, m node.Message) {
	if p.env.ID() == 2 {
		var table map[string]int
		table["boom"]++ // a nil map write, as students make
	}
	p.pinger.HandleMessage(from, m)
}

// hanger blocks forever in a handler.
type hanger struct{ pinger }

func (h *hanger) HandleMessage(node.ID, node.Message) {
	block := make(chan struct{})
	<-block
}

// stormer answers every message with two.
type stormer struct{ pinger }

func (s *stormer) HandleMessage(from node.ID, m node.Message) {
	s.env.Send(from, Ping{})
	s.env.Send(from, Ping{})
}

// spinner never returns from a handler, and burns CPU doing it, until
// the test that used it in-process lets it go (releaseSpinners): the
// grader abandons its goroutine, which would otherwise spin for the rest
// of the test binary and slow every later test.
type spinner struct {
	pinger
	n int
}

var spinnersReleased atomic.Bool

func releaseSpinners() { spinnersReleased.Store(true) }

func (s *spinner) HandleMessage(node.ID, node.Message) {
	for !spinnersReleased.Load() {
		s.n++
	}
	select {} // never return: the grader has moved on
}

// flaky sends an extra message on every other run: package state shared
// between runs makes the same seed behave differently. (Atomic only so
// that runs in parallel goroutines do not race on it.)
var flakyRuns atomic.Int64

type flaky struct{ pinger }

func (f *flaky) Start(env node.Env) {
	f.pinger.Start(env)
	if flakyRuns.Add(1)%2 == 0 {
		env.Send(1, Pong{Seq: -1})
	}
}

// mapOrdered numbers its pings in the order Go ranges over a map: a
// different order in every run, as a Raft that broadcasts by ranging over
// its peers' map has.
type mapOrdered struct {
	pinger
	peers map[int]bool
}

func (m *mapOrdered) HandleTimer(any) {
	if m.peers == nil {
		m.peers = map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true}
	}
	for seq := range m.peers {
		m.env.Send(2, Ping{Seq: seq})
		break
	}
	m.env.SetTimer(tickEvery, tick{})
}

// misuser sends to a node that does not exist, many times: each is a
// misuse, noted but not fatal.
type misuser struct{ pinger }

func (m *misuser) HandleMessage(from node.ID, msg node.Message) {
	for range 1000 {
		m.env.Send(99, Ping{})
	}
	m.pinger.HandleMessage(from, msg)
}

// stateful panics in State, which the test calls from a check, outside
// any handler: the implementation's panic, not the lab's.
type stateful struct{ pinger }

func (s *stateful) count() int {
	var table []int
	return table[s.pongs+7] // index out of range, whatever the count
}

// clientOf builds n1 with build and n2 as a good pinger.
func clientOf(build func() node.Node) node.Factory {
	return func(id node.ID) node.Node {
		if id == 1 {
			return build()
		}
		return &pinger{}
	}
}

func nodeOf(build func() node.Node) node.Factory {
	return func(id node.ID) node.Node {
		if id == 2 {
			return build()
		}
		return &pinger{}
	}
}

// sometimesMute never answers on about a quarter of the seeds (as its
// seeded random source decides): a deterministic failure on some seeds.
type sometimesMute struct{ pinger }

func (s *sometimesMute) Start(env node.Env) {
	s.pinger.Start(env)
	if env.Rand().IntN(4) == 0 {
		s.env = nil
	}
}

func (s *sometimesMute) HandleMessage(from node.ID, m node.Message) {
	if s.env != nil {
		s.pinger.HandleMessage(from, m)
	}
}
