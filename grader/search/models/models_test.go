package models_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/search/models"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/kvraft/kvraftlab"
	_ "github.com/faultline-dev/faultline/labs/pingpong/pingponglab"
	_ "github.com/faultline-dev/faultline/labs/raft/raftlab"
)

func implOf(t testing.TB, lab, name string) any {
	l, err := suite.Lookup(lab)
	require.NoError(t, err)
	impl, err := l.Impl(name)
	require.NoError(t, err)
	return impl
}

// TestSpecs runs every lab's graded search on the reference, which must
// pass and reach every goal, and on the mutants each search targets,
// which must be caught with a path no longer than maxPath (BFS: the
// shortest).
func TestSpecs(t *testing.T) {
	cases := []struct {
		lab, model, impl string
		invariant        string // "" for the reference
		maxPath          int
		exhaustive       bool // the graded bounds are explored to the end
	}{
		{lab: "pingpong", impl: "solution", exhaustive: true},
		{lab: "pingpong", impl: "mutant:no-dedup", invariant: "exactly once", maxPath: 4},
		{lab: "pingpong", impl: "mutant:no-retransmit", invariant: "every request completes", maxPath: 5},
		{lab: "pingpong", impl: "mutant:dedup-by-seq", invariant: "exactly once", maxPath: 5},
		{lab: "raft", impl: "solution", exhaustive: true},
		{lab: "raft", impl: "mutant:votes-twice", invariant: "election safety", maxPath: 6},
		{lab: "raft", impl: "mutant:acts-on-stale-replies", invariant: "election safety", maxPath: 7},
		{lab: "raft", model: "election-crash", impl: "solution", exhaustive: true},
		{lab: "raft", model: "election-crash", impl: "mutant:replies-before-persist", invariant: "election safety", maxPath: 7},
		{lab: "raft", model: "log-safety", impl: "solution"},
		{lab: "raft", model: "log-safety", impl: "mutant:no-up-to-date-check", invariant: "leader completeness", maxPath: 16},
		{lab: "raft", model: "log-safety", impl: "mutant:applies-twice", invariant: "state machine safety", maxPath: 10},
		{lab: "kvraft", impl: "solution"},
		{lab: "kvraft", impl: "mutant:stale-reads", invariant: "linearizability", maxPath: 27},
		{lab: "kvraft", impl: "mutant:local-dedup", invariant: "linearizability", maxPath: 33},
		{lab: "kvraft", impl: "mutant:answers-early", invariant: "linearizability", maxPath: 11},
		{lab: "kvraft", impl: "mutant:reuses-seq", invariant: "linearizability", maxPath: 18},
	}
	for _, tc := range cases {
		t.Run(tc.lab+"/"+tc.model+"/"+tc.impl, func(t *testing.T) {
			spec, err := models.Lookup(tc.lab, tc.model)
			require.NoError(t, err)
			m, err := spec.Build(implOf(t, tc.lab, tc.impl))
			require.NoError(t, err)
			res, err := search.Check(m, spec.Options)
			require.NoError(t, err)
			t.Logf("%s %s: %d states, %d unique, depth %d", tc.lab, tc.impl, res.Stats.States, res.Stats.Unique, res.Stats.Depth)
			if tc.invariant == "" {
				require.Nil(t, res.Violation)
				assert.Equal(t, tc.exhaustive, res.Exhausted, "the graded bounds are explored to the end")
				for _, g := range res.Goals {
					assert.True(t, g.Reached, "goal %q", g.Name)
				}
				return
			}
			require.NotNil(t, res.Violation)
			assert.Equal(t, tc.invariant, res.Violation.Invariant, "%v", res.Violation)
			assert.LessOrEqual(t, len(res.Violation.Path), tc.maxPath, "%v", res.Violation)
		})
	}
}

func TestLookup(t *testing.T) {
	_, err := models.Lookup("backoff", "")
	assert.ErrorContains(t, err, `lab "backoff" has no search model`)
	_, err = models.Lookup("pingpong", "nope")
	assert.ErrorContains(t, err, "exactly-once")
	s, err := models.Lookup("raft", "election-safety")
	require.NoError(t, err)
	assert.Equal(t, "raft", s.Lab)
}

// TestSuiteTests runs the graded search tests as the grader runs a test:
// the reference passes, a mutant fails on its invariant, and the starter
// (which does nothing, so it breaks no safety property) fails on a goal.
func TestSuiteTests(t *testing.T) {
	cases := []struct {
		lab, model, impl string
		fail             string // "" passes; else in the failure's message
	}{
		{"pingpong", "exactly-once", "solution", ""},
		{"pingpong", "exactly-once", "mutant:no-dedup", "executed 2 times"},
		{"pingpong", "exactly-once", "starter", "never"},
		{"raft", "election-safety", "solution", ""},
		{"raft", "election-safety", "mutant:votes-twice", "all lead term 1"},
		{"raft", "election-safety", "starter", `reached "a leader is elected"`},
		// A Raft that never sends: the walks stop finding new states
		// and stop, rather than walk until the states limit.
		{"raft", "log-safety", "starter", `reached "a leader is elected"`},
	}
	for _, tc := range cases {
		t.Run(tc.lab+"/"+tc.impl, func(t *testing.T) {
			lab, err := suite.Lookup(tc.lab)
			require.NoError(t, err)
			test := models.SuiteTest(tc.lab, tc.model, "A", 1)
			out := suite.NewT(suite.Options{Lab: lab, Test: &test, Impl: implOf(t, tc.lab, tc.impl), ImplName: tc.impl}).Run()
			require.Nil(t, out.Err)
			if tc.fail == "" {
				assert.True(t, out.Passed(), "%+v", out.Failure)
				return
			}
			require.NotNil(t, out.Failure, "%+v", out)
			assert.Contains(t, out.Failure.Msg, tc.fail)
		})
	}
	assert.Equal(t, "SearchExactlyOnce", models.SuiteTest("pingpong", "exactly-once", "C", 4).Name)
	assert.Panics(t, func() { models.SuiteTest("pingpong", "nope", "C", 4) })
}

// TestLogSafetyWithoutLogReader: the graded part B search needs only
// what every Raft offers (apply, State, Propose). With the optional
// raft.LogReader unread, the mutants it targets are still found, by
// state machine safety or by leader completeness seen at a proposal.
func TestLogSafetyWithoutLogReader(t *testing.T) {
	spec, err := models.Lookup("raft", "log-safety")
	require.NoError(t, err)
	cases := []struct {
		impl      string
		invariant string // "" for the reference
	}{
		{impl: "solution"},
		{impl: "mutant:no-up-to-date-check", invariant: "state machine safety"},
		{impl: "mutant:applies-twice", invariant: "state machine safety"},
	}
	for _, tc := range cases {
		t.Run(tc.impl, func(t *testing.T) {
			m, err := models.RaftReplication(implOf(t, "raft", tc.impl), 3, []string{"x", "y"}, search.Bounds{Crashes: 1}, false)
			require.NoError(t, err)
			res, err := search.Check(m, spec.Options)
			require.NoError(t, err)
			if tc.invariant == "" {
				require.Nil(t, res.Violation)
				return
			}
			require.NotNil(t, res.Violation)
			assert.Equal(t, tc.invariant, res.Violation.Invariant, "%v", res.Violation)
		})
	}
}

// TestShorterThanRandomTesting: each mutant a graded search targets (the
// graded specs of pingpong, raft and kvraft) is
// found with a counterexample no longer than the one random testing
// shrinks it to. randomEvents is the shrunk run's event count (the
// report's shrink.shrunk_events) of the test that catches the mutant in
// `faultline grade <lab> --impl mutant:<name> --run '^<test>$' --format json`
// (session 3, 2026-12-06; the shrunk trace when the grader shrank it),
// counted as the trace's deliver, timer_fire, call, drop, dup and crash
// records: the same kinds of event as the search's.
const (
	pingpongNoDedupEvents      = 11   // Duplication, shrunk from 23 events
	pingpongNoRetransmitEvents = 54   // Loss, shrunk
	pingpongDedupBySeqEvents   = 7    // TwoClients, shrunk
	raftVotesTwiceEvents       = 10   // InitialElection, no fault to shrink
	raftStaleRepliesEvents     = 124  // LateVotes
	raftNoUpToDateEvents       = 181  // FailAgree (partitions and drops)
	raftAppliesTwiceEvents     = 23   // BasicAgree, no fault to shrink
	kvStaleReadsEvents         = 1644 // LeaderPartitions, shrunk
	kvLocalDedupEvents         = 1112 // Unreliable, shrunk
	kvAnswersEarlyEvents       = 1142 // ManyClerks, shrunk
	kvReusesSeqEvents          = 248  // OneClerk, shrunk
)

func TestShorterThanRandomTesting(t *testing.T) {
	cases := []struct {
		lab, model, mutant string
		randomTest         string
		randomEvents       int
	}{
		{"pingpong", "", "no-dedup", "Duplication", pingpongNoDedupEvents},
		{"pingpong", "", "no-retransmit", "Loss", pingpongNoRetransmitEvents},
		{"pingpong", "", "dedup-by-seq", "TwoClients", pingpongDedupBySeqEvents},
		{"kvraft", "", "stale-reads", "LeaderPartitions", kvStaleReadsEvents},
		{"kvraft", "", "local-dedup", "Unreliable", kvLocalDedupEvents},
		{"kvraft", "", "answers-early", "ManyClerks", kvAnswersEarlyEvents},
		{"kvraft", "", "reuses-seq", "OneClerk", kvReusesSeqEvents},
		{"raft", "election-safety", "votes-twice", "InitialElection", raftVotesTwiceEvents},
		{"raft", "election-safety", "acts-on-stale-replies", "LateVotes", raftStaleRepliesEvents},
		{"raft", "log-safety", "no-up-to-date-check", "FailAgree", raftNoUpToDateEvents},
		{"raft", "log-safety", "applies-twice", "BasicAgree", raftAppliesTwiceEvents},
	}
	for _, tc := range cases {
		t.Run(tc.lab+"/"+tc.mutant, func(t *testing.T) {
			spec, err := models.Lookup(tc.lab, tc.model)
			require.NoError(t, err)
			m, err := spec.Build(implOf(t, tc.lab, "mutant:"+tc.mutant))
			require.NoError(t, err)
			res, err := search.Check(m, spec.Options)
			require.NoError(t, err)
			require.NotNil(t, res.Violation, "the search targets %s", tc.mutant)
			t.Logf("%s: search %d events, random testing (%s) %d", tc.mutant, len(res.Violation.Path), tc.randomTest, tc.randomEvents)
			assert.LessOrEqual(t, len(res.Violation.Path), tc.randomEvents, "%v", res.Violation)
		})
	}
}
