package queuelab

import (
	"fmt"
	"math"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/queue"
)

// The lab's server: four workers; service times exponential with a mean
// of 20 ms before a cut at 80 ms (so a request started 80 ms before its
// deadline always finishes in time). Their mean after the cut is
// 20 ms × (1 − e⁻⁴) ≈ 19.63 ms, so capacity is about 203.7 requests/s.
const (
	workers    = 4
	serviceExp = 20 * suite.Ms // the mean of the exponential before the cut
	serviceCut = 4             // the cut, in multiples of serviceExp
)

// labConfig is the Config every graded test gives the server.
func labConfig() queue.Config { return configFor(workers, serviceCut) }

// configFor returns the Config of n workers whose service is cut at cut
// means (0: not cut).
func configFor(n int, cut float64) queue.Config {
	mean := float64(serviceExp)
	maxSvc := time.Duration(math.MaxInt64)
	if cut > 0 {
		mean *= 1 - math.Exp(-cut)
		maxSvc = time.Duration(cut * float64(serviceExp))
	}
	return queue.Config{Workers: n, MeanService: time.Duration(mean), MaxService: maxSvc}
}

// Deadlines: each request's budget is drawn uniformly from this range.
const (
	minBudget = 100 * suite.Ms
	maxBudget = 300 * suite.Ms
)

// phase is a stretch of open-loop Poisson arrivals at Load times capacity.
type phase struct {
	Until time.Duration // the phase ends (the previous one's end is its start)
	Load  float64
}

// scenario is one run's workload.
type scenario struct {
	desc    string // for messages: "at 2× load"
	cfg     queue.Config
	cut     float64 // service times are cut at cut × serviceExp (0: not cut)
	phases  []phase // open-loop load over time
	clients int     // open-loop clients sharing the phases' load evenly
	crit    float64 // fraction of open-loop requests that are critical
	budget  [2]time.Duration
	// flood is one more client, numbered clients+1, sending best-effort
	// requests at flood × capacity for the whole open-loop period.
	flood float64
	// closed is a closed-loop population: each client thinks (exponential
	// with mean think), sends, waits for the answer or its deadline, and
	// thinks again, until closedUntil.
	closed      int
	think       time.Duration
	closedUntil time.Duration
}

// steady is n seconds of Poisson arrivals at load × capacity from eight
// clients, all best-effort.
func steady(load float64, d time.Duration) scenario {
	return scenario{desc: fmt.Sprintf("at %g× load", load), cfg: labConfig(), cut: serviceCut, phases: []phase{{d, load}}, clients: 8,
		budget: [2]time.Duration{minBudget, maxBudget}}
}

// end returns when the last arrival may come.
func (sc scenario) end() time.Duration {
	var e time.Duration
	if n := len(sc.phases); n > 0 {
		e = sc.phases[n-1].Until
	}
	return max(e, sc.closedUntil)
}

// burstEnd is when the Recovery test's burst ends.
const burstEnd = 1 * suite.Sec

// scenarios builds each graded test's workload, by test name.
var scenarios = map[string]func() scenario{
	"Underload":     func() scenario { return steady(0.5, runFor) },
	"FastRejection": func() scenario { return steady(2, runFor) },
	"LittlesLaw": func() scenario {
		sc := steady(2, runFor)
		sc.crit = 0.1
		return sc
	},
	"NoWastedWork": func() scenario { return steady(2, runFor) },
	"Recovery": func() scenario {
		// A second at 5× capacity, then 1.5 s at half of it.
		sc := steady(5, burstEnd)
		sc.phases = append(sc.phases, phase{Until: burstEnd + 1500*suite.Ms, Load: 0.5})
		sc.desc = "in a 5× burst and after it"
		return sc
	},
	"Goodput1x": func() scenario { return steady(1, runFor) },
	"Goodput2x": func() scenario { return steady(2, runFor) },
	"Goodput5x": func() scenario { return steady(5, runFor) },
	"ClosedLoop": func() scenario {
		// 120 clients thinking 200 ms on average would offer up to 600
		// requests/s, about 3× capacity, if every answer came at once.
		return scenario{desc: "with 120 closed-loop clients", cfg: labConfig(), cut: serviceCut, budget: [2]time.Duration{minBudget, maxBudget},
			closed: 120, think: 200 * suite.Ms, closedUntil: runFor}
	},
	"CriticalFirst": func() scenario {
		// 3× capacity, a tenth of it critical: 0.3× capacity of critical
		// work, which the workers can always serve.
		sc := steady(3, runFor)
		sc.crit = 0.1
		return sc
	},
	"CriticalOverload": func() scenario {
		// 3.5× capacity, six sevenths of it critical: critical work alone
		// is 3× what the workers can do, and best-effort work 0.5×.
		sc := steady(3.5, runFor)
		sc.crit = 6.0 / 7
		sc.desc = "with critical work alone at 3× load"
		return sc
	},
	"FloodingClient": func() scenario {
		// Nine clients share half of capacity; client 10 alone sends 3×.
		sc := steady(0.5, runFor)
		sc.clients, sc.flood = 9, 3
		sc.desc = "under a 3× flood from one client"
		return sc
	},
}
