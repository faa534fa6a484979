package queuelab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
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
// M/M/1's, each run lasting d. A FIFO server follows the theory; a server
// that sheds load stays below it as ρ nears 1, which is the point.
func NumberInSystem(f queue.Factory, seed uint64, rhos []float64, d time.Duration) (measured, mm1 series.Series, err error) {
	m, err := MeasureMM1(f, seed, rhos, func(float64) time.Duration { return d })
	return m.Number, m.NumberTheory, err
}

// MM1 is what MeasureMM1 measured, each curve over utilization ρ
// (series.AtX): the mean number in the system and the mean queueing delay
// (from arrival to the start of service, or to a rejection), measured and
// as M/M/1 has them, ρ/(1−ρ) and ρ/(μ(1−ρ)) (Kleinrock, Queueing Systems,
// vol. 1, 1975, §3.2; Harchol-Balter, Performance Modeling and Design of
// Computer Systems, 2013, ch. 13).
type MM1 struct {
	Number, NumberTheory, Delay, DelayTheory series.Series
}

// MeasureMM1 runs the M/M/1 setting of NumberInSystem at each ρ for d(ρ)
// of arrivals. A run must be long for a busy queue: the time an M/M/1
// queue takes to forget where it started grows like 1/(1−ρ)², and the
// spread of a run's time-average with it (Whitt, "Planning queueing
// simulations", Management Science 35(11), 1989). mm1Duration gives
// lengths that suffice.
func MeasureMM1(f queue.Factory, seed uint64, rhos []float64, d func(rho float64) time.Duration) (MM1, error) {
	cfg := configFor(1, mm1Cut)
	m := MM1{
		Number:       series.Series{Name: "number in system, measured", Unit: "requests"},
		NumberTheory: series.Series{Name: "number in system, M/M/1 ρ/(1−ρ)", Unit: "requests"},
		Delay:        series.Series{Name: "queueing delay, measured", Unit: "ms"},
		DelayTheory:  series.Series{Name: "queueing delay, M/M/1 ρ/(μ(1−ρ))", Unit: "ms"},
	}
	for _, rho := range rhos {
		sc := scenario{cfg: cfg, cut: mm1Cut, phases: []phase{{d(rho), rho}}, clients: 1,
			budget: [2]time.Duration{time.Hour, time.Hour}}
		h, err := measure(sc, f, seed)
		if err != nil {
			return m, fmt.Errorf("at ρ = %g: %w", rho, err)
		}
		fig := h.figures()
		x := series.AtX(rho)
		m.Number.Add(x, fig.trueL+fig.busy.Seconds()/h.s.Now().Seconds())
		m.NumberTheory.Add(x, rho/(1-rho))
		m.Delay.Add(x, fig.w*1000)
		m.DelayTheory.Add(x, mm1Delay(rho, cfg.MeanService))
	}
	return m, nil
}

// mm1Delay is M/M/1's mean queueing delay in ms, ρ/(μ(1−ρ)) with μ the
// service rate, 1/mean.
func mm1Delay(rho float64, mean time.Duration) float64 {
	return rho / (1 - rho) * float64(mean) / float64(suite.Ms)
}

// mm1Duration is how long the M/M/1 curve's runs last at ρ: 8 s/(1−ρ)²,
// at least 20 s and at most 800 s (800 s at ρ = 0.9, where one run's mean
// number in the system still varies by about 12% from seed to seed, and
// the median of five by less).
func mm1Duration(rho float64) time.Duration {
	d := time.Duration(8 / ((1 - rho) * (1 - rho)) * float64(suite.Sec))
	return min(max(d, 20*suite.Sec), 800*suite.Sec).Round(suite.Sec)
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
