package run

import "github.com/faultline-dev/faultline/labs/node"

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

// flaky sends an extra message on every other run: package state shared
// between runs makes the same seed behave differently.
var flakyRuns int

type flaky struct{ pinger }

func (f *flaky) Start(env node.Env) {
	f.pinger.Start(env)
	flakyRuns++
	if flakyRuns%2 == 0 {
		env.Send(1, Pong{Seq: -1})
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
