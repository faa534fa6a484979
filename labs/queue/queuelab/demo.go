package queuelab

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

func init() {
	suite.RegisterDemo(suite.Demo{
		Name:  "queue-overload",
		Title: "Shedding load at 3× capacity",
		Description: "Eight clients send three times what the server's four workers can do, a tenth of it critical, " +
			"for 300 ms. Follow the notes: the reference server starts critical requests first, keeps a short queue " +
			"per client, and rejects best-effort requests that waited too long or could no longer finish by their " +
			"deadline, so that every request it starts finishes in time and no worker time is wasted.",
		Lab: "queue", Seed: 1, Run: demoOverload, Series: series.Memo(overloadSet),
	})
}

func init() {
	suite.RegisterDemo(suite.Demo{
		Name:  "queue-curves",
		Title: "Goodput against offered load",
		Description: "The reference server and an unbounded FIFO server at ten offered loads from a quarter of capacity " +
			"to five times it, four seconds each: goodput (work finished by its deadline) collapses for the FIFO " +
			"server past 1× and holds a plateau near capacity for the reference. The trace is the FIFO server at 2×.",
		Lab: "queue", Seed: 1, Run: demoFIFO2x, Series: series.Memo(curvesSet),
	})
	suite.RegisterDemo(suite.Demo{
		Name:  "queue-mm1",
		Title: "The number in the system against utilization",
		Description: "One worker, exponential service: the FIFO server's mean number in the system follows M/M/1's " +
			"ρ/(1−ρ), and its mean queueing delay ρ/(μ(1−ρ)), both growing without bound as ρ nears 1; the reference " +
			"sheds load and stays below them. The FIFO server's runs last 8 s/(1−ρ)², up to 800 s at ρ = 0.9, since a busy " +
			"queue takes that long to settle. The trace is the FIFO server at 2×.",
		Lab: "queue", Seed: 1, Run: demoFIFO2x, Series: series.Memo(mm1Set),
	})
}

// demoFIFO2x traces the unbounded FIFO server at twice its capacity.
func demoFIFO2x(seed uint64, sink trace.Sink) error {
	fifo, err := factoryOf("mutant:naive-fifo")
	if err != nil {
		return err
	}
	h, err := newHarness(func(cfg sim.Config) (*sim.Sim, error) {
		cfg.Seed, cfg.Trace, cfg.Lab, cfg.Scenario, cfg.Impl = seed, sink, "queue", "fifo-2x", "naive-fifo"
		return sim.New(cfg)
	}, steady(2, 500*suite.Ms), fifo)
	if err != nil {
		return err
	}
	h.run() // the FIFO server fails the lab's checks: that is what it shows
	return nil
}

func demoOverload(seed uint64, sink trace.Sink) error {
	ref, err := factoryOf("solution")
	if err != nil {
		return err
	}
	sc := steady(3, 300*suite.Ms)
	sc.crit = 0.1
	h, err := newHarness(func(cfg sim.Config) (*sim.Sim, error) {
		cfg.Seed, cfg.Trace, cfg.Lab, cfg.Scenario, cfg.Impl = seed, sink, "queue", "queue-overload", "solution"
		return sim.New(cfg)
	}, sc, ref)
	if err != nil {
		return err
	}
	if err := h.run(); err != nil {
		return fmt.Errorf("queue-overload with seed %d: %w", seed, err)
	}
	return nil
}
