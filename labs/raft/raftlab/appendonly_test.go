package raftlab

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// plainAppendOnly is Leader Append-Only as Figure 3 states it, with no
// shortcut: it keeps each leader's whole log after every event and
// compares every entry it held with what it holds now. It is the oracle
// for checkAppendOnly, which reads only a leader's last appendOnlyTail
// entries; it records its first violation and never stops a run.
type plainAppendOnly struct {
	logs  map[node.ID]plainLog
	first error
	at    time.Duration
}

type plainLog struct {
	term, last int
	terms      []int // terms[i]: the term at index i (0: not held)
}

func (p *plainAppendOnly) observe(id node.ID, term int, lr raft.LogReader, now time.Duration) {
	if term == 0 {
		delete(p.logs, id)
		return
	}
	last := lr.LastIndex()
	cur := plainLog{term: term, last: last, terms: make([]int, last+1)}
	for i := 1; i <= last; i++ {
		if t, ok := lr.TermAt(i); ok {
			cur.terms[i] = t
		}
	}
	if prev, ok := p.logs[id]; ok && prev.term == term && p.first == nil {
		if last < prev.last {
			p.first, p.at = shortened(id, term, prev.last, last), now
		} else {
			for i := prev.last; i >= 1; i-- {
				if was, t := prev.terms[i], cur.terms[i]; was != 0 && t != 0 && t != was {
					p.first, p.at = overwritten(id, term, i, was, t), now
					break
				}
			}
		}
	}
	p.logs[id] = cur
}

// watchers holds, for each run a test watches, what to do with its
// harness (onHarness).
var watchers sync.Map // *suite.T -> func(*harness)

func init() {
	onHarness = func(t *suite.T, h *harness) {
		if w, ok := watchers.Load(t); ok {
			w.(func(*harness))(h)
		}
	}
}

// runWatched runs one test, handing its harness to watch when it is built.
func runWatched(test *suite.Test, seed uint64, impl any, name string, watch func(*harness)) suite.Outcome {
	st := suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: impl, ImplName: name})
	watchers.Store(st, watch)
	defer watchers.Delete(st)
	return st.Run()
}

// runWithOracle runs one test with the plain checker beside the fast one.
func runWithOracle(test *suite.Test, seed uint64, impl any, name string) (suite.Outcome, *plainAppendOnly) {
	p := &plainAppendOnly{logs: map[node.ID]plainLog{}}
	o := runWatched(test, seed, impl, name, func(h *harness) { h.oracle = p.observe })
	return o, p
}

// TestAppendOnlyAgreesWithPlainCheck holds the fast Leader Append-Only
// check to the plain one: on the reference neither finds anything (the
// plain one reads every entry of long, compacted and rewritten logs), and
// on leaders that delete or overwrite entries both report the same first
// violation, at the same instant.
func TestAppendOnlyAgreesWithPlainCheck(t *testing.T) {
	shrinking := raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
		return &shrinkingLeader{wrap(solution()(id, apply))}
	})
	rewriting := func(back, grow int) raft.Factory {
		return func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
			return &rewritingLeader{wrapped: wrap(solution()(id, apply)), back: back, grow: grow}
		}
	}
	for _, tc := range []struct {
		name, test string
		impl       raft.Factory
		violates   bool
	}{
		{"reference, long logs", "Backup", solution(), false},
		{"reference, leaders crash", "Figure8", solution(), false},
		{"reference, snapshots", "SnapshotInstallUnreliable", solution(), false},
		{"reference, churn", "UnreliableChurn", solution(), false},
		{"shrinking leader", "BasicAgree", shrinking, true},
		{"overwrites its last entry", "Backup", rewriting(0, 0), true},
		{"overwrites deepest of the tail", "Backup", rewriting(appendOnlyTail-1, 0), true},
		{"overwrites while appending", "Backup", rewriting(1, appendOnlyTail), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test, ok := Lab.Test(tc.test)
			require.True(t, ok)
			seeds := []uint64{firstSeed(test)}
			if !tc.violates {
				seeds = append(seeds, 2, 3)
			}
			for _, seed := range seeds {
				o, plain := runWithOracle(test, seed, tc.impl, tc.name)
				if !tc.violates {
					require.True(t, o.Passed(), o.Describe())
					assert.NoError(t, plain.first, "seed %d: the plain check found a violation the fast one missed", seed)
					continue
				}
				require.NotNil(t, o.Failure, o.Describe())
				require.Error(t, plain.first, "seed %d: the plain check found nothing; the fast one: %s", seed, o.Describe())
				assert.Equal(t, "leader append-only", o.Failure.Kind)
				assert.Equal(t, plain.first.Error(), o.Failure.Msg, "seed %d", seed)
				assert.Equal(t, plain.at, o.Failure.Time, "seed %d: found at different instants", seed)
			}
		})
	}
}

// TestAppendOnlyOracleCatches shows that the oracle can fail: a leader
// that overwrites an entry deeper than the fast check's tail is caught by
// the plain check alone, the fast check's documented blind spot.
func TestAppendOnlyOracleCatches(t *testing.T) {
	impl := raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
		return &rewritingLeader{wrapped: wrap(solution()(id, apply)), back: appendOnlyTail + 5}
	})
	test, ok := Lab.Test("Backup")
	require.True(t, ok)
	_, plain := runWithOracle(test, firstSeed(test), impl, "deep-rewrite")
	require.Error(t, plain.first)
	assert.Contains(t, plain.first.Error(), "a leader never overwrites entries")
}

// TestAppendOnlyAgreesOnMutants runs every catalogue mutant on the test
// that catches it, with both checks: whatever the fast one reports about
// Leader Append-Only (most mutants break other rules first), the plain one
// reports the same, and finds nothing earlier.
func TestAppendOnlyAgreesOnMutants(t *testing.T) {
	for _, m := range mutantCases {
		t.Run(m.Name, func(t *testing.T) {
			impl, err := Lab.Impl("mutant:" + m.Name)
			require.NoError(t, err)
			test, ok := Lab.Test(m.Test)
			require.True(t, ok)
			o, plain := runWithOracle(test, firstSeed(test), impl, m.Name)
			if o.Failure != nil && o.Failure.Kind == "leader append-only" {
				require.Error(t, plain.first, o.Describe())
				assert.Equal(t, plain.first.Error(), o.Failure.Msg)
				assert.Equal(t, plain.at, o.Failure.Time)
				return
			}
			assert.NoError(t, plain.first, "the plain check found a violation before the run ended with: %s", o.Describe())
		})
	}
}
