package queuelab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/labs/queue"
)

// Measure runs a graded test's workload against f outside the grader, with
// the given seed, and returns the run's time series in virtual time, in
// buckets of 50 ms: offered load, admitted, goodput, wasted and rejected
// requests per second, the queue length (the lab's count and the server's
// QueueLen, the most in each bucket), and the p50 and p99 latency of
// admitted work by the bucket it finished in. A protocol violation or a
// request never answered is returned as an error, with the series so far.
func Measure(test string, f queue.Factory, seed uint64) ([]series.Series, error) {
	mk, ok := scenarios[test]
	if !ok {
		return nil, fmt.Errorf("queue lab has no test %q", test)
	}
	h, err := measure(mk(), f, seed)
	if h == nil {
		return nil, err
	}
	return h.rec.series(), err
}

// measure runs sc against f outside the grader.
func measure(sc scenario, f queue.Factory, seed uint64) (*harness, error) {
	h, err := newHarness(func(cfg sim.Config) (*sim.Sim, error) {
		cfg.Seed, cfg.Lab = seed, "queue"
		return sim.New(cfg)
	}, sc, f)
	if err != nil {
		return nil, err
	}
	return h, h.run()
}

// GoodputCurve is the classic curve of an overloaded server: goodput (work
// finished by its deadline, per second, as a fraction of capacity) against
// offered load (a multiple of capacity), one run of 4 s per load. A server
// without a policy collapses toward zero past 1×; a good one stays near 1.
func GoodputCurve(f queue.Factory, seed uint64, loads []float64) (series.Series, error) {
	s := series.Series{Name: "goodput", Unit: "× capacity"} // over offered load (series.AtX)
	for _, load := range loads {
		h, err := measure(steady(load, runFor), f, seed)
		if err != nil {
			return s, fmt.Errorf("at %g× load: %w", load, err)
		}
		fig := h.figures()
		s.Add(series.AtX(load), fig.goodput(warmUp, runFor)/fig.capacity)
	}
	return s, nil
}

// NumberInSystem measures the mean number of requests in the system
// (waiting or being served, by the lab's count, averaged over time)
// against utilization ρ, with one worker, exponential service (mean 20 ms,
// not cut) and deadlines too far away to matter: the M/M/1 queue, whose
// mean number in the system is ρ/(1−ρ). It returns the measured curve and
// M/M/1's. A FIFO server follows the theory; a server that sheds load
// stays below it as ρ nears 1, which is the point.
func NumberInSystem(f queue.Factory, seed uint64, rhos []float64, d time.Duration) (measured, mm1 series.Series, err error) {
	// Both over utilization ρ (series.AtX).
	measured = series.Series{Name: "number in system, measured", Unit: "requests"}
	mm1 = series.Series{Name: "number in system, M/M/1 ρ/(1−ρ)", Unit: "requests"}
	for _, rho := range rhos {
		sc := scenario{cfg: configFor(1, mm1Cut), cut: mm1Cut, phases: []phase{{d, rho}}, clients: 1,
			budget: [2]time.Duration{time.Hour, time.Hour}}
		h, err := measure(sc, f, seed)
		if err != nil {
			return measured, mm1, fmt.Errorf("at ρ = %g: %w", rho, err)
		}
		fig := h.figures()
		measured.Add(series.AtX(rho), fig.trueL+fig.busy.Seconds()/h.s.Now().Seconds())
		mm1.Add(series.AtX(rho), rho/(1-rho))
	}
	return measured, mm1, nil
}

// mm1Cut cuts M/M/1's service times at 20 means, which changes their mean
// by e⁻²⁰: not at all, for a curve.
const mm1Cut = 20

// BurstQueue is the queue length (the most waiting in each 50 ms, by the
// lab's count) over the Recovery test's workload: a second at 5× capacity,
// then 1.5 s at half of it. A queue that defers pain stays long after the
// burst; a good one empties at once.
func BurstQueue(f queue.Factory, seed uint64) (series.Series, error) {
	h, err := measure(scenarios["Recovery"](), f, seed)
	if h == nil {
		return series.Series{}, err
	}
	for _, s := range h.rec.series() {
		if s.Name == "queue length" {
			return s, err
		}
	}
	return series.Series{}, fmt.Errorf("no queue length series")
}
