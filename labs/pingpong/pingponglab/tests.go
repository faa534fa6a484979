package pingponglab

import (
	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/search/models"
	"github.com/faultline-dev/faultline/grader/suite"
)

// The limits' margins over the reference's worst case (TestCalibration):
// a test's time limit is at least doneByFactor times the reference's
// latest completion, and its message budget at least budgetFactor times
// the reference's most messages per request, over 1,000 seeds.
const (
	doneByFactor = 5
	budgetFactor = 2
)

// The message budgets, in messages per request (TestCalibration: at least
// budgetFactor times the reference's worst case over 1,000 seeds), and
// the networks they are measured on. MessageBudget's is exact instead:
// two messages a request and exactSpare to spare.
const (
	reliableBudget    = 4
	exactSpare        = 2
	lossBudget        = 12
	heavyLossBudget   = 40
	duplicationBudget = 7
	reorderingBudget  = 9
	twoClientsBudget  = 9
	chaosBudget       = 22

	lossyMin = 5 * suite.Ms // Loss and HeavyLoss: latency each way
	lossyMax = 50 * suite.Ms
	lossLoss = 0.3
	// lossDoneBy is when Loss's requests must all be done.
	lossDoneBy = 10 * suite.Sec
	heavyLoss  = 0.6

	exactLatency     = 5 * suite.Ms // MessageBudget: each way
	dupMin, dupMax   = 1 * suite.Ms, 80 * suite.Ms
	dupShare         = 0.5
	reorderMin       = 1 * suite.Ms
	reorderMax       = 10 * suite.Ms
	reorderTailShare = 0.2 // of messages, held reorderTailMin–reorderTailMax
	reorderTailMin   = 150 * suite.Ms
	reorderTailMax   = 600 * suite.Ms
	twoMin, twoMax   = 1 * suite.Ms, 40 * suite.Ms
)

var tests = []suite.Test{
	{Name: "ReliableOne", Part: "A", Points: 2, Seeds: 3, Limit: 10 * suite.Sec, Run: testReliableOne,
		Description: "one request over a perfect network is executed and reported done", Lesson: "unreliable-networks"},
	{Name: "ReliableMany", Part: "A", Points: 3, Seeds: 3, Limit: 10 * suite.Sec, Run: testReliableMany,
		Description: "twenty requests in a row over a perfect network", Lesson: "unreliable-networks"},
	{Name: "MessageBudget", Part: "A", Points: 2, Seeds: 3, Limit: 10 * suite.Sec, Run: testMessageBudget,
		Description: "on a perfect network, about one request and one ack per request: no needless retransmissions", Lesson: "retries-and-backoff"},
	{Name: "Loss", Part: "B", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testLoss,
		Description: "30% of messages lost: every request still completes", Lesson: "unreliable-networks"},
	{Name: "HeavyLoss", Part: "B", Points: 3, Seeds: 20, Limit: 120 * suite.Sec, Run: testHeavyLoss,
		Description: "60% of messages lost: every request still completes, within a message budget", Lesson: "unreliable-networks"},
	{Name: "Duplication", Part: "C", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testDuplication,
		Description: "half the messages duplicated: nothing executes twice", Lesson: "unreliable-networks"},
	{Name: "Reordering", Part: "C", Points: 3, Seeds: 20, Limit: 60 * suite.Sec, Run: testReordering,
		Description: "long-tailed latency reorders requests and acks; duplicates too", Lesson: "unreliable-networks"},
	{Name: "TwoClients", Part: "D", Points: 4, Seeds: 20, Limit: 60 * suite.Sec, Run: testTwoClients,
		Description: "two clients number their requests independently; each request runs once", Lesson: "unreliable-networks"},
	{Name: "Chaos", Part: "D", Points: 5, Seeds: 30, Limit: 120 * suite.Sec, Run: testChaos,
		Description: "three clients under a random mix of loss, duplication, partitions and server pauses", Lesson: "unreliable-networks"},
	// Every order of delivery, with up to a drop and a duplicate, searched
	// exhaustively over the student's own nodes (grader/search).
	models.SuiteTest("pingpong", "exactly-once", "C", 3),
}

func testReliableOne(t *suite.T) {
	c := newHarness(t, 1, faults.Reliable(), nil)
	c.submit(1, 10*suite.Ms)
	c.finish(1*suite.Sec, 10*suite.Ms)
	c.budget(reliableBudget, "a request and an ack, with room to spare, on a network that loses nothing")
}

func testReliableMany(t *suite.T) {
	c := newHarness(t, 1, faults.Reliable(), nil)
	c.submit(20, 10*suite.Ms)
	c.finish(2*suite.Sec, 200*suite.Ms)
	c.budget(reliableBudget, "a request and an ack each, with room to spare, on a network that loses nothing")
}

func testMessageBudget(t *suite.T) {
	c := newHarness(t, 1, faults.Model{Latency: faults.Fixed(exactLatency)}, nil)
	c.submit(20, 20*suite.Ms)
	c.finish(3*suite.Sec, 400*suite.Ms)
	// Exact, not calibrated: one request and one ack each, and two to
	// spare; a timer longer than the 10 ms round trip sends no more.
	c.budgetOf(int64(2*len(c.submitted)+exactSpare), "a request and an ack each, on a network that loses nothing")
}

func testLoss(t *suite.T) {
	c := newHarness(t, 1, faults.Model{Latency: faults.Between(lossyMin, lossyMax), Loss: lossLoss}, nil)
	c.submit(20, 20*suite.Ms)
	c.finish(lossDoneBy, 400*suite.Ms)
	c.budget(lossBudget, "retransmit on a timer longer than a round trip (here up to 100 ms)")
}

func testHeavyLoss(t *suite.T) {
	c := newHarness(t, 1, faults.Model{Latency: faults.Between(lossyMin, lossyMax), Loss: heavyLoss}, nil)
	c.submit(10, 50*suite.Ms)
	c.finish(30*suite.Sec, 500*suite.Ms)
	// Each attempt gets through both ways with probability 0.16: about 12
	// messages a request on average, 18 at worst over 1,000 seeds.
	c.budget(heavyLossBudget, "retransmit on a timer longer than a round trip (here up to 100 ms)")
}

func testDuplication(t *suite.T) {
	c := newHarness(t, 1, faults.Model{Latency: faults.Between(dupMin, dupMax), Duplicate: dupShare}, nil)
	c.submit(20, 10*suite.Ms)
	c.finish(2*suite.Sec, 200*suite.Ms)
	c.budget(duplicationBudget, "retransmit on a timer longer than a round trip (here up to 160 ms), and ack each copy once")
}

func testReordering(t *suite.T) {
	lat := faults.Dist{Kind: faults.LongTail, Min: faults.Duration(reorderMin), Max: faults.Duration(reorderMax),
		TailProb: reorderTailShare, TailMin: faults.Duration(reorderTailMin), TailMax: faults.Duration(reorderTailMax)}
	c := newHarness(t, 1, faults.Model{Latency: lat, Duplicate: 0.2, Loss: 0.05}, nil)
	c.submit(20, 3*suite.Ms)
	c.finish(5*suite.Sec, 60*suite.Ms)
	c.budget(reorderingBudget, "retransmit on a timer, not on every message")
}

func testTwoClients(t *suite.T) {
	c := newHarness(t, 2, faults.Model{Latency: faults.Between(twoMin, twoMax), Loss: 0.2, Duplicate: 0.2}, nil)
	c.submit(10, 20*suite.Ms)
	c.finish(6*suite.Sec, 200*suite.Ms)
	c.budget(twoClientsBudget, "retransmit on a timer longer than a round trip (here up to 80 ms)")
}

// testChaos draws its own fault mix from the seed (swarm testing): loss,
// duplication, latency shape, and a schedule of partitions, one-way blocks,
// isolation and pauses. The server is never crashed: without persistence
// (not part of this lab) a crash rightly forgets what it executed.
func testChaos(t *suite.T) {
	r := t.Rand("chaos")
	model, sched := faults.Swarm(r, 4, 5*suite.Sec, []faults.Kind{faults.Partition, faults.OneWay, faults.Isolate, faults.Pause})
	c := newHarness(t, 3, model, sched)
	c.submit(10, 50*suite.Ms)
	c.finish(20*suite.Sec, 500*suite.Ms)
	c.budget(chaosBudget, "retransmit on a timer, not on every message")
}
