package demos

import (
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// Stamp carries the sender's clock reading and its Lamport clock.
type Stamp struct {
	Clock   time.Duration // the sender's wall-clock reading when it sent
	Lamport int
}

type tick struct{}

// stamper sends a Stamp to the next node every 100 ms of its own clock and
// checks the stamps it receives against its own clock.
type stamper struct {
	env     node.Env
	lamport int
	turn    int
	last    map[node.ID]time.Duration
}

func (s *stamper) Start(env node.Env) {
	s.env = env
	s.last = map[node.ID]time.Duration{}
	env.SetTimer(time.Duration(20*int(env.ID()))*time.Millisecond, tick{})
}

func (s *stamper) HandleTimer(any) {
	peers := s.env.Peers()
	to := peers[s.turn%len(peers)]
	s.turn++
	s.lamport++ // a send is an event
	s.env.Send(to, Stamp{Clock: s.env.Now(), Lamport: s.lamport})
	s.env.SetTimer(100*time.Millisecond, tick{})
}

func (s *stamper) HandleMessage(from node.ID, m node.Message) {
	st := m.(Stamp)
	now := s.env.Now()
	last, seen := s.last[from]
	// Lamport's rule: a receive happens after the send it receives.
	before := s.lamport
	s.lamport = max(s.lamport, st.Lamport) + 1
	switch {
	case st.Clock > now:
		s.env.Logf("from the future: %v stamped %v, my clock says %v (%v ahead); Lamport %d -> %d, still after the send",
			from, round(st.Clock), round(now), round(st.Clock-now), before, s.lamport)
	case seen && st.Clock < last:
		s.env.Logf("backwards: %v stamped %v after stamping %v; Lamport %d -> %d", from, round(st.Clock), round(s.last[from]), before, s.lamport)
	default:
		s.env.Logf("%v stamped %v, my clock %v; Lamport %d -> %d", from, round(st.Clock), round(now), before, s.lamport)
	}
	s.last[from] = st.Clock
}

func round(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func runClockSkew(seed uint64, sink trace.Sink) error {
	ms := func(v int) faults.Duration { return faults.Duration(time.Duration(v) * time.Millisecond) }
	s, err := sim.New(sim.Config{Nodes: 3, Seed: seed, Trace: sink, Scenario: "clock-skew",
		Factory: func(node.ID) node.Node { return &stamper{} },
		Faults: faults.Model{Latency: faults.Between(2*time.Millisecond, 20*time.Millisecond),
			Clocks: []faults.Clock{{Node: 2, Skew: ms(200)}, {Node: 3, Skew: ms(-150), Drift: -0.05}}},
		// Half-way, n2's clock is stepped back, as NTP may do to a fast clock.
		Schedule: faults.Schedule{{At: ms(800), Kind: faults.SetClock, Nodes: []node.ID{2}, Skew: ms(-50)}},
	})
	if err != nil {
		return err
	}
	s.RunFor(1500 * time.Millisecond)
	return nil
}

func init() {
	suite.RegisterDemo(suite.Demo{
		Name:  "clock-skew",
		Title: "Clocks lie; Lamport clocks do not",
		Description: "n2's clock runs 200 ms ahead and n3's 150 ms behind and 5% slow; at 0.8 s n2's clock is " +
			"stepped back. Each node stamps its messages with its clock and a Lamport clock. Open the log pane: " +
			"receivers see stamps from the future and clocks going backwards, while every Lamport value " +
			"stays greater than the one it received.",
		Seed: 1, Run: runClockSkew, Label: stampLabel,
	})
}
