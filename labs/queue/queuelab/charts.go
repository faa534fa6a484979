package queuelab

import (
	"fmt"
	"slices"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/queue"
)

// chartLoad is the workload the queue-overload demo charts: half the
// server's capacity for a second, three times it for a second and a half,
// then half again for two seconds.
func chartLoad() scenario {
	sc := steady(0.5, time.Second)
	sc.phases = append(sc.phases, phase{Until: 2500 * suite.Ms, Load: 3}, phase{Until: 4500 * suite.Ms, Load: 0.5})
	return sc
}

// chartMetrics are the series the demo charts, goodput and the queue first.
var chartMetrics = []string{"goodput", "queue length", "latency p99", "offered", "wasted"}

// overloadSet runs chartLoad against the reference and against an
// unbounded FIFO server with no policy, and returns both sides' series for
// charts (DESIGN.md decision 12): goodput collapsing against goodput held
// near capacity, and the queue during the burst, from the same seed.
//
// The offered load, in steps, and the capacity are guides on the goodput
// chart: what was asked of the servers, and the most they can do.
func overloadSet(seed uint64) (series.Set, error) {
	load := chartLoad()
	capacity := load.cfg.Capacity()
	offered := series.Guide{Metric: "goodput", Label: "offered load"}
	var from time.Duration
	for _, ph := range load.phases {
		offered.Points = append(offered.Points, series.Point{T: from, V: ph.Load * capacity}, series.Point{T: ph.Until, V: ph.Load * capacity})
		from = ph.Until
	}
	set := series.Set{
		Marks:    []series.Interval{{From: time.Second, To: 2500 * suite.Ms, Label: "3× load"}},
		Headline: []string{"goodput", "queue length"},
		Guides:   []series.Guide{offered, {Metric: "goodput", Label: fmt.Sprintf("capacity, %.0f/s", capacity), V: capacity}},
	}
	sides, err := chartSides()
	if err != nil {
		return set, err
	}
	for _, side := range sides {
		h, err := measure(chartLoad(), side.f, seed)
		if h == nil {
			return set, fmt.Errorf("queue-overload charts, %s: %w", side.name, err)
		}
		// A failed check is expected of the FIFO server: its figures are
		// the point.
		byName := map[string]series.Series{}
		var end time.Duration // the last instant any series of this side has
		for _, s := range h.rec.series() {
			byName[s.Name] = s
			if n := len(s.Points); n > 0 {
				end = max(end, s.Points[n-1].T)
			}
		}
		step := h.rec.width
		for _, metric := range chartMetrics {
			s, ok := byName[metric]
			if !ok {
				return set, fmt.Errorf("queue-overload charts: the recorder has no series %q", metric)
			}
			out := series.Series{Name: side.name + ": " + metric, Unit: s.Unit, Points: slices.Clone(s.Points)}
			if s.Unit == "requests/s" {
				// A rate's buckets stop at its last event: after that it
				// was zero (the FIFO server's goodput never came back).
				for t := lastT(s) + step; t <= end+step/2; t += step {
					out.Add(t, 0)
				}
			}
			if s.Unit == "requests" {
				// A level kept as the most in each bucket: the most in
				// each 250 ms, a whole number of requests.
				out = out.EveryMax(250 * time.Millisecond)
				out.Count = true
			} else {
				out = out.Every(250 * time.Millisecond)
			}
			set.Series = append(set.Series, out)
		}
	}
	return set, nil
}

func lastT(s series.Series) time.Duration {
	if len(s.Points) == 0 {
		return 0
	}
	return s.Points[len(s.Points)-1].T
}

// curveLoads are the offered loads, × capacity, of the goodput curve.
var curveLoads = []float64{0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4, 5}

// curvesSet draws the classic curves of an overloaded server, one 4 s run
// per offered load and side: goodput against offered load (a FIFO server
// collapses past 1×, the reference holds a plateau near capacity) and the
// p99 latency of finished work. The goodput chart's guide is the most a
// server can do, min(offered, capacity).
func curvesSet(seed uint64) (series.Set, error) {
	ideal := series.Guide{Metric: "goodput", Label: "all offered work, up to capacity",
		Points: []series.Point{{T: 0, V: 0}, {T: series.AtX(1), V: 1}, {T: series.AtX(curveLoads[len(curveLoads)-1]), V: 1}}}
	set := series.Set{X: "%v×", XTitle: "offered load (× capacity)", Headline: []string{"goodput", "p99 latency"}, Guides: []series.Guide{ideal}}
	sides, err := chartSides()
	if err != nil {
		return set, err
	}
	for _, side := range sides {
		good := series.Series{Name: side.name + ": goodput", Unit: "× capacity"}
		p99 := series.Series{Name: side.name + ": p99 latency", Unit: "ms"}
		for _, load := range curveLoads {
			h, err := measure(steady(load, runFor), side.f, seed)
			if h == nil {
				return set, fmt.Errorf("queue curves, %s at %g×: %w", side.name, load, err)
			}
			fig := h.figures()
			good.Add(series.AtX(load), fig.goodput(warmUp, runFor)/fig.capacity)
			t := fig.tally(arrivedIn(warmUp, runFor))
			if lat := slices.Sorted(slices.Values(t.latencies)); len(lat) > 0 {
				p99.Add(series.AtX(load), series.Quantile(lat, 0.99))
			}
		}
		set.Series = append(set.Series, good, p99)
	}
	return set, nil
}

// mm1Rhos are the utilizations of the M/M/1 chart.
var mm1Rhos = []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9}

// mm1Set compares the mean number in the system and the mean queueing
// delay of a FIFO server with one worker against M/M/1's ρ/(1−ρ) and
// ρ/(μ(1−ρ)), drawn as guides, and the reference's, which sheds load and
// stays below them as ρ nears 1. The FIFO server's runs last
// mm1Duration(ρ), up to 800 s at ρ = 0.9, long enough to match the
// theory there; the reference bounds its queue, so its runs settle within
// 100 s.
func mm1Set(seed uint64) (series.Set, error) {
	mean := configFor(1, mm1Cut).MeanService
	number := series.Guide{Metric: "number in system", Label: "M/M/1 theory, ρ/(1−ρ)"}
	delay := series.Guide{Metric: "queueing delay", Label: "M/M/1 theory, ρ/(μ(1−ρ))"}
	for r := 0; r <= 90; r++ {
		rho := float64(r) / 100
		number.Points = append(number.Points, series.Point{T: series.AtX(rho), V: rho / (1 - rho)})
		delay.Points = append(delay.Points, series.Point{T: series.AtX(rho), V: mm1Delay(rho, mean)})
	}
	set := series.Set{X: "ρ=%v", XTitle: "utilization ρ (one worker)", Headline: []string{"number in system", "queueing delay"},
		Guides: []series.Guide{number, delay}}
	sides, err := chartSides()
	if err != nil {
		return set, err
	}
	for _, side := range sides {
		d := mm1Duration
		if side.name == "reference" {
			d = func(rho float64) time.Duration { return min(mm1Duration(rho), 100*suite.Sec) }
		}
		m, err := MeasureMM1(side.f, seed, mm1Rhos, d)
		if err != nil {
			return set, fmt.Errorf("queue M/M/1 curve, %s: %w", side.name, err)
		}
		m.Number.Name, m.Delay.Name = side.name+": number in system", side.name+": queueing delay"
		set.Series = append(set.Series, m.Number, m.Delay)
	}
	return set, nil
}

// chartSide is one server the charts compare.
type chartSide struct {
	name string
	f    queue.Factory
}

// chartSides returns the servers the charts compare: the reference and
// the unbounded FIFO (the naive-fifo mutant).
func chartSides() ([]chartSide, error) {
	var sides []chartSide
	for _, s := range []struct{ name, impl string }{{"reference", "solution"}, {"unbounded FIFO", "mutant:naive-fifo"}} {
		f, err := factoryOf(s.impl)
		if err != nil {
			return nil, err
		}
		sides = append(sides, chartSide{s.name, f})
	}
	return sides, nil
}
