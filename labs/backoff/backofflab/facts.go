package backofflab

import (
	"github.com/faultline-dev/faultline/grader/suite"
)

// facts are the figures the suite checks and the world it assumes, each
// built from the constant the suite uses, for task.md and the lessons to
// quote by name (suite.Fact). Per-test points, seeds and limits come from
// the test table (suite.Lab.AllFacts).
var facts = []suite.Fact{
	// The world.
	suite.DurationRangeFact("latency", netMin, netMax, "every message's latency, each way").Assume(),
	suite.CountFact("workers", defaultServer().workers, "workers", "the server's workers").Assume(),
	suite.DurationRangeFact("service", defaultServer().serviceMin, defaultServer().serviceMax, "the service time of a new key, uniform").Assume(),
	suite.CountFact("capacity", int(defaultServer().capacity()+0.5), "calls/s", "what the server's workers complete a second when every attempt is a new key").Assume(),
	suite.CountFact("queue", defaultServer().queue, "attempts", "the server's queue; beyond it attempts are refused Overloaded").Assume(),
	suite.DurationFact("overhead", defaultServer().overhead, "what a worker spends on an attempt whose key already ran or is running").Assume(),

	// After every event.
	suite.DurationFact("late-slack", lateSlack, "no attempt may reach the server later than this after its call was answered"),
	suite.CountFact("storm-factor", stormFactor, "attempts a call", "a run stops at more attempts than this per call made so far, or for one call within a second"),
	suite.DurationFact("max-retry-gap", maxRetryGap, "capped backoff: the longest wait after a refusal before the call's next attempt"),

	// At the end of every test with refusals.
	suite.DurationFact("hot-gap", hotGap, "a retry within this of the refusal came at once"),
	suite.PercentFact("max-hot-share", maxHotShare, "backoff: at most this share of the retries after refusals may come at once"),
	suite.CountFact("min-hot", minHot, "retries", "the backoff check judges from this many retries after refusals on"),
	suite.DurationFact("first-wait-mean", firstWaitMean, "first wait: the mean wait after a call's first refusal, at most"),
	suite.CountFact("jitter-min", jitterMin, "retries", "the jitter and first-wait checks judge a rank from this many retries on"),
	suite.DurationFact("jitter-mean", jitterMean, "the jitter check judges a rank whose mean wait is at least this"),
	suite.DurationFact("jitter-spread", jitterSpread, "jitter: waits of one rank all within this of each other are not jittered"),
	suite.CountFact("cap-rank", capRank, "attempts", "from this refused attempt on, every backoff the task allows has reached its cap"),

	// Part A.
	suite.CountFact("expired-calls", expiredN, "calls", "Healthy and LowFailureRate make this many calls at their deadline, which must be answered DeadlineExceeded at once, without an attempt"),
	suite.CountFact("Healthy.rate", healthyRate, "calls/s", "Healthy's offered load, half of the server's capacity").Assume(),
	suite.RatioFact("Healthy.attempts", healthyAmplification, "Healthy and ClosedLoop: attempts per call, at most"),
	suite.DurationFact("Healthy.p50", healthyP50, "Healthy: p50 latency of successful calls, at most"),
	suite.DurationFact("Healthy.p99", healthyP99, "Healthy: p99 latency of successful calls, at most"),
	suite.PercentFact("LossyNetwork.loss", lossyLoss, "LossyNetwork: the share of messages lost").Assume(),
	suite.PercentFact("LossyNetwork.success", lossySuccess, "LossyNetwork: calls that succeed, at least"),
	suite.RatioFact("LossyNetwork.attempts", lossyAmplification, "LossyNetwork: attempts per call, at most"),
	suite.DurationRangeFact("StalledServer.service", stalledFactor*defaultServer().serviceMin, stalledFactor*defaultServer().serviceMax, "StalledServer: the service time of every call").Assume(),
	suite.DurationFact("StalledServer.deadline", stalledDeadline, "StalledServer: each call's deadline").Assume(),
	suite.PercentFact("StalledServer.fail", stalledFailed, "StalledServer: calls that fail, at least, every one by its deadline"),
	suite.CountFact("ClosedLoop.clients", closedClients, "clients", "ClosedLoop: clients with one call at a time").Assume(),
	suite.RatioFact("ClosedLoop.attempts", healthyAmplification, "ClosedLoop: attempts per call, at most"),

	// Part B.
	suite.CountFact("ThunderingHerd.clients", herdClients, "clients", "ThunderingHerd: the clients that call at the same instant").Assume(),
	suite.DurationFact("ThunderingHerd.deadline", herdDeadline, "ThunderingHerd: each call's deadline").Assume(),
	suite.CountFact("ThunderingHerd.queue", herdQueue, "attempts", "ThunderingHerd: the server's queue").Assume(),
	suite.DurationFact("ThunderingHerd.window", herdWindow, "ThunderingHerd: the window the peak of arriving attempts is counted in"),
	suite.CountFact("ThunderingHerd.peak", herdMaxPeak, "attempts", "ThunderingHerd: attempts reaching the server in any window, at most"),
	suite.DurationFact("ThunderingHerd.from", herdJudgedFrom, "ThunderingHerd: the peak is judged from this long after the burst until its deadlines"),
	suite.PercentFact("ThunderingHerd.success", herdSuccess, "ThunderingHerd: calls that succeed, at least"),
	suite.RatioFact("ThunderingHerd.attempts", herdAmplification, "ThunderingHerd: attempts per call, at most"),
	suite.CountFact("ManyAttempts.refusals", refusals, "refusals", "ManyAttempts: the server refuses call 1 this many times, then accepts it").Assume(),
	suite.DurationFact("ManyAttempts.deadline", manyDeadline, "ManyAttempts: call 1's deadline, by which it must succeed").Assume(),
	suite.DurationFact("ManyAttempts.hopeless", hopelessDeadline, "ManyAttempts: the deadline of the call refused every time, which must fail fast").Assume(),

	// Part C.
	suite.DurationFact("ServerFailsEverything.healthy", failFrom, "ServerFailsEverything: the healthy period before the server fails every attempt").Assume(),
	suite.RatioFact("ServerFailsEverything.attempts", failingAmplification, "ServerFailsEverything: attempts per call made while the server fails, at most"),
	suite.PercentFact("budget-ratio", budgetRatio, "the retry budget the bound assumes: tokens earned per successful call").Assume(),
	suite.CountFact("budget-max", budgetMax, "tokens", "the retry budget the bound assumes: the bucket's size").Assume(),
	suite.PercentFact("LowFailureRate.fail", lowFailRate, "LowFailureRate: the share of attempts the server fails").Assume(),
	suite.PercentFact("LowFailureRate.success", lowSuccess, "LowFailureRate: calls that succeed, at least"),
	suite.RatioFact("LowFailureRate.attempts", lowAmplification, "LowFailureRate: attempts per call, at most"),

	// Part D.
	suite.CountFact("storm.clients", partDClients, "clients", "Slowdown and CapacityLoss: the clients sharing the open-loop load").Assume(),
	suite.DurationFact("run-length", partDRun, "Slowdown and CapacityLoss: the open-loop load's length").Assume(),
	suite.CountFact("Slowdown.rate", slowdownRate, "calls/s", "Slowdown: the offered load").Assume(),
	suite.DurationFact("Slowdown.from", trigStart, "Slowdown and CapacityLoss: the trigger's start").Assume(),
	suite.DurationFact("Slowdown.until", slowdownEnd, "Slowdown: the trigger's end").Assume(),
	suite.RatioFact("Slowdown.factor", slowdownFactor, "Slowdown: how much slower the server is during the trigger").Assume(),
	suite.CountFact("CapacityLoss.rate", capacityLossRate, "calls/s", "CapacityLoss: the offered load").Assume(),
	suite.DurationFact("CapacityLoss.until", capacityLossEnd, "CapacityLoss: the trigger's end (2 of the 4 workers until then)").Assume(),
	suite.DurationFact("recover-bound", recoverWithin, "Slowdown, CapacityLoss: goodput back to the share below within this after the trigger ends"),
	suite.PercentFact("recover-share", goodRatio, "Slowdown, CapacityLoss: goodput, over a second, as a share of the offered load, at least"),
	suite.DurationFact("good-window", goodWindow, "Slowdown, CapacityLoss: goodput held at the share for this long after recovering"),
	suite.DurationFact("p99-bound", p99After, "Slowdown, CapacityLoss: p99 latency of the calls made after recovery, at most"),
	suite.RatioFact("attempts-bound", partDAmplification, "Slowdown, CapacityLoss: attempts per call over the run, at most"),
	suite.PercentFact("min-shed", minShed, "Slowdown, CapacityLoss: calls failed without an attempt from the trigger's start until the recovery bound, at least"),
	suite.PercentFact("shed-premise", shedPremise, "Slowdown, CapacityLoss: the shedding check judges a run in which at least this share of the calls in that window failed"),
}
