package run

import (
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
)

// The fake lab: n1 pings n2 every 10 ms and counts pongs. Implementations
// are node factories; the misbehaving ones live in misbehave_test.go.

type Ping struct{ Seq int }
type Pong struct{ Seq int }
type tick struct{}

type pinger struct {
	env   node.Env
	pongs int
}

func (p *pinger) Start(env node.Env) {
	p.env = env
	if env.ID() == 1 {
		env.SetTimer(10*time.Millisecond, tick{})
	}
}

const tickEvery = 10 * time.Millisecond

func (p *pinger) HandleTimer(any) {
	p.env.Send(2, Ping{})
	p.env.SetTimer(tickEvery, tick{})
}
func (p *pinger) HandleMessage(from node.ID, m node.Message) {
	switch m.(type) {
	case Ping:
		p.env.Send(from, Pong{})
	case Pong:
		p.pongs++
	}
}

// mute never answers.
type mute struct{ pinger }

func (m *mute) HandleMessage(node.ID, node.Message) {}

func goodImpl() node.Factory { return func(node.ID) node.Node { return &pinger{} } }
func muteImpl() node.Factory {
	return func(id node.ID) node.Node {
		if id == 2 {
			return &mute{}
		}
		return &pinger{}
	}
}

func pongs(s *sim.Sim) int   { return s.Node(1).(interface{ count() int }).count() }
func (p *pinger) count() int { return p.pongs }

// minPongs is what testPongs wants n1 to receive in its second.
const minPongs = 50

func testPongs(t *suite.T) {
	s := t.NewSim(sim.Config{Nodes: 2, Factory: t.Impl().(node.Factory), Faults: faults.Model{Latency: faults.Between(time.Millisecond, 3*time.Millisecond)}})
	// The pongs so far, sampled every 100 ms by watching events (an
	// observer, which changes nothing of the run): what charts draw.
	got := series.Series{Name: "pongs", Unit: "pongs"}
	s.OnEvent(func(ev *sim.Event) {
		for at := time.Duration(len(got.Points)) * 100 * time.Millisecond; at <= ev.Time; at += 100 * time.Millisecond {
			got.Add(at, float64(pongs(s)))
		}
	})
	t.Record(func() series.Set { return series.Set{Series: []series.Series{got}} })
	s.RunFor(time.Second)
	t.Guide(series.Guide{Metric: "pongs", V: minPongs, Label: "bound ≥ 50"})
	if n := pongs(s); n < minPongs {
		t.Fail(suite.Failure{Check: "pongs", Msg: "n1 received only a few pongs", Nodes: []node.ID{1, 2}})
	}
}

// testShrinkable fails when n2 crashes. Its schedule holds nine harmless
// pauses of n1 and one crash of n2, and ten optional workload steps: only
// the crash matters, and the shrinker must find it.
func testShrinkable(t *suite.T) {
	ms := func(v int) faults.Duration { return faults.Duration(time.Duration(v) * time.Millisecond) }
	var sched faults.Schedule
	for i := range 9 {
		sched = append(sched, faults.Event{At: ms(10 + 20*i), Kind: faults.Pause, Nodes: []node.ID{1}},
			faults.Event{At: ms(15 + 20*i), Kind: faults.Resume, Nodes: []node.ID{1}})
		if i == 6 {
			sched = append(sched, faults.Event{At: ms(16 + 20*i), Kind: faults.Crash, Nodes: []node.ID{2}})
		}
	}
	s := t.NewSim(sim.Config{Nodes: 2, Factory: t.Impl().(node.Factory), Schedule: sched})
	for i := range 10 {
		s.At(time.Duration(i)*time.Millisecond, func() {
			if t.Keep("op") {
				s.Notef("optional step %d", i)
			}
		})
	}
	t.Invariant("n2 stays up", func() error {
		if s.Now() > 0 && !s.Up(2) { // at 0 the nodes are still booting
			return &suite.Violation{Nodes: []node.ID{2}, Msg: "n2 went down"}
		}
		return nil
	})
	s.RunFor(300 * time.Millisecond)
}

func fakeLab(impl node.Factory) *suite.Lab {
	return &suite.Lab{
		Name:  "fake",
		Parts: []suite.Part{{ID: "A", Title: "Pings"}, {ID: "B", Title: "Crashes"}},
		Tests: []suite.Test{
			{Name: "Pongs", Part: "A", Points: 3, Seeds: 4, Limit: 5 * time.Second, Run: testPongs, Description: "n2 answers pings"},
			{Name: "Shrinkable", Part: "B", Points: 2, Seeds: 1, Limit: 5 * time.Second, Run: testShrinkable, Description: "n2 never crashes"},
		},
		Solution: impl,
		Mutants:  []suite.Mutant{{Name: "mute", Description: "n2 never answers", Impl: muteImpl()}},
	}
}
