package pingponglab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/pingpong"
)

func registerDemo() {
	suite.RegisterDemo(suite.Demo{
		Name:  "pingpong-lossy",
		Title: "Exactly once over a lossy network",
		Description: "Client n1 sends six numbered requests to server n2 over a network that drops 30% " +
			"and duplicates 10% of messages, with 5–50 ms of latency. Look for a request or ack marked ✗, " +
			"the retransmission 100 ms later, and the server acknowledging a duplicate without executing it again.",
		Lab: "pingpong", Seed: 1, Run: demoLossy,
	})
}

func demoLossy(seed uint64, sink trace.Sink) error {
	if Lab.Solution == nil {
		return edition.NoReference("the pingpong-lossy demo, which runs the pingpong reference,")
	}
	impl, ok := Lab.Solution.(pingpong.Impl)
	if !ok {
		return fmt.Errorf("pingpong-lossy runs the pingpong reference, but the lab's Solution is a %T, not a pingpong.Impl", Lab.Solution)
	}
	done := 0
	s, err := sim.New(sim.Config{Nodes: 2, Seed: seed, Trace: sink, Lab: "pingpong", Scenario: "pingpong-lossy",
		Faults: faults.Model{Latency: faults.Between(5*time.Millisecond, 50*time.Millisecond), Loss: 0.3, Duplicate: 0.1},
		Factory: func(id node.ID) node.Node {
			if id == 2 {
				return impl.NewServer(id, func(node.ID, int, string) {})
			}
			return impl.NewClient(id, 2, func(int) { done++ })
		}})
	if err != nil {
		return err
	}
	for seq := 1; seq <= 6; seq++ {
		s.At(time.Duration(seq)*40*time.Millisecond, func() {
			s.Call(1, func() string { return fmt.Sprintf("Submit(%d)", seq) }, func(n node.Node) string {
				n.(pingpong.Client).Submit(seq, fmt.Sprintf("op-%d", seq))
				return ""
			})
		})
	}
	if !s.RunUntilTrue(30*time.Second, func() bool { return done == 6 }) {
		return fmt.Errorf("pingpong-lossy: only %d of 6 requests completed with seed %d", done, seed)
	}
	s.RunFor(200 * time.Millisecond) // let the last acks' duplicates land
	return nil
}
