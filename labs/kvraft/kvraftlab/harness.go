package kvraftlab

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/kvraft/kvhistory"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/raftlab"
)

// config describes a test's service and workload.
type config struct {
	servers, clerks int
	faults          faults.Model
	// maxRaftState is handed to the servers; 0 means no snapshots (-1).
	maxRaftState int
	keys         int           // keys the workload touches: k0, k1, ...
	ops          int           // operations each clerk runs
	think        time.Duration // the most a clerk waits between operations
	// readers is how many clerks, the first ones, only Get: a reader cut
	// off with a deposed leader shows whether reads go through the log.
	readers int
}

// harness is a test's view of the service: servers n1..nS, clerks after
// them, and the client-visible history. It sees the servers' Raft peers
// only through State (to aim its faults at leaders) and their storage
// through the simulator.
type harness struct {
	t       *suite.T
	s       *sim.Sim
	cfg     config
	impl    kvraft.Impl
	servers []node.ID
	clerks  []node.ID
	rafts   map[node.ID]raft.Node // the current incarnation's Raft peer
	r       *rand.Rand            // the workload's choices

	rec     *kvhistory.Recorder // the history, and each clerk's request in flight
	stopped bool                // no new operations
	seq     int                 // values written are unique: "n7.3;" is n7's third write

	test  string                      // the test's name, for its bounds (bounds.go)
	sends map[node.ID][]time.Duration // when each clerk sent each request to a server
	// worst is, for each calibrated bound, the most this run needed
	// (bounds.go); calibrating (set by bounds_test.go) lifts the bounds.
	worst       [nBounds]float64
	calibrating bool
}

// onHarness, set only by this package's tests (before any run), is handed
// every harness as it is built, to watch or calibrate the run.
var onHarness func(t *suite.T, c *harness)

func newHarness(t *suite.T, cfg config) *harness {
	impl := suite.ImplAs[kvraft.Impl](t)
	rf, err := raftlab.Base(labName, t.Dep("raft"))
	if err != nil {
		t.Fatalf("%v", err)
	}
	if cfg.faults.Latency.Kind == "" && cfg.faults.Latency.Min == 0 {
		cfg.faults = faults.Reliable()
	}
	maxRaftState := cfg.maxRaftState
	if maxRaftState == 0 {
		maxRaftState = -1
	}
	c := &harness{t: t, cfg: cfg, impl: impl, rafts: map[node.ID]raft.Node{}, r: t.Rand("workload"),
		test: strings.TrimPrefix(t.Name(), labName+"/"), sends: map[node.ID][]time.Duration{}}
	for i := 1; i <= cfg.servers; i++ {
		c.servers = append(c.servers, node.ID(i))
	}
	for i := 1; i <= cfg.clerks; i++ {
		id := node.ID(cfg.servers + i)
		c.clerks = append(c.clerks, id)
	}
	c.rec = kvhistory.NewRecorder(c.clerks)
	// Every incarnation gets its own copy of the server list: the harness
	// reads its own to choose whom to measure and crash, and a node that
	// changed a shared one would change that (DESIGN decision 13).
	factory := func(id node.ID) node.Node {
		if int(id) <= cfg.servers {
			// The harness keeps each server's Raft peer to find leaders,
			// under the server's own ID, whatever ID the server passes.
			watch := func(rid node.ID, apply func(raft.ApplyMsg)) raft.Node {
				n := rf(rid, apply)
				c.rafts[id] = n
				return n
			}
			return impl.NewServer(id, kvraft.ServerConfig{Servers: slices.Clone(c.servers), Raft: watch, MaxRaftState: maxRaftState})
		}
		clerk := impl.NewClerk(id, slices.Clone(c.servers), func(req int, value string) { c.done(id, req, value) })
		return countingClerk{Clerk: clerk, sent: func(to node.ID) { c.sent(id, to) }}
	}
	c.s = t.NewSim(sim.Config{Nodes: cfg.servers + cfg.clerks, Factory: factory, Faults: cfg.faults})
	t.Invariant("clerk replies", c.rec.Problem)
	if onHarness != nil {
		onHarness(t, c)
	}
	return c
}

// start has every clerk begin its operations, each after a pause drawn
// from the workload's stream.
func (c *harness) start() {
	for _, id := range c.clerks {
		c.s.After(c.pause(), func() { c.issue(id) })
	}
}

func (c *harness) pause() time.Duration {
	return time.Duration(c.r.Int64N(int64(c.cfg.think) + 1))
}

// issue submits the clerk's next operation, if it has one left.
func (c *harness) issue(id node.ID) {
	if c.stopped || c.rec.Issued(id) >= c.cfg.ops || c.rec.Busy(id) {
		return
	}
	if !c.t.Keep("op") {
		// The shrinker removed this operation: the clerk goes on to its next.
		c.rec.Skip(id)
		c.s.After(c.pause(), func() { c.issue(id) })
		return
	}
	key := fmt.Sprintf("k%d", c.r.IntN(c.cfg.keys))
	var op kvraft.Op
	reader := contains(c.clerks[:c.cfg.readers], id)
	switch p := c.r.IntN(10); {
	case p < 4 || reader:
		op = kvraft.Op{Kind: kvraft.Get, Key: key}
	case p < 6:
		c.seq++
		op = kvraft.Op{Kind: kvraft.Put, Key: key, Value: fmt.Sprintf("%v.%d;", id, c.seq)}
	default:
		c.seq++
		op = kvraft.Op{Kind: kvraft.Append, Key: key, Value: fmt.Sprintf("%v.%d;", id, c.seq)}
	}
	c.submit(id, op)
}

func (c *harness) submit(id node.ID, op kvraft.Op) {
	req := c.rec.Call(id, op, c.s.Now())
	if err := c.s.Call(id, func() string { return fmt.Sprintf("Submit(%d, %s)", req, kvhistory.DescribeOp(op)) }, func(n node.Node) string {
		n.(kvraft.Clerk).Submit(req, op)
		return ""
	}); err != nil {
		panic(fmt.Errorf("clerk %v cannot take calls: %w", id, err)) // tests never crash clerks
	}
}

// done records a clerk's answer: the return of the client-visible history.
func (c *harness) done(id node.ID, req int, value string) {
	if !c.rec.Return(id, req, value, c.s.Now()) {
		return
	}
	c.s.After(c.pause(), func() { c.issue(id) })
}

// leader returns a server that believes it leads in the highest term, or 0.
func (c *harness) leader() node.ID {
	best, bestTerm := node.ID(0), -1
	for _, id := range c.servers {
		n := c.rafts[id]
		if n == nil || !c.s.Up(id) {
			continue
		}
		if term, lead := n.State(); lead && term > bestTerm {
			best, bestTerm = id, term
		}
	}
	return best
}

// finish stops new operations, heals every fault, waits for every
// operation in flight to return, reads every key once more (so that a
// lost or doubled write shows), and checks the history and the clerks'
// request rate. Each wait has the test's calibrated bound (bounds.go).
func (c *harness) finish() {
	c.stopped = true
	c.s.Heal()
	for _, id := range c.servers {
		if !c.s.Up(id) {
			c.s.Restart(id)
		}
	}
	healed := c.s.Now()
	c.waitBound(recoverWait, healed, fmt.Sprintf("with every fault healed at %v", healed))
	// The clerks' workload stays stopped: each final read runs alone.
	for _, k := range c.rec.Keys() {
		at := c.s.Now()
		c.submit(c.clerks[0], kvraft.Op{Kind: kvraft.Get, Key: k})
		c.waitBound(readWait, at, fmt.Sprintf("on the healed cluster, the final read of %s, called at %v, alone", k, at))
	}
	c.checkRate()
	c.t.Check("exactly once", kvhistory.ExactlyOnce(c.rec.History))
	c.linearizable()
}

// waitIdle runs until no clerk has a request in flight, or fails the
// test's liveness at virtual time limit.
func (c *harness) waitIdle(limit time.Duration) {
	if c.s.RunUntilTrue(limit, c.rec.Idle) {
		return
	}
	c.t.Fail(suite.Failure{Check: "liveness", Kind: "request never returned",
		Msg: fmt.Sprintf("request never returned: %s did not complete by %v: does the clerk retry another server on a timeout, and does the leader answer once the entry is applied?", c.rec.Stuck(), limit)})
}

// checkSize fails if a server keeps more than bound bytes on disk.
func (c *harness) checkSize(bound int) {
	for _, id := range c.servers {
		if sz := c.s.DurableSize(id); sz > bound {
			c.t.Fail(suite.Failure{Check: "snapshot size", Kind: "storage not trimmed", Nodes: []node.ID{id},
				Msg: fmt.Sprintf("storage not trimmed: %v keeps %d bytes on disk, more than %d (MaxRaftState is %d): snapshot when Storage().Size() reaches MaxRaftState, and hand Raft the index the snapshot covers", id, sz, bound, c.cfg.maxRaftState)})
		}
	}
	c.t.Check("snapshot size", nil)
}

// partitionLeader cuts the current leader off with one other server and
// the given clerks, leaving the majority with the rest.
func (c *harness) partitionLeader(clerks []node.ID) {
	lead := c.leader()
	if lead == 0 {
		lead = c.servers[c.r.IntN(len(c.servers))]
	}
	group := []node.ID{lead}
	for len(group) < (len(c.servers)-1)/2 {
		id := c.servers[c.r.IntN(len(c.servers))]
		if !contains(group, id) {
			group = append(group, id)
		}
	}
	group = append(group, clerks...)
	c.s.Heal()
	c.s.Partition(group)
}

func contains(ids []node.ID, id node.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func appendOp(key string, id node.ID, n int) kvraft.Op {
	return kvraft.Op{Kind: kvraft.Append, Key: key, Value: fmt.Sprintf("%v.%d;", id, n)}
}
