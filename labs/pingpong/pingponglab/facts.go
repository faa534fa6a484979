package pingponglab

import (
	"strconv"

	"github.com/faultline-dev/faultline/grader/suite"
)

// facts are the figures the suite checks and the networks it assumes,
// each built from the constant the suite uses, for task.md and the lessons
// to quote by name (suite.Fact). Per-test points, seeds and limits come
// from the test table (suite.Lab.AllFacts).
var facts = []suite.Fact{
	// The budgets.
	suite.TextFact("MessageBudget.budget", "2n + "+strconv.Itoa(exactSpare)+" messages", "MessageBudget: the exact budget for n requests on a network that loses nothing: a request and an ack each, and two to spare"),
	suite.CountFact("ReliableOne.budget", reliableBudget, "messages a request", "ReliableOne and ReliableMany: the message budget"),
	suite.CountFact("Loss.budget", lossBudget, "messages a request", "Loss: the message budget"),
	suite.CountFact("HeavyLoss.budget", heavyLossBudget, "messages a request", "HeavyLoss: the message budget"),
	suite.CountFact("Duplication.budget", duplicationBudget, "messages a request", "Duplication: the message budget"),
	suite.CountFact("Reordering.budget", reorderingBudget, "messages a request", "Reordering: the message budget"),
	suite.CountFact("TwoClients.budget", twoClientsBudget, "messages a request", "TwoClients: the message budget"),
	suite.CountFact("Chaos.budget", chaosBudget, "messages a request", "Chaos: the message budget"),
	suite.RatioFact("budget-factor", budgetFactor, "each calibrated budget is at least this many times the reference's worst case over 1,000 seeds"),
	suite.RatioFact("done-by-factor", doneByFactor, "each test's completion limit is at least this many times the reference's latest completion over 1,000 seeds"),

	suite.DurationFact("Loss.done-by", lossDoneBy, "Loss: every request done by this virtual time"),

	// The networks.
	suite.DurationFact("MessageBudget.latency", exactLatency, "MessageBudget: each message's latency, fixed, nothing lost").Assume(),
	suite.DurationRangeFact("Loss.latency", lossyMin, lossyMax, "Loss and HeavyLoss: each message's latency").Assume(),
	suite.DurationRangeFact("HeavyLoss.latency", lossyMin, lossyMax, "HeavyLoss: each message's latency").Assume(),
	suite.PercentFact("Loss.loss", lossLoss, "Loss: the share of messages lost").Assume(),
	suite.PercentFact("HeavyLoss.loss", heavyLoss, "HeavyLoss: the share of messages lost").Assume(),
	suite.DurationRangeFact("Duplication.latency", dupMin, dupMax, "Duplication: each message's latency").Assume(),
	suite.PercentFact("Duplication.duplicate", dupShare, "Duplication: the share of messages duplicated").Assume(),
	suite.DurationRangeFact("Reordering.latency", reorderMin, reorderMax, "Reordering: the latency of most messages").Assume(),
	suite.DurationRangeFact("Reordering.tail", reorderTailMin, reorderTailMax, "Reordering: the latency of the long tail").Assume(),
	suite.PercentFact("Reordering.tail-share", reorderTailShare, "Reordering: the share of messages in the long tail").Assume(),
	suite.DurationRangeFact("TwoClients.latency", twoMin, twoMax, "TwoClients: each message's latency").Assume(),
}
