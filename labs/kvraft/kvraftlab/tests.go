package kvraftlab

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/search/models"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// snapBound is MaxRaftState in part C; storage may overshoot it by the
// entries of one handler and the snapshot itself, so the tests allow
// storageFactor times it.
const (
	snapBound     = 1500
	storageFactor = 3
	// dedupMaxRaftState is SnapshotDedup's MaxRaftState: the servers
	// snapshot soon after the write whose reply is lost.
	dedupMaxRaftState = 500
	// ballastShare is the size of SnapshotSize's first value, in percent
	// of MaxRaftState: the key/value state outgrows MaxRaftState.
	ballastShare = 110
)

// A test with faults spreads each clerk's operations over its fault
// horizon (ops × think / 2 is about the horizon), so that requests are in
// flight when partitions and crashes strike.
var tests = []suite.Test{
	// Part A: the replicated state machine.
	{Name: "OneClerk", Part: "A", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testOneClerk,
		Description: "one clerk's Gets, Puts and Appends on a reliable network", Lesson: "linearizability#the-definition"},
	{Name: "ManyClerks", Part: "A", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testManyClerks,
		Description: "five concurrent clerks; the history must be linearizable", Lesson: "linearizability#checking-a-history-is-a-search"},
	{Name: "LeaderPartitions", Part: "A", Points: 5, Seeds: 30, Limit: 60 * suite.Sec, Run: testLeaderPartitions,
		Description: "the leader is cut off with some clerks again and again: no stale reads, no answers for lost entries", Lesson: "linearizability#stale-reads-from-a-deposed-leader"},
	// Two clerks over every interleaving up to the model's bound, on the
	// reference Raft, each history checked for linearizability (grader/search).
	models.SuiteTest("kvraft", "linearizable", "A", 4),

	// Part B: clerks, retries and exactly once.
	{Name: "Unreliable", Part: "B", Points: 4, Seeds: 30, Limit: 60 * suite.Sec, Run: testUnreliable,
		Description: "loss, duplication and reordering: every request runs exactly once", Lesson: "unreliable-networks#at-least-once-plus-idempotence"},
	{Name: "Crashes", Part: "B", Points: 4, Seeds: 30, Limit: 60 * suite.Sec, Run: testCrashes,
		Description: "servers (often the leader) crash and restart on an unreliable network", Lesson: "unreliable-networks#at-least-once-plus-idempotence"},
	{Name: "PartitionsUnreliable", Part: "B", Points: 4, Seeds: 30, Limit: 60 * suite.Sec, Run: testPartitionsUnreliable,
		Description: "leader partitions on an unreliable network: retries cross leader changes", Lesson: "unreliable-networks#choosing-the-retry-timer"},
	{Name: "LongDelays", Part: "B", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testLongDelays,
		Description: "a share of messages held 0.2-2 s, with leader crashes or partitions: old requests and duplicates reach new leaders after their clerks moved on", Lesson: "unreliable-networks#at-least-once-plus-idempotence"},

	// Part C: snapshots.
	{Name: "SnapshotSize", Part: "C", Points: 2, Seeds: 20, Limit: 60 * suite.Sec, Run: testSnapshotSize,
		Description: "storage stays within a few times MaxRaftState, with key/value state larger than MaxRaftState", Lesson: "raft-snapshots#trimming"},
	{Name: "SnapshotDedup", Part: "C", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testSnapshotDedup,
		Description: "a request applied before a snapshot is retried after every server restarts from it: it must not run again", Lesson: "raft-snapshots#trimming"},
	{Name: "SnapshotRecover", Part: "C", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testSnapshotRecover,
		Description: "every server crashes and recovers from its snapshot and log, repeatedly", Lesson: "raft-snapshots#trimming"},
	{Name: "SnapshotChurn", Part: "C", Points: 3, Seeds: 30, Limit: 60 * suite.Sec, Run: testSnapshotChurn,
		Description: "crashes, partitions and an unreliable network with snapshots", Lesson: "raft-snapshots#trimming"},
	{Name: "SnapshotFaults", Part: "C", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testSnapshotFaults,
		Description: "snapshots under crashes, partitions and messages held 0.2-2 s, with a MaxRaftState drawn per seed", Lesson: "raft-snapshots#trimming"},
	// A short scenario crashed at every Sync and every tear of one
	// (explore.go): one seed is about 340 short runs.
	{Name: "CrashExploration", Part: "C", Points: 2, Seeds: 1, Limit: 60 * suite.Sec, Run: testCrashExploration,
		Description: "a few writes, a snapshot and its install, crashed at every Sync and every tear of one, restarted at once and after 300 ms: every write once, linearizable", Lesson: "raft-snapshots#trimming"},
}

func testOneClerk(t *suite.T) {
	c := newHarness(t, config{servers: 3, clerks: 1, keys: 3, ops: 20, think: 20 * suite.Ms})
	c.start()
	c.s.RunFor(2 * suite.Sec)
	c.finish()
}

// manyClerksLatency is ManyClerks' one-way latency, uniform.
var manyClerksLatency = [2]time.Duration{2 * time.Millisecond, 15 * time.Millisecond}

func testManyClerks(t *suite.T) {
	// Latency of several milliseconds leaves a window between Propose and
	// apply that a clerk's next operation can fall into.
	c := newHarness(t, config{servers: 5, clerks: 5, keys: 3, ops: 12, think: 30 * suite.Ms, faults: faults.Model{Latency: faults.Between(manyClerksLatency[0], manyClerksLatency[1])}})
	c.start()
	c.s.RunFor(2 * suite.Sec)
	c.finish()
}

// leaderPartitions cuts the leader off with the readers and some of the
// other clerks for most of every period, until horizon.
func (c *harness) leaderPartitions(period, horizon time.Duration) {
	for at := suite.Sec; at < horizon; at += period {
		c.s.At(at, func() {
			with := slices.Clone(c.clerks[:c.cfg.readers])
			for _, id := range c.clerks[c.cfg.readers:] {
				if c.r.IntN(2) == 0 {
					with = append(with, id)
				}
			}
			c.partitionLeader(with)
		})
		c.s.At(at+period*3/4, c.s.Heal)
	}
}

func testLeaderPartitions(t *suite.T) {
	c := newHarness(t, config{servers: 5, clerks: 4, readers: 1, keys: 3, ops: 30, think: 400 * suite.Ms})
	c.leaderPartitions(2*suite.Sec, 8*suite.Sec)
	c.start()
	c.s.RunFor(8 * suite.Sec)
	c.finish()
}

func testUnreliable(t *suite.T) {
	c := newHarness(t, config{servers: 5, clerks: 4, keys: 3, ops: 15, think: 50 * suite.Ms, faults: faults.Unreliable()})
	c.start()
	c.s.RunFor(3 * suite.Sec)
	c.finish()
}

// crashes crashes the leader, and sometimes another server, every period
// until horizon, and restarts them a third of a period later.
func (c *harness) crashes(period, horizon time.Duration, all bool) {
	for at := suite.Sec; at < horizon; at += period {
		c.s.At(at, func() {
			var down []node.ID
			switch {
			case all:
				down = c.servers
			default:
				if lead := c.leader(); lead != 0 {
					down = append(down, lead)
				}
				if id := c.servers[c.r.IntN(len(c.servers))]; c.r.IntN(2) == 0 && !contains(down, id) {
					down = append(down, id)
				}
			}
			if len(down) > 0 && c.t.Keep("crash") {
				c.s.Crash(down...)
				c.s.After(period/3, func() { c.s.Restart(down...) })
			}
		})
	}
}

func testCrashes(t *suite.T) {
	c := newHarness(t, config{servers: 5, clerks: 4, keys: 3, ops: 15, think: 700 * suite.Ms, faults: faults.Unreliable()})
	c.crashes(1500*suite.Ms, 6*suite.Sec, false)
	c.start()
	c.s.RunFor(6 * suite.Sec)
	c.finish()
}

func testPartitionsUnreliable(t *suite.T) {
	c := newHarness(t, config{servers: 5, clerks: 4, keys: 3, ops: 15, think: 700 * suite.Ms, faults: faults.Unreliable()})
	c.leaderPartitions(1200*suite.Ms, 6*suite.Sec)
	c.start()
	c.s.RunFor(6 * suite.Sec)
	c.finish()
}

// testSnapshotSize runs a busy workload on top of a large value written
// first (ballastShare MaxRaftState): the key/value state, and so every
// snapshot, is larger than MaxRaftState, so storage never falls back
// under the threshold. A service must keep snapshotting whenever storage
// has reached MaxRaftState; one that snapshots only while storage is
// small (the comparison the wrong way round) stops for good once the
// state outgrows it, and its log takes storage past the bound. The state
// stays under 1.5 MaxRaftState, so that a service that snapshots when
// Raft's log alone reaches MaxRaftState still keeps within the bound.
func testSnapshotSize(t *suite.T) {
	c := newHarness(t, config{servers: 3, clerks: 3, keys: 3, ops: 30, think: 20 * suite.Ms, maxRaftState: snapBound})
	c.s.At(0, func() {
		c.seq++
		id := c.clerks[0]
		c.submit(id, kvraft.Op{Kind: kvraft.Put, Key: "ballast",
			Value: fmt.Sprintf("%v.%d:%s;", id, c.seq, strings.Repeat("x", snapBound*ballastShare/100))})
	})
	for at := suite.Sec; at < 4*suite.Sec; at += 500 * suite.Ms {
		c.s.At(at, func() { c.checkSize(storageFactor * snapBound) })
	}
	c.start()
	c.s.RunFor(4 * suite.Sec)
	c.finish()
	c.checkSize(storageFactor * snapBound)
}

// testSnapshotDedup has the first clerk's Append applied while every
// reply to it is lost; the other clerks' traffic makes the servers
// snapshot past it; then every server crashes and restarts from its
// snapshot, and the clerk's retry arrives. Only a dedup table inside the
// snapshot answers it without running it again.
func testSnapshotDedup(t *suite.T) {
	c := newHarness(t, config{servers: 3, clerks: 3, keys: 2, ops: 20, think: 150 * suite.Ms, maxRaftState: dedupMaxRaftState})
	first := c.clerks[0]
	c.s.At(1100*suite.Ms, func() {
		for _, id := range c.clerks[1:] {
			c.issue(id)
		}
	})
	c.s.At(suite.Sec, func() {
		for _, id := range c.servers {
			c.s.Block(id, first)
		}
		c.seq++
		c.submit(first, appendOp("solo", first, c.seq)) // a key no one else writes
	})
	c.s.At(3*suite.Sec, func() { c.s.Crash(c.servers...) })
	c.s.At(3100*suite.Ms, func() { c.s.Restart(c.servers...); c.s.Heal() })
	c.s.RunFor(5 * suite.Sec)
	c.finish()
}

func testSnapshotRecover(t *suite.T) {
	c := newHarness(t, config{servers: 3, clerks: 3, keys: 3, ops: 20, think: 600 * suite.Ms, maxRaftState: snapBound, faults: faults.Unreliable()})
	c.crashes(1500*suite.Ms, 6*suite.Sec, true)
	c.start()
	c.s.RunFor(6 * suite.Sec)
	c.finish()
	c.checkSize(storageFactor * snapBound)
}

func testSnapshotChurn(t *suite.T) {
	c := newHarness(t, config{servers: 5, clerks: 4, keys: 3, ops: 20, think: 700 * suite.Ms, maxRaftState: snapBound, faults: faults.Unreliable()})
	c.crashes(2*suite.Sec, 7*suite.Sec, false)
	c.leaderPartitions(1500*suite.Ms, 7*suite.Sec)
	c.start()
	c.s.RunFor(7 * suite.Sec)
	c.finish()
	c.checkSize(storageFactor * snapBound)
}
