package queuelab

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/queue/solution"
)

func init() {
	suite.RegisterDemo(suite.Demo{
		Name:  "queue-overload",
		Title: "Shedding load at 3× capacity",
		Description: "Eight clients send three times what the server's four workers can do, a tenth of it critical, " +
			"for 300 ms. Follow the notes: the reference server starts critical requests first, keeps a short queue " +
			"per client, and rejects best-effort requests that waited too long or could no longer finish by their " +
			"deadline, so that every request it starts finishes in time and no worker time is wasted.",
		Lab: "queue", Seed: 1, Run: demoOverload, Series: overloadSet,
	})
}

func demoOverload(seed uint64, sink trace.Sink) error {
	sc := steady(3, 300*ms)
	sc.crit = 0.1
	h, err := newHarness(func(cfg sim.Config) (*sim.Sim, error) {
		cfg.Seed, cfg.Trace, cfg.Lab, cfg.Scenario, cfg.Impl = seed, sink, "queue", "queue-overload", "solution"
		return sim.New(cfg)
	}, sc, solution.NewServer)
	if err != nil {
		return err
	}
	if err := h.run(); err != nil {
		return fmt.Errorf("queue-overload with seed %d: %w", seed, err)
	}
	return nil
}
