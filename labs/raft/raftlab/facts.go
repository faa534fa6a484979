package raftlab

import (
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
)

// The figures the Raft suite checks and assumes (issue 25, item 1), built
// from the constants the suite uses, so that the task and the lessons
// quote them ({{fact raft NAME}}) instead of restating them. Each test's
// points, seeds and time limit come with every lab (T.points, T.seeds,
// T.limit), and max-rate from Lab.MaxRate.

// crashModel and tornSync say in words how the simulator crashes a node,
// as the crash tests use it (CrashInHandlers, the swarms, the crash
// explorations of explore.go).
const (
	crashModel = "inside a handler, at any of its calls to Send, SetTimer, CancelTimer, Save, Delete or Sync; " +
		"from that call on nothing the handler does reaches the network, the timers or the disk, and writes not yet synced are lost"
	tornSync = "each key pending in that Sync is kept or lost on its own, " +
		"as on a disk that cannot write several blocks atomically"
)

// The timing rules of the task: at most heartbeatRounds heartbeat rounds a
// second (HeartbeatRate checks it) and election timeouts drawn from within
// electionTimeouts (the liveness bounds are calibrated over designs at
// both of its ends, reference.go's Designs).
const heartbeatRounds = 10

var electionTimeouts = [2]time.Duration{150 * suite.Ms, suite.Sec}

func raftFacts() []suite.Fact {
	unreliable := faults.Unreliable()
	return []suite.Fact{
		suite.DurationFact("election-bound", boundFloor[electionWait],
			"the least time any test waits for a leader (each test's own bound is in bounds.txt)"),
		suite.DurationFact("election-bound-max", boundMax[electionWait],
			"the longest time a test waits for a leader (bounds.txt)"),
		suite.DurationFact("commit-bound", boundFloor[commitWait],
			"the least time any test waits for a proposed command to be applied (bounds.txt)"),
		suite.DurationFact("commit-bound-max", boundMax[commitWait],
			"the longest time a test waits for a proposed command to be applied (bounds.txt)"),
		suite.CountFact("heartbeat-rounds", heartbeatRounds, "heartbeat rounds a second",
			"the most heartbeat rounds a leader may send in a second (HeartbeatRate)"),
		suite.DurationRangeFact("election-timeouts", electionTimeouts[0], electionTimeouts[1],
			"the range a node's randomized election timeouts must be drawn within"),
		suite.CountFact("snapshot-every", snapEvery, "entries",
			"how often the services of part D's tests snapshot, in applied entries"),
		suite.CountFact("explore-tears", sim.DefaultMaxTears, "tears",
			"the most torn versions of one Sync a crash exploration tries"),
		suite.TextFact("crashes", crashModel, "where a crash strikes (CrashInHandlers, the swarms, the crash explorations)").Assume(),
		suite.TextFact("torn-sync", tornSync, "what a crash during a Sync of several keys keeps (a torn Sync)").Assume(),
		suite.DurationFact("reliable-latency", faults.Reliable().Latency.Min.D(),
			"the one-way latency of every message on the tests' reliable network, in order").Assume(),
		suite.DurationRangeFact("unreliable-latency", unreliable.Latency.Min.D(), unreliable.Latency.Max.D(),
			"the one-way latency on the unreliable network, drawn uniformly, so messages reorder").Assume(),
		suite.PercentFact("unreliable-loss", unreliable.Loss, "the share of messages the unreliable network loses").Assume(),
		suite.PercentFact("unreliable-duplicate", unreliable.Duplicate,
			"the share of delivered messages the unreliable network delivers twice").Assume(),
	}
}
