package queuelab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/labs/queue"
	"github.com/faultline-dev/faultline/labs/queue/solution"
)

// chartLoad is the workload the queue-overload demo charts: half the
// server's capacity for a second, three times it for a second and a half,
// then half again for two seconds.
func chartLoad() scenario {
	sc := steady(0.5, time.Second)
	sc.phases = append(sc.phases, phase{Until: 2500 * ms, Load: 3}, phase{Until: 4500 * ms, Load: 0.5})
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
		Marks:    []series.Interval{{From: time.Second, To: 2500 * ms, Label: "3× load"}},
		Headline: []string{"goodput", "queue length"},
	}
	sides := []struct {
		name string
		f    queue.Factory
	}{
		{"reference", solution.NewServer},
		{"unbounded FIFO", solution.New(solution.Bugs{Naive: true})},
	}
	for _, side := range sides {
		h, err := measure(chartLoad(), side.f, seed)
		if h == nil {
			return set, fmt.Errorf("queue-overload charts, %s: %w", side.name, err)
		}
		// A failed check is expected of the FIFO server: its figures are
		// the point.
		byName := map[string]Series{}
		end := 0.0 // the last instant any series of this side has
		for _, s := range h.rec.series() {
			byName[s.Name] = s
			if n := len(s.Point); n > 0 {
				end = max(end, s.Point[n-1].X)
			}
		}
		step := h.rec.width.Seconds()
		for _, metric := range chartMetrics {
			s, ok := byName[metric]
			if !ok {
				return set, fmt.Errorf("queue-overload charts: the recorder has no series %q", metric)
			}
			out := series.Series{Name: side.name + ": " + metric, Unit: s.Unit}
			for _, p := range s.Point {
				out.Add(time.Duration(p.X*float64(time.Second)), p.V)
			}
			if s.Unit == "requests/s" {
				// A rate's buckets stop at its last event: after that it
				// was zero (the FIFO server's goodput never came back).
				for x := lastX(s) + step; x <= end+step/2; x += step {
					out.Add(time.Duration(x*float64(time.Second)), 0)
				}
			}
			set.Series = append(set.Series, out.Every(250*time.Millisecond))
		}
	}
	return set, nil
}

func lastX(s Series) float64 {
	if len(s.Point) == 0 {
		return 0
	}
	return s.Point[len(s.Point)-1].X
}
