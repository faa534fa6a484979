package raftlab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// Failure pictures (issue 25, item 3): the Raft lessons draw what goes
// wrong, not only calm runs. Each picture is a demo whose run is a test
// run of this lab: the grader's own safety invariant ("raft safety",
// invariants.go) watches every event, so a picture of a mutant shows the
// check failing where the grader catches it, as a band across the diagram.
// A picture is either one of the lab's graded tests run with one
// implementation (its replay is a `faultline grade` command) or a short
// scripted scenario of this file (a partition at a set step, a link that
// reorders), run with the reference or a mutant of the catalogue
// (labs/raft/mutants). Every run is a pure function of its seed.

// picture is one failure picture, registered as a demo.
type picture struct {
	name, title, description string
	// test names the graded test the picture runs; scenario, when test is
	// "", is the scripted run instead.
	test     string
	scenario func(t *suite.T)
	// impl is "solution" or "mutant:<name>" (suite.Lab.Impl).
	impl string
	seed uint64
	// fails is the check a run with the default seed must fail, by its
	// kind (suite.Failure.Kind); "" means the run must pass. The package's
	// tests hold each picture to it, so a lesson's caption cannot drift
	// from the run it describes.
	fails string
	// at is when that check fails with the default seed, rounded to the tenth of
	// a millisecond, as the lessons' exercises quote it.
	at time.Duration
}

// pictures are the failure pictures the Raft lessons draw.
var pictures = []picture{
	{
		name:  "raft-partition",
		title: "Raft: a partitioned leader, a new election, and a conflicting log backed up",
		description: "The reference on five nodes. The leader and one follower are cut off from the other " +
			"three; the old leader still accepts two commands, which it cannot commit. The majority elects " +
			"a leader in a higher term, which commits three commands of its own. When the partition heals, " +
			"the old leader steps down, refuses AppendEntries whose previous entry does not match its log, " +
			"and the new leader backs up until the logs agree, then overwrites the uncommitted entries.",
		scenario: scenarioPartition(5), impl: "solution", seed: 1,
	},
	{
		name:  "raft-partition-half-quorum",
		title: "Raft: a 2-2 partition with a mutant that counts half the cluster as a majority (mutant half-is-a-quorum)",
		description: "The raft-partition script on four nodes, split two and two, run against the mutant " +
			"half-is-a-quorum: the old leader commits with its one follower, the other side elects a leader " +
			"with two votes of four although its log lacks the entries the old leader committed, and the grader " +
			"reports a leader completeness violation.",
		scenario: scenarioPartition(4), impl: "mutant:half-is-a-quorum", seed: 1, fails: "leader completeness", at: 907600 * time.Microsecond,
	},
	{
		name:  "raft-figure8",
		title: "Raft: Figure 8 with a leader that commits an old term's entry (mutant commits-old-term)",
		description: "The graded test Figure8 run against the mutant commits-old-term: S1's entry of an old " +
			"term reaches a majority and the mutant commits it by counting replicas; a later leader whose " +
			"log holds a different entry at that index is elected, and the grader reports a leader " +
			"completeness violation.",
		test: "Figure8", impl: "mutant:commits-old-term", seed: 2, fails: "leader completeness", at: 2752300 * time.Microsecond,
	},
	{
		name:  "raft-crash-in-handler",
		title: "Raft: a crash inside a handler tears a Sync (mutant replies-before-persist)",
		description: "The graded test CrashExploration run against the mutant replies-before-persist, at the " +
			"crash point that fails: a node answers in a new term before its term is on disk, the crash " +
			"strikes inside that handler during the Sync (nothing of it kept), and the node restarts in an " +
			"older term than the one it answered in.",
		test: "CrashExploration", impl: "mutant:replies-before-persist", seed: 1, fails: "terms never go back",
		at: 387900 * time.Microsecond,
	},
	{
		name:  "raft-stale-snapshot",
		title: "Raft: a stale InstallSnapshot arrives after newer entries (mutant installs-stale-snapshot)",
		description: "Three nodes; services snapshot every 4 entries. n3 is cut off while the others commit " +
			"nine entries, so it must catch up by InstallSnapshot; every message to n3 takes 1 to 150 ms, so " +
			"they overtake one another. A copy of the leader's InstallSnapshot arrives after n3 has applied " +
			"later entries, and the mutant installs it: its service goes back in time.",
		scenario: scenarioStaleSnapshot, impl: "mutant:installs-stale-snapshot", seed: 1, fails: "stale snapshot",
		at: 1941200 * time.Microsecond,
	},
	{
		name:  "raft-stale-snapshot-reference",
		title: "Raft: the same stale InstallSnapshot, ignored by the reference",
		description: "The run of raft-stale-snapshot with the reference: the late InstallSnapshot is not beyond " +
			"n3's commit index, so n3 ignores it and answers with its term.",
		scenario: scenarioStaleSnapshot, impl: "solution", seed: 1,
	},
}

// pictureLimit bounds a scripted picture's virtual time.
const pictureLimit = 30 * suite.Sec

func registerPictures() {
	for _, p := range pictures {
		suite.RegisterDemo(suite.Demo{Name: p.name, Title: p.title, Description: p.description,
			Lab: Lab.Name, Seed: p.seed, Run: p.run})
	}
}

// run runs the picture with seed, tracing it to sink. A run that fails a
// check is what a mutant's picture shows, not an error; a test body that
// breaks (Outcome.Err) is one.
func (p picture) run(seed uint64, sink trace.Sink) error {
	_, err := p.outcome(seed, sink)
	return err
}

// outcome runs the picture and says how it ended.
func (p picture) outcome(seed uint64, sink trace.Sink) (suite.Outcome, error) {
	impl, err := Lab.Impl(p.impl)
	if err != nil {
		return suite.Outcome{}, fmt.Errorf("the %s picture runs %s: %w", p.name, p.impl, err)
	}
	test := &suite.Test{Name: p.name, Limit: pictureLimit, Run: p.scenario}
	if p.test != "" {
		t, ok := Lab.Test(p.test)
		if !ok {
			return suite.Outcome{}, fmt.Errorf("the %s picture runs test %s, which lab raft does not have", p.name, p.test)
		}
		test = t
	}
	out := suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: impl, ImplName: p.impl, Trace: sink}).Run()
	if out.Err != nil {
		return out, fmt.Errorf("the %s picture with seed %d broke: %w", p.name, seed, out.Err)
	}
	return out, nil
}

// scenarioPartition: the nodes commit one entry; 30 ms later the leader
// and one follower are partitioned from the others, the old leader takes
// two commands (which it cannot commit when the others are a majority),
// the others elect a leader that commits three, and the partition heals:
// the old leader's uncommitted entries conflict with the new leader's log
// and are backed up and overwritten.
func scenarioPartition(nodes int) func(t *suite.T) {
	return func(t *suite.T) { partitionScript(t, nodes) }
}

func partitionScript(t *suite.T, nodes int) {
	h := newHarness(t, config{nodes: nodes})
	h.one(h.n, true)
	old := h.waitLeader(h.electionBound())
	o := h.others(old)
	minority, majority := []node.ID{old, o[0]}, o[1:]
	h.s.RunFor(30 * suite.Ms)
	h.s.Partition(minority)
	for range 2 {
		h.propose(old, h.newCommand(0))
		h.s.RunFor(20 * suite.Ms)
	}
	lead := h.waitLeader(h.electionBound(), majority...)
	h.s.RunFor(20 * suite.Ms) // the election, then the new leader's first commands
	last := 0
	for range 3 {
		if i, _, ok := h.propose(lead, h.newCommand(0)); ok {
			last = i
		}
	}
	if !h.s.RunUntilTrue(h.s.Now()+2*suite.Sec, func() bool { return h.nApplied(last) >= len(majority) }) {
		t.Fatalf("the majority side did not commit its leader's entries (%s)", h.describe())
	}
	h.s.RunFor(50 * suite.Ms)
	h.connect(h.all()...)
	if !h.s.RunUntilTrue(h.s.Now()+2*suite.Sec, func() bool { return h.nApplied(last) == h.n }) {
		t.Fatalf("the old leader's side did not catch up after the partition healed (%s)", h.describe())
	}
	h.s.RunFor(50 * suite.Ms)
}

// scenarioStaleSnapshot: n3 is cut off from the start while n1 and n2
// commit nine entries, snapshotting every four, so that n3 must catch up
// by InstallSnapshot; every message to n3 takes 1 to 150 ms, so a copy of
// an InstallSnapshot sent earlier can arrive after the entries that follow
// it. The leader commits four more entries after n3 rejoins.
func scenarioStaleSnapshot(t *suite.T) {
	const lagging = node.ID(3)
	slow := faults.Between(suite.Ms, 150*suite.Ms)
	h := newHarness(t, config{nodes: 3, snapEvery: 4, faults: faults.Model{Latency: faults.Fixed(suite.Ms),
		Links: []faults.LinkRule{{To: lagging, Latency: &slow}}}})
	h.disconnect(lagging)
	for range 9 {
		h.one(2, true)
	}
	h.connect(lagging)
	for range 4 {
		h.one(2, true)
		h.s.RunFor(40 * suite.Ms)
	}
	h.s.RunFor(500 * suite.Ms)
}
