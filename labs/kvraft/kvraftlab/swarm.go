package kvraftlab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
)

// The long-tail network of the swarm tests (issue 23): the unreliable
// network's 1–30 ms, loss and duplication, except that a share of the
// messages, drawn per seed, is held tailMin–tailMax. A request held that
// long reaches a server after its clerk timed out, retried elsewhere and
// moved on; a copy of it may reach a new leader after the clerk's later
// requests ran.
const (
	tailMin = 200 * time.Millisecond
	tailMax = 2 * time.Second
)

// The shares of held messages a seed draws from: of the clerks' requests
// (what makes old duplicates), and of every other message (Raft's).
var (
	requestShares = []float64{0.1, 0.2, 0.3}
	tailShares    = []float64{0.01, 0.05, 0.1}
	// swarmMaxRaftStates are the MaxRaftState values SnapshotFaults draws.
	swarmMaxRaftStates = []int{500, 1000, snapBound}
)

// swarm is the configuration a swarm test draws from its seed, from its
// own stream (so that the workload's choices are those of any other
// seed): the cluster's size, the network and the faults. It is logged, so
// that a failing seed's report and trace say what it ran.
type swarm struct {
	servers      int
	requests     float64 // the share of clerks' messages held tailMin–tailMax
	share        float64 // the share of other messages held so
	crashes      bool    // the leader, and sometimes another server, crash and restart
	partitions   bool    // the leader is cut off with some clerks
	maxRaftState int     // 0: no snapshots
}

func drawSwarm(t *suite.T, snapshots bool) swarm {
	r := t.Rand("swarm")
	w := swarm{servers: []int{3, 5}[r.IntN(2)], requests: requestShares[r.IntN(len(requestShares))],
		share: tailShares[r.IntN(len(tailShares))]}
	switch r.IntN(3) {
	case 0:
		w.crashes = true
	case 1:
		w.partitions = true
	default:
		w.crashes, w.partitions = true, true
	}
	if snapshots {
		w.maxRaftState = swarmMaxRaftStates[r.IntN(len(swarmMaxRaftStates))]
	}
	return w
}

func (w swarm) String() string {
	s := fmt.Sprintf("%d servers; 1-30 ms, 10%% lost, 5%% duplicated; held %v-%v: %.0f%% of the clerks' messages, %.0f%% of the others", w.servers, tailMin, tailMax, w.requests*100, w.share*100)
	switch {
	case w.crashes && w.partitions:
		s += "; leader crashes and partitions"
	case w.crashes:
		s += "; leader crashes"
	default:
		s += "; leader partitions"
	}
	if w.maxRaftState > 0 {
		s += fmt.Sprintf("; MaxRaftState %d", w.maxRaftState)
	}
	return s
}

// faults is the network for clerks numbered after the servers.
func (w swarm) faults(clerks int) faults.Model {
	m := faults.Unreliable()
	tail := func(share float64) faults.Dist {
		return faults.Dist{Kind: faults.LongTail, Min: m.Latency.Min, Max: m.Latency.Max,
			TailProb: share, TailMin: faults.Duration(tailMin), TailMax: faults.Duration(tailMax)}
	}
	m.Latency = tail(w.share)
	requests := tail(w.requests)
	for i := 1; i <= clerks; i++ {
		m.Links = append(m.Links, faults.LinkRule{From: node.ID(w.servers + i), Latency: &requests})
	}
	return m
}

// run runs the swarm's faults until horizon, with clerks that think up to
// think between operations, and finishes.
func (w swarm) run(t *suite.T, ops int, think, horizon time.Duration) *harness {
	const clerks = 4
	c := newHarness(t, config{servers: w.servers, clerks: clerks, keys: 3, ops: ops, think: think, maxRaftState: w.maxRaftState, faults: w.faults(clerks)})
	// Logged once the simulation exists, so that the note is in the trace
	// as well as in the report.
	t.Logf("configuration: %s", w)
	if w.crashes {
		c.crashes(1500*suite.Ms, horizon, false)
	}
	if w.partitions {
		c.leaderPartitions(1200*suite.Ms, horizon)
	}
	c.start()
	c.s.RunFor(horizon)
	c.finish()
	return c
}

// testLongDelays is part B under the long-tail network: old requests and
// old duplicates reach leaders long after their clerks moved on.
func testLongDelays(t *suite.T) {
	drawSwarm(t, false).run(t, 30, 200*suite.Ms, 6*suite.Sec)
}

// testSnapshotFaults is part C under the long-tail network with crashes
// and partitions: snapshots are taken, installed and recovered from while
// old messages arrive.
func testSnapshotFaults(t *suite.T) {
	w := drawSwarm(t, true)
	c := w.run(t, 30, 200*suite.Ms, 6*suite.Sec)
	c.checkSize(storageFactor * w.maxRaftState)
}
