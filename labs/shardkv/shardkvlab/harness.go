package shardkvlab

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft/kvhistory"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/raftlab"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// Node layout of every test: controllers n1..n3, then groups of three
// servers (GIDs 100, 101, ...), then the clerks, then the admin node.
const (
	nControllers = 3
	groupSize    = 3
	firstGID     = 100
)

// config describes a test's service and workload.
type config struct {
	groups, clerks int
	faults         faults.Model
	keys           []string      // keys the workload picks from, uniformly
	ops            int           // operations each clerk runs
	think          time.Duration // the most a clerk waits between operations
	// maxRaftState is handed to the group servers; 0 means no snapshots (-1).
	maxRaftState int
	// pad is how many bytes each written value carries besides its unique
	// tag, to give shards weight.
	pad int
	// service, if positive, is how long a group server takes to take in
	// one clerk message: at most 1/service clerk messages a second each,
	// queued in arrival order (the hot-shard test's capacity).
	service time.Duration
}

// harness is a test's view of the service.
type harness struct {
	t           *suite.T
	s           *sim.Sim
	cfg         config
	impl        shardkv.Impl
	controllers []node.ID
	groups      map[int][]node.ID
	gids        []int
	clerks      []node.ID
	admin       node.ID
	rafts       map[node.ID]raft.Node
	r           *rand.Rand

	rec     *kvhistory.Recorder // the history, and each clerk's request in flight
	stopped bool
	seq     int
	latest  shardkv.Config // the last configuration the admin saw

	pendingCtrl int // controller calls queued and not answered

	calibrating bool          // bounds_test.go measures: waits use calibrationWait
	slowest     time.Duration // the longest wait so far (wait)
	returned    int           // operations answered so far
}

func newHarness(t *suite.T, cfg config) *harness {
	impl := suite.ImplAs[shardkv.Impl](t)
	rf, err := raftlab.Base(labName, t.Dep("raft"))
	if err != nil {
		t.Fatalf("%v", err)
	}
	if cfg.faults.Latency.Kind == "" && cfg.faults.Latency.Min == 0 {
		cfg.faults = faults.Reliable()
	}
	c := &harness{t: t, cfg: cfg, impl: impl, groups: map[int][]node.ID{}, rafts: map[node.ID]raft.Node{},
		r: t.Rand("workload")}
	next := node.ID(1)
	for range nControllers {
		c.controllers = append(c.controllers, next)
		next++
	}
	gidOf := map[node.ID]int{}
	for g := range cfg.groups {
		gid := firstGID + g
		c.gids = append(c.gids, gid)
		for range groupSize {
			c.groups[gid] = append(c.groups[gid], next)
			gidOf[next] = gid
			next++
		}
	}
	for range cfg.clerks {
		c.clerks = append(c.clerks, next)
		next++
	}
	c.rec = kvhistory.NewRecorder(c.clerks)
	c.admin = next
	// watch builds node id's Raft peer and keeps it, under the node's own
	// ID (StartRaft numbers the peers of a group 1..K), to find leaders.
	watch := func(id node.ID) raft.Factory {
		return func(local node.ID, apply func(raft.ApplyMsg)) raft.Node {
			n := rf(local, apply)
			c.rafts[id] = n
			return n
		}
	}
	isClerk := func(id node.ID) bool { return slices.Contains(c.clerks, id) }
	// Every incarnation gets its own copies of the ID lists: the harness
	// reads its own to choose whom to measure and crash, and a node that
	// changed a shared one would change that (DESIGN decision 13).
	factory := func(id node.ID) node.Node {
		switch {
		case int(id) <= nControllers:
			return impl.NewController(id, shardkv.ControllerConfig{Controllers: slices.Clone(c.controllers), Raft: watch(id)})
		case gidOf[id] != 0:
			gid := gidOf[id]
			maxRaftState := cfg.maxRaftState
			if maxRaftState == 0 {
				maxRaftState = -1
			}
			n := node.Node(impl.NewServer(id, shardkv.ServerConfig{GID: gid, Servers: slices.Clone(c.groups[gid]), Controllers: slices.Clone(c.controllers), Raft: watch(id), MaxRaftState: maxRaftState}))
			if cfg.service > 0 {
				n = &capacity{inner: n, service: cfg.service, throttled: isClerk}
			}
			return n
		case id == c.admin:
			return &admin{controllers: c.controllers}
		}
		return impl.NewClerk(id, slices.Clone(c.controllers), func(req int, value string) { c.done(id, req, value) })
	}
	c.s = t.NewSim(sim.Config{Nodes: int(c.admin), Factory: factory, Faults: cfg.faults})
	t.Invariant("clerk replies", c.rec.Problem)
	if onHarness != nil {
		onHarness(c)
	}
	return c
}

// ctrl queues a controller call at the admin node (at the current
// virtual time, as an event, so that it may be called before the run
// starts); answer may be nil.
func (c *harness) ctrl(op shardkv.CtrlOp, answer func(shardkv.Config)) {
	c.pendingCtrl++
	c.s.After(0, func() {
		if err := c.s.Call(c.admin, func() string { return fmt.Sprintf("%s%v", op.Kind, describeCtrl(op)) }, func(n node.Node) string {
			n.(*admin).do(op, func(cfg shardkv.Config) {
				c.pendingCtrl--
				if answer != nil {
					answer(cfg)
				}
			})
			return ""
		}); err != nil {
			panic(fmt.Errorf("admin cannot take calls: %w", err)) // tests never crash the admin
		}
	})
}

func describeCtrl(op shardkv.CtrlOp) string {
	switch op.Kind {
	case shardkv.Join:
		return fmt.Sprintf("(%v)", slices.Sorted(maps.Keys(op.Groups)))
	case shardkv.Leave:
		return fmt.Sprintf("(%v)", op.GIDs)
	case shardkv.Move:
		return fmt.Sprintf("(shard %d → %d)", op.Shard, op.GID)
	}
	return fmt.Sprintf("(%d)", op.Num)
}

// join, leave and move are the admin's calls, queued in order; each then
// queries the latest configuration into c.latest.
func (c *harness) join(gids ...int) {
	groups := map[int][]node.ID{}
	for _, g := range gids {
		groups[g] = c.groups[g]
	}
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Join, Groups: groups}, nil)
	c.refresh()
}

func (c *harness) leave(gids ...int) {
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Leave, GIDs: gids}, nil)
	c.refresh()
}

func (c *harness) move(shard, gid int) {
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Move, Shard: shard, GID: gid}, nil)
	c.refresh()
}

func (c *harness) refresh() {
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Query, Num: -1}, func(cfg shardkv.Config) { c.latest = cfg })
}

// adminIdle reports whether every queued controller call has returned.
func (c *harness) adminIdle() bool { return c.pendingCtrl == 0 }

// start has every clerk begin its operations.
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
	if c.stopped || (c.cfg.ops > 0 && c.rec.Issued(id) >= c.cfg.ops) || c.rec.Busy(id) {
		return
	}
	if !c.t.Keep("op") {
		c.rec.Skip(id)
		c.s.After(c.pause(), func() { c.issue(id) })
		return
	}
	key := c.cfg.keys[c.r.IntN(len(c.cfg.keys))]
	var op shardkv.Op
	switch p := c.r.IntN(10); {
	case p < 4:
		op = shardkv.Op{Kind: shardkv.Get, Key: key}
	case p < 6:
		c.seq++
		op = shardkv.Op{Kind: shardkv.Put, Key: key, Value: c.value(id)}
	default:
		c.seq++
		op = shardkv.Op{Kind: shardkv.Append, Key: key, Value: c.value(id)}
	}
	c.submit(id, op)
}

// value is the unique value of the workload's latest write by id.
func (c *harness) value(id node.ID) string {
	return fmt.Sprintf("%v.%d%s;", id, c.seq, strings.Repeat("x", c.cfg.pad))
}

func (c *harness) submit(id node.ID, op shardkv.Op) {
	req := c.rec.Call(id, op, c.s.Now())
	if err := c.s.Call(id, func() string { return fmt.Sprintf("Submit(%d, %s)", req, kvhistory.DescribeOp(op)) }, func(n node.Node) string {
		n.(shardkv.Clerk).Submit(req, op)
		return ""
	}); err != nil {
		panic(fmt.Errorf("clerk %v cannot take calls: %w", id, err)) // tests never crash clerks
	}
}

// done records a clerk's answer.
func (c *harness) done(id node.ID, req int, value string) {
	if !c.rec.Return(id, req, value, c.s.Now()) {
		return
	}
	c.returned++
	c.s.After(c.pause(), func() { c.issue(id) })
}

// leaderOf returns a server of ids that believes it leads in the highest
// term, or 0.
func (c *harness) leaderOf(ids []node.ID) node.ID {
	best, bestTerm := node.ID(0), -1
	for _, id := range ids {
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

// servers returns every group server, in order.
func (c *harness) servers() []node.ID {
	var out []node.ID
	for _, gid := range c.gids {
		out = append(out, c.groups[gid]...)
	}
	return out
}

// finish stops new operations, heals every fault, waits for the admin's
// calls and every operation in flight, reads every key once more, and
// checks the history. Each wait is bounded by the test's liveness bound.
func (c *harness) finish() {
	c.stopped = true
	c.s.Heal()
	for _, id := range append(slices.Clone(c.controllers), c.servers()...) {
		if !c.s.Up(id) {
			c.s.Restart(id)
		}
	}
	if !c.wait(c.adminIdle) {
		c.t.Fail(suite.Failure{Check: "liveness", Kind: "controller call never returned",
			Msg: fmt.Sprintf("controller call never returned: with every fault healed, the admin's Join, Leave, Move or Query did not complete within %v (the test's liveness bound): does the controller answer once the entry is applied?", c.bound())})
	}
	c.waitIdle()
	c.stopped = false
	for _, k := range c.rec.Keys() {
		c.submit(c.clerks[0], shardkv.Op{Kind: shardkv.Get, Key: k})
		c.waitIdle()
	}
	c.stopped = true
	c.t.Check("exactly once", kvhistory.ExactlyOnce(c.rec.History))
	c.linearizable()
}

// waitIdle runs until no clerk has a request in flight, or fails the
// test once its liveness bound passes.
func (c *harness) waitIdle() {
	if c.wait(c.rec.Idle) {
		return
	}
	c.t.Fail(suite.Failure{Check: "liveness", Kind: "request never returned",
		Msg: fmt.Sprintf("request never returned: %s did not complete within %v (the test's liveness bound): does the clerk re-query the controller on ErrWrongGroup, does every group apply each configuration in turn, and does a group get the shards it gains from their previous owner?", c.rec.Stuck(), c.bound())})
}

// keysOverShards returns perShard keys for every shard ("k0", "k1", ...
// in the order found), so that a uniform choice among them loads every
// shard equally.
func keysOverShards(perShard int) []string {
	var out []string
	count := [shardkv.NShards]int{}
	for i := 0; len(out) < perShard*shardkv.NShards; i++ {
		k := fmt.Sprintf("k%d", i)
		if sh := shardkv.Key2Shard(k); count[sh] < perShard {
			count[sh]++
			out = append(out, k)
		}
	}
	return out
}
