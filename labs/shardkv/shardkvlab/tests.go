package shardkvlab

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

var tests = []suite.Test{
	// Part A: the controller.
	{Name: "ControllerOps", Part: "A", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testControllerOps,
		Description: "Join, Leave, Move and Query: numbered configurations, old ones kept, Move obeyed", Lesson: "partitioning-and-sharding"},
	{Name: "ControllerBalance", Part: "A", Points: 5, Seeds: 20, Limit: 60 * suite.Sec, Run: testControllerBalance,
		Description: "random joins and leaves: every configuration balanced, with the fewest shards moved, the same on every replica", Lesson: "partitioning-and-sharding"},

	{Name: "ControllerUnreliable", Part: "A", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testControllerUnreliable,
		Description: "ControllerBalance's joins and leaves with messages lost, duplicated and held 0.2-2 s, and the controllers' leader crashed or cut off", Lesson: "partitioning-and-sharding"},

	// Part B: the sharded service.
	{Name: "StaticGroups", Part: "B", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testStaticGroups,
		Description: "three groups, no reconfiguration: clerks route by shard; the history must be linearizable", Lesson: "partitioning-and-sharding"},
	{Name: "JoinLeave", Part: "B", Points: 5, Seeds: 20, Limit: 60 * suite.Sec, Run: testJoinLeave,
		Description: "groups join and leave under concurrent clerks: shards move with their data, every key linearizable", Lesson: "partitioning-and-sharding"},

	// Part C: migration under faults. LeaderCutMidPull comes first: it
	// catches two mutants, and `--mutants` runs each mutant's tests in
	// this order up to the first that fails it.
	{Name: "LeaderCutMidPull", Part: "C", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testLeaderCutMidPull,
		Description: "a group's leader is cut off from its followers while it pulls shards that no clerk asks it for: the next leader must commit its predecessor's installations", Lesson: "partitioning-and-sharding"},
	{Name: "DedupAcrossMigration", Part: "C", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testDedupAcrossMigration,
		Description: "an Append applied before its shard moves is retried at the new owner: it must not run again", Lesson: "partitioning-and-sharding"},
	{Name: "CatchUp", Part: "C", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testCatchUp,
		Description: "a group cut off while the configuration changes several times catches up one configuration at a time", Lesson: "partitioning-and-sharding"},
	{Name: "Unreliable", Part: "C", Points: 5, Seeds: 20, Limit: 60 * suite.Sec, Run: testUnreliable,
		Description: "joins, leaves and moves on an unreliable network with group servers crashing and leaders cut off, with snapshots", Lesson: "partitioning-and-sharding"},

	{Name: "MigrationFaults", Part: "C", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testMigrationFaults,
		Description: "reconfigurations with the leaders of groups crashed or cut off as shards move, messages held 0.2-2 s, and snapshots", Lesson: "partitioning-and-sharding"},

	// Part D: garbage collection and snapshots. The tests that catch
	// mutants come first (see part C).
	{Name: "GarbageCollection", Part: "D", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testGarbageCollection,
		Description: "a group that gave all its shards away deletes them once their new owner has them: its storage shrinks", Lesson: "partitioning-and-sharding"},
	{Name: "OwnerCrashes", Part: "D", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testOwnerCrashes,
		Description: "the old owner crashes, all of it or its leader, while it holds shards it has not handed over yet: restarted, it still hands them over", Lesson: "partitioning-and-sharding"},
	{Name: "MoveBack", Part: "D", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testMoveBack,
		Description: "shards move to the other group and back before the first move's copy can have been collected, on a network that holds messages 0.2-2 s", Lesson: "partitioning-and-sharding"},

	{Name: "GCWaitsForOwner", Part: "D", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testGCWaitsForOwner,
		Description: "the old owner's answers to the new owner are lost for a while: it must keep the shard until the new owner has it", Lesson: "partitioning-and-sharding"},
	{Name: "CrashExploration", Part: "D", Points: 3, Seeds: 2, Limit: 120 * suite.Sec, Reruns: 1, Run: testCrashExploration,
		Description: "a shard migration with snapshots and an InstallSnapshot, the new owner's servers crashed at its Syncs and their tears (a bounded, evenly spaced selection), restarted at once and 0.3 s later", Lesson: "partitioning-and-sharding"},

	// Part E: throughput, measured last (the costliest test, and one no
	// mutant fails).
	{Name: "HotShards", Part: "E", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testHotShards,
		Description: "throughput over 1, 2, 3 groups: it scales with keys spread over shards, and stays flat with one hot key", Lesson: "partitioning-and-sharding"},
}

// gcBound is MaxRaftState in part D; a group that owns nothing must keep
// no more than gcFactor times that on disk (its last snapshot plus the log
// since).
const (
	gcBound  = 2000
	gcFactor = 2
)

// unreliableMaxRaftState is MaxRaftState in Unreliable.
const unreliableMaxRaftState = 3000

// steadyLatency is the one-way latency of StaticGroups and JoinLeave:
// uniform, so messages reorder; none lost.
var steadyLatency = [2]time.Duration{1 * suite.Ms, 8 * suite.Ms}

func testGCWaitsForOwner(t *suite.T) {
	c := newHarness(t, config{groups: 2, clerks: 3, keys: keysOverShards(1), ops: 20, think: 150 * suite.Ms, maxRaftState: gcBound})
	c.join(100)
	c.s.At(900*suite.Ms, func() { c.blockGroups(100, 101) })
	c.s.At(suite.Sec, func() { c.join(101) })
	c.s.At(2500*suite.Ms, c.s.Heal)
	c.start()
	c.s.RunFor(4 * suite.Sec)
	c.finish()
}

func testGarbageCollection(t *suite.T) {
	c := newHarness(t, config{groups: 2, clerks: 3, keys: keysOverShards(1), ops: 25, think: 60 * suite.Ms, pad: 200, maxRaftState: gcBound})
	c.join(100)
	c.s.At(1500*suite.Ms, func() { c.join(101) })
	c.s.At(2500*suite.Ms, func() { c.leave(100) })
	c.start()
	c.s.RunFor(4 * suite.Sec)
	c.finish()
	c.s.RunFor(2 * suite.Sec) // a few rounds of deletion after the last moves
	for _, id := range c.groups[100] {
		sz := c.s.DurableSize(id)
		t.Logf("garbage collection: %v (group 100) keeps %d bytes; %v (group 101) keeps %d bytes", id, sz, id+groupSize, c.s.DurableSize(id+groupSize))
		if sz > gcFactor*gcBound {
			t.Fail(suite.Failure{Check: "garbage collection", Kind: "shards not deleted", Nodes: []node.ID{id},
				Msg: fmt.Sprintf("shards not deleted: %v (group 100, which owns no shard since it left) keeps %d bytes on disk, more than %d (%d× MaxRaftState, %d): once the new owner has installed a shard, the old owner must delete its copy and snapshot", id, sz, gcFactor*gcBound, gcFactor, gcBound)})
		}
	}
	t.Check("garbage collection", nil)
}

// testControllerOps runs a fixed script and checks every configuration.
func testControllerOps(t *suite.T) {
	c := newHarness(t, config{groups: 3})
	var seen []shardkv.Config
	record := func(cfg shardkv.Config) { seen = append(seen, cfg) }
	c.join(100)
	c.join(101, 102)
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Move, Shard: 3, GID: 101}, nil)
	c.leave(100)
	for num := range 5 {
		c.ctrl(shardkv.CtrlOp{Kind: shardkv.Query, Num: num}, record)
	}
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Query, Num: 99}, record)
	if !c.wait(c.adminIdle) {
		t.Fail(suite.Failure{Check: "liveness", Kind: "controller call never returned",
			Msg: fmt.Sprintf("controller call never returned: a Join, Leave, Move or Query did not complete within %v (the test's liveness bound) on a reliable network", c.bound())})
	}
	wantGroups := [][]int{nil, {100}, {100, 101, 102}, {100, 101, 102}, {101, 102}}
	for num, cfg := range seen[:5] {
		if cfg.Num != num {
			t.Check("configurations", fmt.Errorf("wrong configuration: Query(%d) returned configuration %d", num, cfg.Num))
		}
		if !slices.Equal(cfg.GIDs(), wantGroups[num]) {
			t.Check("configurations", fmt.Errorf("wrong groups: configuration %d has groups %v, want %v", num, cfg.GIDs(), wantGroups[num]))
		}
		if num != 3 {
			t.Check("balance", checkBalanced(cfg))
		}
	}
	if seen[3].Shards[3] != 101 {
		t.Check("configurations", fmt.Errorf("move ignored: after Move(3, 101), configuration 3 gives shard 3 to group %d", seen[3].Shards[3]))
	}
	if moved(seen[2].Shards, seen[3].Shards) > 1 {
		t.Check("configurations", fmt.Errorf("move rebalanced: Move(3, 101) changed %d shards; a Move changes only its shard", moved(seen[2].Shards, seen[3].Shards)))
	}
	if !reflect.DeepEqual(seen[5], seen[4]) {
		t.Check("configurations", fmt.Errorf("wrong latest: Query(99) returned configuration %d, want the latest, 4", seen[5].Num))
	}
	t.Check("configurations", nil)
	moreGroupsThanShards(t, c, seen[4])
}

// moreGroupsThanShards joins more groups than there are shards, then has
// them leave: some groups get no shard, every shard still has a group,
// and each step moves no more shards than it must.
func moreGroupsThanShards(t *suite.T, c *harness, prev shardkv.Config) {
	var extra []int
	for g := 103; len(extra) < shardkv.NShards; g++ {
		extra = append(extra, g)
	}
	var after []shardkv.Config
	record := func(cfg shardkv.Config) { after = append(after, cfg) }
	c.join(extra...)
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Query, Num: -1}, record)
	c.leave(extra...)
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Query, Num: -1}, record)
	if !c.wait(c.adminIdle) || len(after) != 2 {
		t.Fail(suite.Failure{Check: "liveness", Kind: "controller call never returned",
			Msg: fmt.Sprintf("controller call never returned: a Join or Leave of %d groups, more than the %d shards, did not complete within %v (the test's liveness bound)", len(extra), shardkv.NShards, c.bound())})
		return
	}
	for i, step := range []string{fmt.Sprintf("Join%v", extra), fmt.Sprintf("Leave%v", extra)} {
		cfg := after[i]
		if err := checkBalanced(cfg); err != nil {
			t.Check("balance", fmt.Errorf("%w (after %s, with more groups than shards)", err, step))
		}
		if got, want := moved(prev.Shards, cfg.Shards), minMoves(prev.Shards, cfg.GIDs()); got > want {
			t.Check("minimal movement", fmt.Errorf("too many moves: %s moved %d shards, where %d would do", step, got, want))
		}
		prev = cfg
	}
	t.Check("balance", nil)
	t.Check("minimal movement", nil)
}

// testControllerBalance runs a random sequence of joins and leaves and
// checks each configuration against the previous one; then it reads every
// configuration again from two other leaders.
func testControllerBalance(t *suite.T) {
	controllerScript(t, newHarness(t, config{groups: 0}))
}

// controllerScript is ControllerBalance's script and checks, on c.
func controllerScript(t *suite.T, c *harness) {
	pool := []int{100, 101, 102, 103, 104, 105, 106}
	in := []int{}
	var configs []shardkv.Config
	var ops []string
	for range 12 {
		var gids []int
		join := len(in) == 0 || (len(in) < len(pool) && c.r.IntN(3) > 0)
		cands := pool
		if !join {
			cands = in
		}
		for _, g := range cands {
			if join != slices.Contains(in, g) && (len(gids) == 0 || c.r.IntN(3) == 0) {
				gids = append(gids, g)
			}
		}
		if join {
			groups := map[int][]node.ID{}
			for _, g := range gids {
				groups[g] = []node.ID{node.ID(1000 + g)} // never contacted
				in = append(in, g)
			}
			c.ctrl(shardkv.CtrlOp{Kind: shardkv.Join, Groups: groups}, nil)
			ops = append(ops, fmt.Sprintf("Join%v", gids))
		} else {
			c.ctrl(shardkv.CtrlOp{Kind: shardkv.Leave, GIDs: gids}, nil)
			in = slices.DeleteFunc(in, func(g int) bool { return slices.Contains(gids, g) })
			ops = append(ops, fmt.Sprintf("Leave%v", gids))
		}
	}
	readAll := func(into *[]shardkv.Config) {
		for num := range len(ops) + 1 {
			c.ctrl(shardkv.CtrlOp{Kind: shardkv.Query, Num: num}, func(cfg shardkv.Config) { *into = append(*into, cfg) })
		}
		if !c.wait(c.adminIdle) {
			t.Fail(suite.Failure{Check: "liveness", Kind: "controller call never returned",
				Msg: fmt.Sprintf("controller call never returned: a Join, Leave or Query did not complete within %v (the test's liveness bound)", c.bound())})
		}
	}
	readAll(&configs)
	// Query(num) answers configuration num: a controller that answers a
	// waiting call with another call's result (an index another request
	// took after a leader change) hands back the wrong one.
	for i, cfg := range configs {
		if cfg.Num != i {
			t.Check("configurations", fmt.Errorf("wrong configuration: Query(%d) returned configuration %d: answer each call with its own result (a request that lost its log index to another must fail, not take that one's answer)", i, cfg.Num))
			break
		}
	}
	t.Check("configurations", nil)
	// Each Join and Leave makes exactly one configuration: a duplicate
	// the controller runs again (a retry to a new leader, a message the
	// network duplicated) makes one more, a lost one one fewer.
	var latest shardkv.Config
	c.ctrl(shardkv.CtrlOp{Kind: shardkv.Query, Num: -1}, func(cfg shardkv.Config) { latest = cfg })
	if c.wait(c.adminIdle) && latest.Num != len(ops) {
		t.Check("exactly once", fmt.Errorf("configurations not one per call: after %d Joins and Leaves (%s), the latest configuration is number %d: run each call exactly once (remember each client's latest sequence number in the replicated state)", len(ops), strings.Join(ops, ", "), latest.Num))
	}
	t.Check("exactly once", nil)
	for i := 1; i < len(configs); i++ {
		prev, cfg := configs[i-1], configs[i]
		if err := checkBalanced(cfg); err != nil {
			t.Check("balance", fmt.Errorf("%w (after %s)", err, ops[i-1]))
		}
		if got, want := moved(prev.Shards, cfg.Shards), minMoves(prev.Shards, cfg.GIDs()); got > want {
			t.Check("minimal movement", fmt.Errorf("too many moves: %s moved %d shards from configuration %d to %d, where %d would do: move only the shards of leaving groups and the excess of groups above their share", ops[i-1], got, prev.Num, cfg.Num, want))
		}
	}
	t.Check("balance", nil)
	t.Check("minimal movement", nil)
	// Every replica must have computed the same configurations: read them
	// again from the next leaders.
	for range 2 {
		lead := c.leaderOf(c.controllers)
		if lead == 0 {
			break
		}
		c.s.Crash(lead)
		var again []shardkv.Config
		readAll(&again)
		c.s.Restart(lead)
		for i := range again {
			if !reflect.DeepEqual(again[i].Shards, configs[i].Shards) {
				t.Check("determinism", fmt.Errorf("replicas disagree: configuration %d read from the leader after %v crashed gives shards %v, but earlier %v: rebalancing must be a deterministic function of the log (sort GIDs; never let map order or a random source decide)", i, lead, again[i].Shards, configs[i].Shards))
			}
		}
	}
	t.Check("determinism", nil)
}

func testStaticGroups(t *suite.T) {
	c := newHarness(t, config{groups: 3, clerks: 4, keys: keysOverShards(1), ops: 15, think: 30 * suite.Ms,
		faults: faults.Model{Latency: faults.Between(steadyLatency[0], steadyLatency[1])}})
	c.join(100, 101, 102)
	c.start()
	c.s.RunFor(2 * suite.Sec)
	c.finish()
}

func testJoinLeave(t *suite.T) {
	c := newHarness(t, config{groups: 3, clerks: 4, keys: keysOverShards(1), ops: 30, think: 150 * suite.Ms,
		faults: faults.Model{Latency: faults.Between(steadyLatency[0], steadyLatency[1])}})
	c.join(100)
	script := []func(){
		func() { c.join(101) },
		func() { c.join(102) },
		func() { c.leave(100) },
		func() { c.move(c.r.IntN(shardkv.NShards), 101) },
		func() { c.join(100) },
		func() { c.leave(101) },
	}
	for i, step := range script {
		c.s.At(time.Duration(i+1)*600*suite.Ms, step)
	}
	c.start()
	c.s.RunFor(5 * suite.Sec)
	c.finish()
}

// testDedupAcrossMigration has the first clerk read a key (so that it
// learns the owner's leader), then Append to it while every reply to the
// clerk is lost, so that the Append is applied but never answered; then
// the key's shard moves to the other group; then replies flow again and
// the clerk's retry reaches the new owner. Only a duplicate table that
// moved with the shard answers it without running it again.
func testDedupAcrossMigration(t *suite.T) {
	c := newHarness(t, config{groups: 2, clerks: 2, keys: keysOverShards(1), ops: 10, think: 100 * suite.Ms})
	c.join(100, 101)
	first := c.clerks[0]
	const key = "solo" // no one else writes it
	c.stopped = true   // no workload until the scenario is set up
	c.s.RunFor(500 * suite.Ms)
	c.submit(first, shardkv.Op{Kind: shardkv.Get, Key: key})
	c.waitIdle()
	for _, id := range c.servers() {
		c.s.Block(id, first)
	}
	c.seq++
	c.submit(first, appendOp(key, first, c.seq))
	c.s.RunFor(300 * suite.Ms)
	sh := shardkv.Key2Shard(key)
	to := 100
	if c.latest.Shards[sh] == 100 {
		to = 101
	}
	c.move(sh, to)
	c.s.RunFor(1500 * suite.Ms)
	c.s.Heal()
	c.stopped = false
	c.issue(c.clerks[1])
	c.s.RunFor(2 * suite.Sec)
	c.finish()
}

// testCatchUp cuts the last group off from everyone while the
// configuration changes several times (shards leave it and come back),
// then heals: the group must apply each configuration in turn.
func testCatchUp(t *suite.T) {
	c := newHarness(t, config{groups: 3, clerks: 3, keys: keysOverShards(1), ops: 25, think: 150 * suite.Ms})
	c.join(100, 101, 102)
	c.s.At(800*suite.Ms, func() { c.s.Partition(c.groups[102]) })
	c.s.At(900*suite.Ms, func() { c.leave(101) })
	c.s.At(1400*suite.Ms, func() { c.join(101) })
	c.s.At(1900*suite.Ms, func() {
		for sh, g := range c.latest.Shards {
			if g == 102 && c.r.IntN(2) == 0 {
				c.move(sh, 100)
			}
		}
	})
	c.s.At(2400*suite.Ms, func() { c.leave(100) })
	c.s.At(3000*suite.Ms, c.s.Heal)
	c.start()
	c.s.RunFor(5 * suite.Sec)
	c.finish()
}

func testUnreliable(t *suite.T) {
	c := newHarness(t, config{groups: 3, clerks: 3, keys: keysOverShards(1), ops: 15, think: 300 * suite.Ms, faults: faults.Unreliable(), maxRaftState: unreliableMaxRaftState})
	c.join(100, 101)
	script := []func(){
		func() { c.join(102) },
		func() { c.leave(100) },
		func() { c.move(c.r.IntN(shardkv.NShards), 102) },
		func() { c.join(100) },
		func() { c.leave(102) },
	}
	for i, step := range script {
		c.s.At(time.Duration(i+1)*700*suite.Ms, step)
	}
	servers := c.servers()
	for at := 500 * suite.Ms; at < 4*suite.Sec; at += 700 * suite.Ms {
		c.s.At(at, func() {
			gid := c.gids[c.r.IntN(len(c.gids))]
			switch c.r.IntN(2) {
			case 0:
				id := c.leaderOf(c.groups[gid])
				if id == 0 {
					id = servers[c.r.IntN(len(servers))]
				}
				if c.t.Keep("crash") {
					c.s.Crash(id)
					c.s.After(300*suite.Ms, func() { c.s.Restart(id) })
				}
			default:
				if lead := c.leaderOf(c.groups[gid]); lead != 0 && c.t.Keep("partition") {
					c.s.Partition([]node.ID{lead})
					c.s.After(400*suite.Ms, c.s.Heal)
				}
			}
		})
	}
	c.start()
	c.s.RunFor(5 * suite.Sec)
	c.finish()
}

func appendOp(key string, id node.ID, n int) shardkv.Op {
	return shardkv.Op{Kind: shardkv.Append, Key: key, Value: fmt.Sprintf("%v.%d;", id, n)}
}
