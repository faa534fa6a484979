package shardkvlab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// The long-tail network of the swarm tests (issue 23): the unreliable
// network's 1–30 ms, loss and duplication, except that a share of the
// messages, drawn per seed, is held tailMin–tailMax. A pull, a delete or
// a controller reply held that long arrives after the configuration
// moved on; a clerk's request, after its clerk moved on.
const (
	tailMin = 200 * time.Millisecond
	tailMax = 2 * time.Second
)

var tailShares = []float64{0.01, 0.05, 0.1}

// swarmMaxRaftStates are the MaxRaftState values MigrationFaults and
// MoveBack draw from.
var swarmMaxRaftStates = []int{gcBound, 3000, 5000}

// longTail is the unreliable network with share of its messages held.
func longTail(share float64) faults.Model {
	m := faults.Unreliable()
	m.Latency = faults.Dist{Kind: faults.LongTail, Min: m.Latency.Min, Max: m.Latency.Max,
		TailProb: share, TailMin: faults.Duration(tailMin), TailMax: faults.Duration(tailMax)}
	return m
}

// nemesis is which leader faults a swarm test strikes with.
type nemesis int

const (
	crashLeaders nemesis = iota
	cutLeaders
	crashAndCut
)

func (n nemesis) String() string {
	return [...]string{"leader crashes", "leaders cut off", "leader crashes and leaders cut off"}[n]
}

// swarm is the configuration a swarm test draws from its seed, from its
// own stream (the workload's choices stay those of any other seed). The
// test logs it once its simulation exists (T.Logf notes it in the trace
// too), so that a failing seed's report and trace say what it ran.
type swarm struct {
	share        float64 // of messages held tailMin–tailMax
	nemesis      nemesis
	maxRaftState int           // 0: no snapshots
	delay        time.Duration // from a reconfiguration to the fault it draws
}

func drawSwarm(t *suite.T, snapshots bool) swarm {
	r := t.Rand("swarm")
	w := swarm{share: tailShares[r.IntN(len(tailShares))], nemesis: nemesis(r.IntN(3)),
		delay: time.Duration(r.IntN(4)) * 100 * suite.Ms}
	if snapshots {
		w.maxRaftState = swarmMaxRaftStates[r.IntN(len(swarmMaxRaftStates))]
	}
	return w
}

func (w swarm) String() string {
	s := fmt.Sprintf("1-30 ms, 10%% lost, 5%% duplicated, %.0f%% held %v-%v; %s %v after each reconfiguration", w.share*100, tailMin, tailMax, w.nemesis, w.delay)
	if w.maxRaftState > 0 {
		s += fmt.Sprintf("; MaxRaftState %d", w.maxRaftState)
	}
	return s
}

// strike faults the leader of ids as the swarm says: it crashes it
// (restarted after down) or cuts it off from everyone (healed after
// down). With no leader in sight, it crashes a random server of ids.
func (c *harness) strike(w swarm, ids []node.ID, down time.Duration) {
	lead := c.leaderOf(ids)
	crash := w.nemesis == crashLeaders || (w.nemesis == crashAndCut && c.r.IntN(2) == 0)
	if lead == 0 {
		lead, crash = ids[c.r.IntN(len(ids))], true
	}
	switch {
	case !c.s.Up(lead):
	case crash && c.t.Keep("crash"):
		c.s.Crash(lead)
		c.s.After(down, func() { c.s.Restart(lead) })
	case !crash && c.t.Keep("partition"):
		c.s.Partition([]node.ID{lead})
		c.s.After(down, c.s.Heal)
	}
}

// testControllerUnreliable is ControllerBalance's script on the long-tail
// network, with the controllers' leader crashed or cut off while the
// admin's calls run.
func testControllerUnreliable(t *suite.T) {
	w := drawSwarm(t, false)
	c := newHarness(t, config{groups: 0, faults: longTail(w.share)})
	t.Logf("configuration: %s", w)
	for at := 200 * suite.Ms; at < 2*suite.Sec; at += 400 * suite.Ms {
		c.s.At(at+w.delay, func() { c.strike(w, c.controllers, 300*suite.Ms) })
	}
	controllerScript(t, c)
}

// testMigrationFaults reconfigures three groups on the long-tail network
// while the leaders of the groups that give and gain shards crash or are
// cut off, a drawn delay after each reconfiguration: pulls, installs and
// deletions cross leader changes, with snapshots.
func testMigrationFaults(t *suite.T) {
	w := drawSwarm(t, true)
	c := newHarness(t, config{groups: 3, clerks: 3, keys: keysOverShards(1), ops: 20, think: 250 * suite.Ms,
		faults: longTail(w.share), maxRaftState: w.maxRaftState})
	t.Logf("configuration: %s", w)
	c.join(100, 101)
	script := []func(){
		func() { c.join(102) },
		func() { c.leave(100) },
		func() { c.move(c.r.IntN(shardkv.NShards), 102) },
		func() { c.join(100) },
		func() { c.leave(101) },
	}
	for i, step := range script {
		at := time.Duration(i+1) * 700 * suite.Ms
		c.s.At(at, step)
		c.s.At(at+w.delay, func() {
			gid := c.gids[c.r.IntN(len(c.gids))]
			c.strike(w, c.groups[gid], 300*suite.Ms)
		})
	}
	c.start()
	c.s.RunFor(5 * suite.Sec)
	c.finish()
}

// testOwnerCrashes has a group give its shards away while it cannot reach
// their new owner, and then crash while it still holds them: first its
// leader or all its servers (drawn), then all of them. Restarted (at once
// or later, drawn), it must still hand them over, from its snapshot and
// log.
func testOwnerCrashes(t *suite.T) {
	r := t.Rand("swarm")
	all, down := r.IntN(2) == 0, time.Duration(r.IntN(3))*300*suite.Ms
	c := newHarness(t, config{groups: 2, clerks: 3, keys: keysOverShards(1), ops: 20, think: 150 * suite.Ms, maxRaftState: ownerCrashesMaxRaftState})
	t.Logf("configuration: crash %s of the old owner, then every server, each restarted %v later",
		map[bool]string{true: "every server", false: "the leader"}[all], down)
	c.join(100)
	c.s.At(900*suite.Ms, func() { c.blockGroups(100, 101) })
	c.s.At(suite.Sec, func() { c.join(101) })
	crash := func(all bool) {
		ids := c.groups[100]
		if !all {
			if lead := c.leaderOf(ids); lead != 0 {
				ids = []node.ID{lead}
			}
		}
		if c.t.Keep("crash") {
			c.s.Crash(ids...)
			c.s.After(down, func() { c.s.Restart(ids...) })
		}
	}
	c.s.At(1600*suite.Ms, func() { crash(all) })
	c.s.At(2200*suite.Ms, func() { crash(true) })
	c.s.At(2800*suite.Ms, c.s.Heal)
	c.start()
	c.s.RunFor(4 * suite.Sec)
	c.finish()
}

// testMoveBack moves shards from one group to the other and back before
// the first move's copy can have been collected, again and again, on the
// long-tail network, and strikes the leader of the group the shard went
// back to: the old owner gets a shard back while it may still hold, or be
// deleting, the copy it gave away.
func testMoveBack(t *suite.T) {
	w := drawSwarm(t, true)
	c := newHarness(t, config{groups: 2, clerks: 3, keys: keysOverShards(1), ops: 25, think: 150 * suite.Ms,
		faults: longTail(w.share), maxRaftState: w.maxRaftState})
	t.Logf("configuration: %s; shards moved back %v after they moved", w, w.delay+100*suite.Ms)
	c.join(100, 101)
	for at := 700 * suite.Ms; at < 3500*suite.Ms; at += 700 * suite.Ms {
		c.s.At(at, func() {
			sh := c.r.IntN(shardkv.NShards)
			from := c.latest.Shards[sh]
			if from == 0 {
				return // the admin has not seen the groups join yet
			}
			to := 100
			if from == 100 {
				to = 101
			}
			c.move(sh, to)
			c.s.After(w.delay+100*suite.Ms, func() {
				c.move(sh, from)
				c.s.After(w.delay, func() { c.strike(w, c.groups[from], 300*suite.Ms) })
			})
		})
	}
	c.start()
	c.s.RunFor(5 * suite.Sec)
	c.finish()
}

// ownerCrashesMaxRaftState is MaxRaftState in OwnerCrashes: small, so
// that the old owner restarts from a snapshot holding the shards it gave
// away.
const ownerCrashesMaxRaftState = gcBound / 2

// blockGroups drops every message from group a's servers to group b's.
func (c *harness) blockGroups(a, b int) {
	for _, from := range c.groups[a] {
		for _, to := range c.groups[b] {
			c.s.Block(from, to)
		}
	}
}

// testLeaderCutMidPull writes a key in every shard, then has a group join
// and leave again, six times, so that its shards come from the first
// group and go back. While the joined group pulls them, its leader is cut
// off from its own followers (its messages to them are lost) at a drawn
// moment: if that falls after the leader committed an installation and
// before its followers heard so, the leader applies it, has the old
// owner delete its copy, and is then replaced by a follower that must
// commit that installation without it. Raft commits a predecessor's
// entries only with an entry of the new leader's term (§5.4.2), and no
// clerk talks to the group: a new leader that proposes nothing waits for
// the shards forever, and so does the first group, which needs them back.
func testLeaderCutMidPull(t *suite.T) {
	c := newHarness(t, config{groups: 2, clerks: 1, keys: keysOverShards(1), think: 100 * suite.Ms})
	c.stopped = true // no workload: the clerk writes and reads below
	c.join(100)
	c.wait(c.adminIdle)
	clerk := c.clerks[0]
	for _, k := range c.cfg.keys {
		c.seq++
		c.submit(clerk, shardkv.Op{Kind: shardkv.Put, Key: k, Value: c.value(clerk)})
		c.waitIdle()
	}
	r := t.Rand("swarm")
	var cuts []time.Duration
	for range 6 {
		c.join(101)
		c.wait(c.adminIdle)
		// The reference commits its installations 0.3-0.5 s after a
		// join returns (two 200 ms polls: the configuration, then the
		// pull); the range admits faster and slower pollers.
		cut := 150*suite.Ms + time.Duration(r.IntN(80))*5*suite.Ms
		cuts = append(cuts, cut)
		c.s.RunFor(cut)
		if lead := c.leaderOf(c.groups[101]); lead != 0 && c.t.Keep("partition") {
			for _, id := range c.groups[101] {
				if id != lead {
					c.s.Block(lead, id)
				}
			}
		}
		c.s.RunFor(suite.Sec)
		c.s.Heal()
		c.leave(101)
		c.wait(c.adminIdle)
		c.s.RunFor(300 * suite.Ms)
	}
	t.Logf("configuration: the joining group's leader cut off %v after each join", cuts)
	c.finish()
}
