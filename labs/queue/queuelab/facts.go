package queuelab

import (
	"strconv"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
)

// msDuration is a bound kept in milliseconds as a float, as a Duration.
func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(suite.Ms)) }

// facts are the figures the suite checks and the world it assumes, each
// built from the constant the suite uses, for task.md and the lessons to
// quote by name (suite.Fact). Per-test points, seeds and limits come from
// the test table (suite.Lab.AllFacts).
var facts = []suite.Fact{
	// The world.
	suite.CountFact("workers", workers, "workers", "the server's workers").Assume(),
	suite.DurationFact("service-mean", serviceExp, "the mean of the exponential service time, before its cut").Assume(),
	suite.DurationFact("service-cut", labConfig().MaxService, "the cut of the service time: Config.MaxService").Assume(),
	suite.DurationFact("mean-service", labConfig().MeanService.Round(100*time.Microsecond), "Config.MeanService, the mean after the cut").Assume(),
	suite.CountFact("capacity", int(labConfig().Capacity()+0.5), "requests/s", "cfg.Capacity(): what the workers finish a second").Assume(),
	suite.DurationRangeFact("budget", minBudget, maxBudget, "each request's time from arrival to its deadline, uniform").Assume(),
	suite.DurationFact("run-for", runFor, "how long open-loop arrivals last in most tests").Assume(),
	suite.DurationFact("warm-up", warmUp, "goodput is counted from this time to the end of the arrivals").Assume(),
	suite.DurationFact("sample-every", sampleEvery, "how often the lab samples QueueLen").Assume(),

	// In every test.
	suite.CountFact("max-queue", maxQueue(), "requests", "bounded queue: the most requests waiting at once, the work the workers finish within the longest deadline"),
	suite.PercentFact("max-wasted", maxWasted, "wasted work: worker time spent on work that finishes after its deadline, at most"),

	// Part A.
	suite.PercentFact("underload-success", underloadSuccess, "Underload: requests that finish in time, at least"),
	suite.PercentFact("max-timeouts", maxTimeouts, "requests answered after their deadline, at most"),
	suite.DurationFact("reject-p99", msDuration(rejectP99), "FastRejection: p99 time from arrival to rejection, at most"),
	suite.PercentFact("little-tolerance", littleTolerance, "LittlesLaw: QueueLen's mean within this of λW, plus the slack"),
	suite.TextFact("little-slack", strconv.FormatFloat(littleSlack, 'f', -1, 64)+" requests", "LittlesLaw: the slack added to the tolerance"),

	// Part B.
	suite.DurationFact("recovery-after", recoveryAfter, "Recovery: requests arriving this long after the burst are judged, and no burst request may start this late"),
	suite.PercentFact("recovery-success", recoverySuccess, "Recovery: requests arriving after the burst that finish in time, at least"),

	// Part C.
	suite.PercentFact("goodput-1x", goodputAt1x, "Goodput1x: goodput as a share of capacity, at least"),
	suite.PercentFact("goodput-overload", goodputOverload, "goodput as a share of capacity under overload (2×, 3×, 5×, closed loop, flood, critical overload), at least"),
	suite.DurationFact("latency-p99", msDuration(latencyP99), "Goodput2x, Goodput5x: p99 latency of admitted work, at most"),

	// Part D.
	suite.PercentFact("critical-success", criticalSuccess, "CriticalFirst: critical requests that finish in time, at least"),
	suite.PercentFact("flooded-success", floodedSuccess, "FloodingClient: the nine well-behaved clients' requests that finish in time, together, at least"),
	suite.PercentFact("flooded-each", floodedEach, "FloodingClient: each well-behaved client's requests that finish in time, at least"),
	suite.PercentFact("flood-share", floodShare, "FloodingClient: the flooding client's share of goodput, at most"),
}
