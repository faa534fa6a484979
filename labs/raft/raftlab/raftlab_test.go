package raftlab

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// mutantCases names, for each mutant, the test that catches it at a
// default seed and the check that fails there. "raft safety" is the
// per-event invariant (harness.go); "" is a test's own check (a leader
// not elected in time, a command not committed, a term that moved with no
// failure), which states its own reason; "limit" is the engine stopping a
// message storm (Lab.MaxRate).
var mutantCases = []labtest.Mutant{
	{Name: "votes-twice", Test: "InitialElection", Check: "raft safety"},
	{Name: "no-up-to-date-check", Test: "FailAgree", Check: "raft safety"},
	{Name: "commits-old-term", Test: "Figure8", Check: "raft safety"},
	{Name: "replies-before-persist", Test: "Persist1", Check: "raft safety"},
	{Name: "syncs-after-replying", Test: "CrashInHandlers", Check: "limit"},
	{Name: "truncates-on-match", Test: "Figure8Unreliable", Check: ""},
	{Name: "acts-on-stale-replies", Test: "LateVotes", Check: "raft safety"},
	{Name: "fixed-election-timeout", Test: "InitialElection", Check: ""},
	{Name: "no-reset-on-vote", Test: "StableTerm", Check: ""},
	{Name: "applies-twice", Test: "BasicAgree", Check: "raft safety"},
	{Name: "commit-beyond-new", Test: "Backup", Check: "raft safety"},
	{Name: "installs-stale-snapshot", Test: "SnapshotInstall", Check: "raft safety"},
	{Name: "half-is-a-quorum", Test: "ElectionSwarm", Check: "raft safety"},
	{Name: "deletes-with-checkpoint", Test: "SnapshotCrashExploration", Check: "raft safety"},
	{Name: "leader-ignores-higher-term", Test: "OldLeaderStepsDown", Check: ""},
}

// TestLab makes every check of the suite (grader/labtest): the reference
// passes every test's default seeds (-lab.seeds N: N seeds a test), each
// mutant fails the test and check named for it, the starter fails every
// test; -lab.rates N measures catch rates and -lab.sweep N sweeps
// -lab.impl over N seeds of -lab.tests:
//
//	go test ./labs/raft/raftlab -run TestLab/Sweep -lab.sweep 300
func TestLab(t *testing.T) { labtest.Check(t, Lab, mutantCases) }

// run runs one test with one seed.
func run(test *suite.Test, seed uint64, impl any, name string) suite.Outcome {
	return labtest.RunOne(Lab, test, impl, name, seed, nil)
}

// firstSeed is the first seed faultline grade runs for test.
func firstSeed(test *suite.Test) uint64 { return grun.SeedFor(Lab.Name, test.Name, 0) }

// solution is the reference, as reference.go hands it to the suite.
func solution() raft.Factory { return Lab.Solution.(raft.Factory) }

// TestStarterPointsAtElections: beyond failing every test (TestLab), the
// starter fails a check, not by crashing, and the first thing a student
// sees points at elections.
func TestStarterPointsAtElections(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			o := run(test, 1, Lab.Starter, "starter")
			require.NotNil(t, o.Failure, "the starter should fail a check, not crash: %s", o.Describe())
			want := "no leader elected within"
			if strings.HasPrefix(test.Name, "Search") {
				want = `reached "a leader is elected"` // the search's goal, never reached
			}
			assert.Contains(t, o.Failure.Msg, want, "the first thing a student sees should point at elections")
		})
	}
}

// TestDeterminism: the same seed gives the same trace, event for event;
// different seeds give different traces.
func TestDeterminism(t *testing.T) {
	for _, name := range []string{"InitialElection", "Figure8Unreliable", "UnreliableChurn", "SnapshotInstallUnreliable"} {
		test, ok := Lab.Test(name)
		require.True(t, ok)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hash := func(seed uint64) string {
				var buf trace.Buffer
				o := suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: solution(), ImplName: "solution", Trace: &buf}).Run()
				require.True(t, o.Passed(), o.Describe())
				return buf.Hash()
			}
			a, b, c := hash(7), hash(7), hash(8)
			assert.Equal(t, a, b, "two runs with seed 7 gave different traces")
			assert.NotEqual(t, a, c, "seeds 7 and 8 gave the same trace")
		})
	}
}

// TestDemos runs both demos, keeps their traces small, and checks that
// each shows what its description promises.
func TestDemos(t *testing.T) {
	for _, name := range []string{"raft-election", "raft-replication"} {
		d, err := suite.LookupDemo(name)
		require.NoError(t, err)
		var buf trace.Buffer
		require.NoError(t, d.Run(d.Seed, &buf))
		assert.Less(t, len(buf.Records), 3000, "%s: the trace is too long to read", name)
		t.Logf("%s: %d trace records", name, len(buf.Records))
		var a, b trace.Buffer
		require.NoError(t, d.Run(d.Seed, &a))
		require.NoError(t, d.Run(d.Seed, &b))
		assert.Equal(t, a.Hash(), b.Hash(), "%s is not deterministic", name)
		leaders := map[string]bool{}
		steppedDown := false
		roles := map[node.ID]string{}
		for _, r := range buf.Records {
			if r.Kind != trace.State {
				continue
			}
			var st struct {
				Role string `json:"role"`
				Term int    `json:"term"`
			}
			require.NoError(t, json.Unmarshal(r.Data, &st))
			if st.Role == "leader" {
				leaders[fmt.Sprintf("%v@%d", r.Node, st.Term)] = true
			}
			if roles[r.Node] == "leader" && st.Role == "follower" {
				steppedDown = true
			}
			roles[r.Node] = st.Role
		}
		switch name {
		case "raft-election":
			assert.GreaterOrEqual(t, len(leaders), 2, "the election demo should show a second leader: %v", leaders)
			assert.True(t, steppedDown, "the old leader should step down after the heal")
			kinds := map[trace.Kind]int{}
			for _, r := range buf.Records {
				kinds[r.Kind]++
			}
			assert.Positive(t, kinds[trace.Drop], "messages to and from the partitioned leader are dropped")
			assert.Equal(t, 1, kinds[trace.Crash], "a follower crashes")
			assert.Equal(t, 1, kinds[trace.Restart], "and restarts")
		case "raft-replication":
			assert.NotEmpty(t, leaders)
			calls := 0
			for _, r := range buf.Records {
				if r.Kind == trace.Call {
					calls++
				}
			}
			assert.Greater(t, calls, 15, "the client should propose every 100 ms")
		}
	}
}

// BenchmarkSuite runs every test over its default seeds, two runs at a
// time (one per core on the reference machine): one iteration is one full
// grading of the reference solution.
func BenchmarkSuite(b *testing.B) {
	type job struct {
		test *suite.Test
		seed uint64
	}
	var jobs []job
	for i := range Lab.Tests {
		for seed := uint64(1); seed <= uint64(max(Lab.Tests[i].Seeds, 1)); seed++ {
			jobs = append(jobs, job{&Lab.Tests[i], seed})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		ch := make(chan job, len(jobs))
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		var wg sync.WaitGroup
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range ch {
					if o := run(j.test, j.seed, solution(), "solution"); !o.Passed() {
						b.Errorf("%s seed %d: %s", j.test.Name, j.seed, o.Describe())
					}
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(jobs)), "runs/op")
}

func TestPoints(t *testing.T) {
	want := map[string]int{"A": 20, "B": 35, "C": 25, "D": 20}
	got := map[string]int{}
	for _, test := range Lab.Tests {
		got[test.Part] += test.Points
		assert.NotEmpty(t, test.Description, test.Name)
		assert.NotEmpty(t, test.Lesson, test.Name)
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 100, Lab.MaxScore())
	assert.GreaterOrEqual(t, len(Lab.Mutants), 10)
}

func TestPlainFuncImpl(t *testing.T) {
	test, _ := Lab.Test("BasicAgree")
	plain := func(id node.ID, apply func(raft.ApplyMsg)) raft.Node { return solution()(id, apply) }
	o := run(test, 1, plain, "plain func")
	assert.True(t, o.Passed(), o.Describe())
	o = run(test, 1, 42, "nonsense")
	require.NotNil(t, o.Failure, o.Describe())
	assert.Contains(t, o.Failure.Msg, "want a raft.Factory")
}

// hidden wraps a Raft so that only the raft.Node methods show: no Roler,
// no LogReader.
type hidden struct{ raft.Node }

// TestLeaderCompletenessAtElection shows what the optional raft.LogReader
// buys: with it, a Raft that grants votes without the up-to-date check
// fails the moment a stale node is elected; without it, only when the
// service's next Propose lands on an index that was already committed.
func TestLeaderCompletenessAtElection(t *testing.T) {
	impl, err := Lab.Impl("mutant:no-up-to-date-check")
	require.NoError(t, err)
	f := impl.(raft.Factory)
	test, _ := Lab.Test("FailAgree")

	withLog := run(test, 1, f, "mutant")
	require.False(t, withLog.Passed())
	assert.Contains(t, withLog.Describe(), "leader completeness")
	assert.Contains(t, withLog.Describe(), "leads term")
	assert.Contains(t, withLog.Describe(), "RequestVoteReply", "caught on the vote that elected it")

	var hide raft.Factory = func(id node.ID, apply func(raft.ApplyMsg)) raft.Node { return hidden{f(id, apply)} }
	without := run(test, 1, hide, "mutant")
	require.False(t, without.Passed())
	assert.Contains(t, without.Describe(), "leader completeness")
	assert.Contains(t, without.Describe(), "put a new command at index")
	assert.Less(t, withLog.Failure.Time, without.Failure.Time, "the LogReader check fires earlier")
}

// wrapped is the reference, its raft.LogReader, and a count of the
// messages it has handled: the base of leaders that misreport their logs.
type wrapped struct {
	raft.Node
	lr     raft.LogReader
	events int
}

func wrap(n raft.Node) wrapped { return wrapped{Node: n, lr: n.(raft.LogReader)} }

func (w *wrapped) HandleMessage(from node.ID, m node.Message) {
	w.events++
	w.Node.HandleMessage(from, m)
}

// shrinkingLeader, once it has led for a while, reports a log one entry
// shorter: what a leader that deletes entries looks like through
// raft.LogReader.
type shrinkingLeader struct{ wrapped }

func (s *shrinkingLeader) LastIndex() int {
	last := s.lr.LastIndex()
	if _, lead := s.State(); lead && s.events > 6 && last > 1 {
		return last - 1
	}
	return last
}

func (s *shrinkingLeader) TermAt(i int) (int, bool) { return s.lr.TermAt(i) }

// TestLeaderAppendOnlyIsChecked: a leader whose log loses an entry fails
// Leader Append-Only (Figure 3), named as such.
func TestLeaderAppendOnlyIsChecked(t *testing.T) {
	impl := raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
		return &shrinkingLeader{wrap(solution()(id, apply))}
	})
	test, ok := Lab.Test("BasicAgree")
	require.True(t, ok)
	o := run(test, firstSeed(test), impl, "shrinking-leader")
	require.NotNil(t, o.Failure, o.Describe())
	assert.Equal(t, "leader append-only", o.Failure.Kind)
	assert.Contains(t, o.Failure.Msg, "a leader never deletes entries")
}

// rewritingLeader, once it has led for a while, reports a different term
// for one entry near the end of its log (back entries before its last),
// and optionally grow entries of its term at the same moment: what a
// leader that overwrites an entry looks like through raft.LogReader.
type rewritingLeader struct {
	wrapped
	led         int // checks in a row that found it leading
	back, grow  int
	target, end int // the entry rewritten and the real last index, once armed
	armed       bool
}

func (s *rewritingLeader) LastIndex() int {
	last := s.lr.LastIndex()
	if _, lead := s.State(); !lead {
		s.led = 0
	} else if s.led++; !s.armed && s.led > 3 && s.events > 6 && last > s.back+2 {
		s.armed, s.target, s.end = true, last-s.back, last
	}
	if s.armed {
		return max(last, s.end+s.grow)
	}
	return last
}

func (s *rewritingLeader) TermAt(i int) (int, bool) {
	if s.armed && i > s.lr.LastIndex() && i <= s.end+s.grow {
		term, _ := s.State()
		return term, true
	}
	t, ok := s.lr.TermAt(i)
	if s.armed && i == s.target && ok {
		t += 100
	}
	return t, ok
}

// TestLeaderOverwriteIsChecked: a leader that changes the term of an entry
// it holds fails Leader Append-Only, whether the entry is its last, deeper
// in its log's tail, or one that the same event's new entries push out of
// the tail that is re-read.
func TestLeaderOverwriteIsChecked(t *testing.T) {
	for _, tc := range []struct {
		name       string
		back, grow int
	}{
		{"last entry", 0, 0},
		{"inside the tail", 3, 0},
		{"deepest of the tail", appendOnlyTail - 1, 0},
		{"while appending", 1, appendOnlyTail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			impl := raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
				return &rewritingLeader{wrapped: wrap(solution()(id, apply)), back: tc.back, grow: tc.grow}
			})
			test, ok := Lab.Test("Backup") // a log long enough for the deepest case
			require.True(t, ok)
			o := run(test, firstSeed(test), impl, "rewriting-leader")
			require.NotNil(t, o.Failure, o.Describe())
			assert.Equal(t, "leader append-only", o.Failure.Kind, o.Describe())
			assert.Contains(t, o.Failure.Msg, "a leader never overwrites entries")
		})
	}
}

// TestValidityIsChecked: a node that applies a command no client proposed
// fails validity, however close the command's text is to a proposed one.
func TestValidityIsChecked(t *testing.T) {
	for _, tc := range []struct{ name, suffix, prefix string }{
		{"appended byte", "x", ""},
		{"padded", ".", ""},
		{"renumbered", "0", ""},
		{"other prefix", "", "d"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			impl := raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
				return solution()(id, func(m raft.ApplyMsg) {
					if m.CommandValid && id == 2 {
						cmd := string(m.Command)
						if tc.prefix != "" {
							cmd = tc.prefix + cmd[1:]
						}
						m.Command = []byte(cmd + tc.suffix)
					}
					apply(m)
				})
			})
			test, ok := Lab.Test("BasicAgree")
			require.True(t, ok)
			o := run(test, 1, impl, "garbling")
			require.NotNil(t, o.Failure, o.Describe())
			assert.Contains(t, o.Failure.Msg, "which no client proposed")
		})
	}
}
