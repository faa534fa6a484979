package backofflab

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

// The storm demo's numbers: two copies of the Slowdown test's service,
// halved so that the trace stays readable. Each has 3 clients offering 35
// calls/s to its own server (2 workers, 50 calls/s) with 1 s deadlines.
// From 2 s to 3 s both servers are ten times slower. Calls arrive until
// stormEnd: seven seconds after the slowdown, so that a chart shows the
// naive group still broken long after its trigger, not just at the moment
// it ended (issue 25.4).
const (
	stormClients = 3
	stormWorkers = 2
	stormRate    = 35
	stormFrom    = 2 * suite.Sec
	stormUntil   = 3 * suite.Sec
	stormEnd     = 10 * suite.Sec
	// stormTraceEnd ends the traced run sooner: the storm after it is more
	// of the same, and a trace of 5 s (about 13,000 records) can still be
	// stepped through.
	stormTraceEnd = 5 * suite.Sec
	stormReport   = 500 * suite.Ms
	stormChart    = 500 * suite.Ms
)

func registerDemo() {
	suite.RegisterDemo(suite.Demo{
		Name:  "backoff-storm",
		Title: "A retry storm outlives its trigger; a throttled client does not",
		Description: "Two copies of one service side by side: clients n1–n3 of server n4 retry at once (100 ms timeouts, " +
			"no backoff, no budget); clients n5–n7 of server n8 run the reference (backoff with full jitter, a " +
			"retry budget, adaptive throttling). Both get 35 calls/s, 70% of capacity, and from 2 s to 3 s both " +
			"servers are ten times slower. Read the notes every 500 ms: after 3 s the reference's goodput comes " +
			"back within two seconds, while the naive group's server stays full of retries and of calls its " +
			"clients gave up on: it works flat out, and its goodput stays at zero. The charts run to 10 s, seven " +
			"seconds after the slowdown, and the naive group is still down at the end; the trace holds the first 5 s.",
		Lab: "backoff", Seed: 1, Run: func(seed uint64, sink trace.Sink) error {
			_, err := storm(seed, sink, stormTraceEnd)
			return err
		},
		Series: series.Memo(stormSet),
	})
}

// stormSet runs the storm demo untraced and names each side's series
// "naive: goodput", "reference: goodput" and so on, for charts; rates are
// averaged over stormChart, since a 100 ms bucket holds only three or four
// calls (the queue is the longest it got in each stormChart), and the
// charts end with the calls, at stormEnd. The offered load,
// 35 calls/s, is a guide on the charts of goodput and arrivals: what a
// healthy group serves, and what its server would get without retries.
func stormSet(seed uint64) (series.Set, error) {
	sides, err := Storm(seed, nil)
	if err != nil {
		return series.Set{}, err
	}
	offered := fmt.Sprintf("offered load, %d calls/s", stormRate)
	set := series.Set{Marks: []series.Interval{{From: stormFrom, To: stormUntil, Label: "slowdown"}},
		Headline: []string{"goodput", "server arrivals"},
		Guides:   []series.Guide{{Metric: "goodput", Label: offered, V: stormRate}, {Metric: "server arrivals", Label: offered, V: stormRate}}}
	for _, side := range sides {
		for _, s := range side.Series {
			if s.Name == "queue" {
				s = s.EveryMax(stormChart) // the longest it got, in whole attempts
				s.Count = true
			} else {
				s = s.Every(stormChart)
			}
			for len(s.Points) > 0 && s.Points[len(s.Points)-1].T >= stormEnd {
				s.Points = s.Points[:len(s.Points)-1]
			}
			s.Name = side.Client + ": " + s.Name
			set.Series = append(set.Series, s)
		}
	}
	return set, nil
}

// StormSeries is the time series of one side of the storm demo.
type StormSeries struct {
	Client string // "naive" or "reference"
	Series []series.Series
}

// stormGroup is one side of the demo: its clients, its server, its meter.
type stormGroup struct {
	name    string
	clients []node.ID
	server  node.ID
	factory backoff.Factory
	meter   *meter
	srv     *server
	starts  map[callKey]time.Duration
	rng     *rand.Rand
	next    map[node.ID]int
}

func (g *stormGroup) arrived(_ node.ID, _ backoff.Request, now time.Duration) { g.meter.arrive(now) }
func (g *stormGroup) executed(from node.ID, r backoff.Request, now time.Duration) {
	start, ok := g.starts[callKey{from, r.ID}]
	g.meter.execute(now, !ok || now-start > suite.Sec)
}
func (g *stormGroup) refused(node.ID, backoff.Request, time.Duration) {}
func (g *stormGroup) queueLen(now time.Duration, n int)               { g.meter.queueLen(now, n) }

// Storm runs the backoff-storm demo with seed, calls arriving until
// stormEnd, sending its trace to sink (which may be nil), and returns both
// sides' time series for charts.
func Storm(seed uint64, sink trace.Sink) ([]StormSeries, error) { return storm(seed, sink, stormEnd) }

// storm runs the demo with calls arriving until end.
func storm(seed uint64, sink trace.Sink, end time.Duration) ([]StormSeries, error) {
	cfg := defaultServer()
	cfg.workers = stormWorkers
	cfg.trigger = func(now time.Duration) (float64, int) {
		if now >= stormFrom && now < stormUntil {
			return 10, cfg.workers
		}
		return 1, cfg.workers
	}
	naive, err := factoryOf("mutant:naive")
	if err != nil {
		return nil, err
	}
	ref, err := factoryOf("solution")
	if err != nil {
		return nil, err
	}
	groups := []*stormGroup{
		{name: "naive", factory: naive},
		{name: "reference", factory: ref},
	}
	byNode := map[node.ID]*stormGroup{}
	id := node.ID(1)
	for _, g := range groups {
		for range stormClients {
			g.clients = append(g.clients, id)
			byNode[id] = g
			id++
		}
		g.server, byNode[id] = id, g
		id++
		g.meter, g.starts, g.next = newMeter(), map[callKey]time.Duration{}, map[node.ID]int{}
		g.srv = newServer(cfg, g)
	}
	var s *sim.Sim
	s, err = sim.New(sim.Config{Nodes: int(id - 1), Seed: seed, Trace: sink, Lab: "backoff", Scenario: "backoff-storm",
		Faults: network(0), MaxEvents: 2_000_000,
		Factory: func(id node.ID) node.Node {
			g := byNode[id]
			if id == g.server {
				return g.srv
			}
			return g.factory(id, g.server, func(cid int, res backoff.Result) {
				now := s.Now()
				g.meter.answer(now, now-g.starts[callKey{id, cid}], res == backoff.OK)
			})
		}})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		g.rng = s.Rand("open-loop/" + g.name)
		var arrive func()
		gap := func() time.Duration { return time.Duration(g.rng.ExpFloat64() / stormRate * float64(suite.Sec)) }
		arrive = func() {
			c := g.clients[g.rng.IntN(len(g.clients))]
			g.next[c]++
			cid, now := g.next[c], s.Now()
			g.starts[callKey{c, cid}] = now
			g.meter.offer(now)
			if err := s.Call(c, func() string { return fmt.Sprintf("Call(%d, %v)", cid, now+suite.Sec) }, func(n node.Node) string {
				n.(backoff.Client).Call(cid, now+suite.Sec)
				return ""
			}); err != nil {
				panic(fmt.Errorf("backoff-storm: call into %v: %w", c, err))
			}
			if at := now + gap(); at < end {
				s.At(at, arrive)
			}
		}
		s.At(gap(), arrive)
	}
	capacity := cfg.capacity()
	s.At(stormFrom, func() {
		s.Notef("both servers slow down tenfold: %s calls/s instead of %s", round(capacity/10), round(capacity))
	})
	s.At(stormUntil, func() { s.Notef("the slowdown is over: %s calls/s again", round(capacity)) })
	for at := stormReport; at <= end; at += stormReport {
		s.At(at, func() {
			from := at - stormReport
			line := fmt.Sprintf("last %v:", stormReport)
			for _, g := range groups {
				m := g.meter
				line += fmt.Sprintf(" %s: offered %s/s, arrivals %s/s, goodput %s/s, wasted %s/s, queue %d;", g.name,
					round(perSec(m.offered.Sum(from, at), stormReport)), round(perSec(m.arrivals.Sum(from, at), stormReport)),
					round(perSec(m.goodput.Sum(from, at), stormReport)), round(perSec(m.wasted.Sum(from, at), stormReport)),
					len(g.srv.queue))
			}
			s.Notef("%s", line[:len(line)-1])
		})
	}
	s.RunUntil(end + suite.Sec + 10*suite.Ms)
	out := make([]StormSeries, len(groups))
	for i, g := range groups {
		g.meter.extend(end + suite.Sec)
		out[i] = StormSeries{Client: g.name, Series: g.meter.Series()}
	}
	return out, nil
}
