package kvraftlab

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft/raftlab"
)

func runOne(test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return labtest.RunOne(Lab, test, impl, name, seed, sink)
}

// mutantCases names, for each mutant, the test that catches it and the check
// that fails.
var mutantCases = []labtest.Mutant{
	{Name: "stale-reads", Test: "LeaderPartitions", Check: "linearizability"},
	{Name: "local-dedup", Test: "Unreliable", Check: "linearizability"},
	{Name: "install-keeps-dedup", Test: "SnapshotDedup", Check: "exactly once"},
	{Name: "answers-early", Test: "ManyClerks", Check: "linearizability"},
	{Name: "snapshot-without-dedup", Test: "SnapshotDedup", Check: "exactly once"},
	{Name: "no-leader-check", Test: "LeaderPartitions", Check: "linearizability"},
	{Name: "no-retry-on-timeout", Test: "Unreliable", Check: "liveness"},
	{Name: "reuses-seq", Test: "OneClerk", Check: "linearizability"},
	{Name: "latest-only-dedup", Test: "LongDelays", Check: "linearizability"},
	{Name: "never-snapshots", Test: "SnapshotSize", Check: "snapshot size"},
	{Name: "no-round-pause", Test: "OneClerk", Check: "clerk rate"},
	{Name: "split-applied-index", Test: "CrashExploration", Check: "linearizability"},
}

// TestLab makes every check of the suite (grader/labtest): the reference
// passes (-lab.seeds N: over N seeds a test), each mutant fails the test
// and check named for it, the starter fails every test; -lab.rates and
// -lab.sweep measure catch rates and sweep the reference.
func TestLab(t *testing.T) { labtest.Check(t, Lab, mutantCases) }

// TestRunsOnTheRaftItIsGiven checks that the harness builds the servers'
// Raft from T.Dep("raft"): a buggy Raft handed over must show through the
// service, a reference Raft handed over must pass, and a value of the
// wrong type is reported.
func TestRunsOnTheRaftItIsGiven(t *testing.T) {
	buggy, err := raftlab.Lab.Impl("mutant:votes-twice")
	require.NoError(t, err)
	cases := []struct {
		name string
		raft any
		pass bool
		want string
	}{
		{"reference by default", nil, true, ""},
		{"reference handed over", raftlab.Lab.Solution, true, ""},
		{"a Raft that votes twice", buggy, false, "linearizability"},
		{"not a Raft", "raft", false, "want a raft.Factory"},
	}
	test, _ := Lab.Test("ManyClerks")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			passed := true
			var last suite.Outcome
			for i := range max(test.Seeds, 1) {
				o := suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: grun.SeedFor(Lab.Name, test.Name, i),
					Impl: Lab.Solution, ImplName: "solution", Deps: map[string]any{"raft": tc.raft}}).Run()
				if !o.Passed() {
					passed, last = false, o
					break
				}
			}
			require.Equal(t, tc.pass, passed, last.Describe())
			if tc.want != "" {
				assert.Contains(t, last.Describe(), tc.want)
			}
		})
	}
}

func TestStarterFailsHelpfully(t *testing.T) {
	test, _ := Lab.Test("OneClerk")
	o := runOne(test, Lab.Starter, "starter", grun.SeedFor(Lab.Name, test.Name, 0), nil)
	require.NotNil(t, o.Failure, o.Describe())
	assert.Equal(t, "liveness", o.Failure.Check)
	assert.Contains(t, o.Describe(), "does the clerk retry")
}

func TestDeterministic(t *testing.T) {
	test, _ := Lab.Test("SnapshotChurn")
	hash := func(seed uint64) string {
		w := trace.NewWriter(io.Discard)
		runOne(test, Lab.Solution, "solution", seed, w)
		return w.Hash()
	}
	assert.Equal(t, hash(5), hash(5))
	assert.NotEqual(t, hash(5), hash(6))
}

// TestViolationIsNoted checks that a linearizability failure leaves a
// note on the culprit in the trace and the test's log.
func TestViolationIsNoted(t *testing.T) {
	impl, err := Lab.Impl("mutant:reuses-seq")
	require.NoError(t, err)
	test, _ := Lab.Test("OneClerk")
	var buf trace.Buffer
	o := runOne(test, impl, "mutant:reuses-seq", grun.SeedFor(Lab.Name, test.Name, 0), &buf)
	require.NotNil(t, o.Failure, o.Describe())
	require.Equal(t, "linearizability", o.Failure.Check)
	assert.Equal(t, "not linearizable", o.Failure.Kind)
	assert.Equal(t, []node.ID{4}, o.Failure.Nodes, "the culprit's clerk")
	var notes []string
	for _, r := range buf.Records {
		if r.Kind == trace.Note {
			notes = append(notes, r.Text)
		}
	}
	assert.Contains(t, strings.Join(notes, "\n"), "not linearizable: n4 Get(k0)")
	assert.Contains(t, strings.Join(o.Logs, "\n"), "not linearizable: n4 Get(k0)")
}

// BenchmarkSuite runs every test of the lab once at its default seeds
// with the reference: go test ./labs/kvraft/kvraftlab -run '^$' -bench .
func BenchmarkSuite(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		for i := range Lab.Tests {
			test := &Lab.Tests[i]
			for k := range max(test.Seeds, 1) {
				if o := runOne(test, Lab.Solution, "solution", grun.SeedFor(Lab.Name, test.Name, k), nil); !o.Passed() {
					b.Fatal(o.Describe())
				}
			}
		}
	}
}

// TestNodesCannotChangeWhatTheHarnessReads (DESIGN decision 13): every
// server and clerk gets its own copy of the server list, so a server that
// rewrites the one it got changes neither which servers the harness
// measures and crashes nor what other nodes see. Before, a server that
// never snapshots passed SnapshotSize by pointing the harness's list at
// the clerk.
func TestNodesCannotChangeWhatTheHarnessReads(t *testing.T) {
	never, err := Lab.Impl("mutant:never-snapshots")
	require.NoError(t, err)
	inner := never.(kvraft.Impl)
	rewrites := kvraft.Impl{
		NewServer: func(id node.ID, cfg kvraft.ServerConfig) kvraft.Server {
			own := cfg
			own.Servers = slices.Clone(cfg.Servers) // the server routes by its own copy
			s := inner.NewServer(id, own)
			for i := range cfg.Servers {
				cfg.Servers[i] = 4 // the clerk, whose disk holds nothing
			}
			return s
		},
		NewClerk: inner.NewClerk,
	}
	test, _ := Lab.Test("SnapshotSize")
	o := runOne(test, rewrites, "rewrites-servers", grun.SeedFor(Lab.Name, test.Name, 0), nil)
	require.NotNil(t, o.Failure, o.Describe())
	assert.Equal(t, "snapshot size", o.Failure.Check)
}

// TestSwarmConfigurationIsNoted checks that the swarm tests say, in the
// trace and the report's log, which configuration each seed drew, and
// that the seeds draw more than one.
func TestSwarmConfigurationIsNoted(t *testing.T) {
	labtest.ConfigurationsNoted(t, Lab, []string{"LongDelays", "SnapshotFaults"}, 8)
}

// TestCrashExplorationReplays: a failing crash point is named in the
// report, and replaying the seed explores the same points and fails at the
// same one, with the same trace (the failing point's run, its crash noted).
// The mutant split-applied-index fails only there: no other test tears a
// Sync.
func TestCrashExplorationReplays(t *testing.T) {
	impl, err := Lab.Impl("mutant:split-applied-index")
	require.NoError(t, err)
	test, _ := Lab.Test("CrashExploration")
	seed := grun.SeedFor(Lab.Name, test.Name, 0)
	run := func() (suite.Outcome, string) {
		w := trace.NewWriter(io.Discard)
		o := runOne(test, impl, "mutant:split-applied-index", seed, w)
		return o, w.Hash()
	}
	first, hash := run()
	require.NotNil(t, first.Failure, first.Describe())
	assert.Contains(t, first.Failure.Msg, "crash point n")
	assert.Contains(t, first.Failure.Msg, "torn keep", "the failing point tears a Sync")
	again, hash2 := run()
	require.NotNil(t, again.Failure, again.Describe())
	assert.Equal(t, first.Failure.Msg, again.Failure.Msg)
	assert.Equal(t, hash, hash2)
	var buf trace.Buffer
	runOne(test, impl, "mutant:split-applied-index", seed, &buf)
	var notes []string
	for _, r := range buf.Records {
		if r.Kind == trace.Note {
			notes = append(notes, r.Text)
		}
	}
	assert.Contains(t, strings.Join(notes, "\n"), "crash point: n")
}
