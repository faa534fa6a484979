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
func overloadSet(seed uint64) (series.Set, error) {
	set := series.Set{
		Marks:    []series.Interval{{From: time.Second, To: 2500 * suite.Ms, Label: "3× load"}},
		Headline: []string{"goodput", "queue length"},
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
			set.Series = append(set.Series, out.Every(250*time.Millisecond))
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
// p99 latency of finished work.
func curvesSet(seed uint64) (series.Set, error) {
	set := series.Set{X: "%v×", XTitle: "offered load (× capacity)", Headline: []string{"goodput", "p99 latency"}}
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

// mm1Set compares the mean number in the system of a FIFO server with one
// worker against M/M/1's ρ/(1−ρ) (Kleinrock, Queueing Systems, 1975), and
// the reference's, which sheds load and stays below the curve as ρ nears 1.
func mm1Set(seed uint64) (series.Set, error) {
	set := series.Set{X: "ρ=%v", XTitle: "utilization ρ (one worker)", Headline: []string{"number in system"}}
	rhos := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9}
	sides, err := chartSides()
	if err != nil {
		return set, err
	}
	for _, side := range sides {
		measured, mm1, err := NumberInSystem(side.f, seed, rhos, 20*time.Second)
		if err != nil {
			return set, fmt.Errorf("queue M/M/1 curve, %s: %w", side.name, err)
		}
		measured.Name = side.name + ": number in system"
		set.Series = append(set.Series, measured)
		if side.name == "unbounded FIFO" {
			mm1.Name = "M/M/1 ρ/(1−ρ): number in system"
			set.Series = append(set.Series, mm1)
		}
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
