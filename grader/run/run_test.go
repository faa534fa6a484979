package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func grade(t *testing.T, impl node.Factory, o Options) *result.Result {
	t.Helper()
	o.Lab = fakeLab(impl)
	if o.TraceDir == "" {
		o.TraceDir = t.TempDir()
	}
	res, err := Grade(context.Background(), o)
	require.NoError(t, err)
	return res
}

func test(r *result.Result, name string) result.Test {
	for _, t := range r.Tests {
		if t.Name == name {
			return t
		}
	}
	return result.Test{}
}

func TestSeedsAreStable(t *testing.T) {
	assert.Equal(t, SeedFor("raft", "Figure8", 0), SeedFor("raft", "Figure8", 0))
	assert.NotEqual(t, SeedFor("raft", "Figure8", 0), SeedFor("raft", "Figure8", 1))
	assert.NotEqual(t, SeedFor("raft", "Figure8", 0), SeedFor("raft", "Backup", 0))
	// Pinned: a change here changes every student's seeds.
	assert.Equal(t, uint64(0x33a7688c2760f63), SeedFor("fake", "Pongs", 0), "seed derivation changed")
}

func TestGradesCorrectAndBuggyImplementations(t *testing.T) {
	good := grade(t, goodImpl(), Options{Run: regexp.MustCompile("Pongs")})
	assert.Equal(t, result.Pass, good.Status)
	assert.Equal(t, 3, good.Score)
	assert.Equal(t, 4, test(good, "Pongs").Seeds)
	assert.Len(t, test(good, "Pongs").TraceHash, 16)

	bad := grade(t, muteImpl(), Options{Run: regexp.MustCompile("Pongs")})
	assert.Equal(t, result.Fail, bad.Status)
	assert.Equal(t, 0, bad.Score)
	tr := test(bad, "Pongs")
	assert.Contains(t, tr.Message, "pongs: n1 received only a few pongs")
	assert.Contains(t, tr.Message, "[nodes n1, n2]")
	assert.Contains(t, tr.Replay, "faultline grade fake --impl solution --run '^Pongs$' --seed ")
	assert.NotContains(t, tr.Replay, "reference")
	require.FileExists(t, tr.Trace)
	buf, err := trace.ReadFile(tr.Trace)
	require.NoError(t, err)
	assert.Equal(t, tr.Seed, buf.Head.Seed, "the written trace is the reported run")
}

func TestReplayOneSeedGivesSameHash(t *testing.T) {
	a := grade(t, goodImpl(), Options{Run: regexp.MustCompile("Pongs"), Seed: 99})
	b := grade(t, goodImpl(), Options{Run: regexp.MustCompile("Pongs"), Seed: 99})
	assert.Equal(t, 1, test(a, "Pongs").Seeds)
	assert.Equal(t, uint64(99), test(a, "Pongs").Seed)
	assert.Equal(t, test(a, "Pongs").TraceHash, test(b, "Pongs").TraceHash)
}

func TestShardsPartitionTheWork(t *testing.T) {
	total := 0
	for i := 1; i <= 3; i++ {
		r := grade(t, goodImpl(), Options{ShardIndex: i, ShardCount: 3, Seeds: 5})
		assert.Equal(t, "/3", r.Shard[1:])
		for _, tr := range r.Tests {
			total += tr.Seeds
		}
	}
	assert.Equal(t, 10, total, "two tests × five seeds, each run by exactly one shard")
}

func TestMisbehavingImplementationsAreCaughtAndExplained(t *testing.T) {
	for _, tc := range []struct {
		name   string
		impl   node.Factory
		status string
		want   []string
	}{
		{"panic", nodeOf(func() node.Node { return &panicker{} }), result.Fail,
			[]string{"n2 panicked at", "while handling deliver Ping from n1", "assignment to entry in nil map", "HandleMessage"}},
		{"hang", nodeOf(func() node.Node { return &hanger{} }), result.Fail,
			[]string{"blocked for good", "chan receive", "deliver Ping n1->n2"}},
		{"endless", nodeOf(func() node.Node { return &spinner{} }), result.Fail,
			[]string{"used 1s of CPU time without returning", "deliver Ping n1->n2"}},
		{"panic outside a handler", clientOf(func() node.Node { return &stateful{} }), result.Fail,
			[]string{"the implementation panicked", "outside any handler", "index out of range", "stateful"}},
		{"storm", nodeOf(func() node.Node { return &stormer{} }), result.Fail,
			[]string{"message storm", "Ping×", "look for a handler that sends"}},
		{"nondeterminism", nodeOf(func() node.Node { return &flaky{} }), result.Error,
			[]string{"nondeterministic", "global math/rand", "map"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "endless" {
				t.Cleanup(releaseSpinners) // the abandoned handler stops spinning with the test
			}
			r := grade(t, tc.impl, Options{Run: regexp.MustCompile("^Pongs$"), Seeds: 1, Watchdog: time.Second, MaxEvents: 100_000, NoShrink: true})
			tr := test(r, "Pongs")
			assert.Equal(t, tc.status, tr.Status, tr.Message)
			assert.Contains(t, tr.Message, "seed ")
			for _, w := range tc.want {
				assert.Contains(t, tr.Message, w)
			}
		})
	}
}

func TestShrinkFindsTheOneFaultThatMatters(t *testing.T) {
	r := grade(t, goodImpl(), Options{Run: regexp.MustCompile("Shrinkable")})
	tr := test(r, "Shrinkable")
	require.Equal(t, result.Fail, tr.Status)
	require.NotNil(t, tr.Shrink)
	assert.Equal(t, 20, tr.Shrink.OriginalItems, "10 faults (each pause's resume goes with it) and 10 workload steps")
	assert.Equal(t, 1, tr.Shrink.ShrunkItems)
	assert.NotContains(t, tr.Shrink.Removed, "fault#14", "the crash of n2 is the one that matters")
	assert.Contains(t, tr.Shrink.Removed, "fault#0")
	assert.Contains(t, tr.Shrink.Removed, "op@9ms")
	assert.Less(t, tr.Shrink.ShrunkEvents, tr.Shrink.OriginalEvents)
	require.FileExists(t, tr.Shrink.Trace)
}

func TestMutationMode(t *testing.T) {
	m, err := Mutants(context.Background(), Options{Lab: fakeLab(goodImpl()), Run: regexp.MustCompile("Pongs")})
	require.NoError(t, err)
	assert.Equal(t, 1, m.Caught)
	assert.Equal(t, "Pongs", m.Mutants[0].CaughtBy)
}

func TestBadOptions(t *testing.T) {
	_, err := Grade(context.Background(), Options{Lab: fakeLab(goodImpl()), Impl: "mutant:nope"})
	assert.ErrorContains(t, err, `no mutant "nope" (it has: mute)`)
	_, err = Grade(context.Background(), Options{Lab: fakeLab(goodImpl()), Run: regexp.MustCompile("Nothing")})
	assert.ErrorContains(t, err, "no test of lab fake matches")
	_, err = Grade(context.Background(), Options{Lab: fakeLab(goodImpl()), ShardIndex: 4, ShardCount: 3})
	assert.ErrorContains(t, err, "shard 4/3")
}

func TestTraceDirIsCreated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	r := grade(t, muteImpl(), Options{Run: regexp.MustCompile("Pongs"), TraceDir: dir, NoShrink: true})
	assert.True(t, strings.HasPrefix(test(r, "Pongs").Trace, dir))
	_, err := os.Stat(dir)
	assert.NoError(t, err)
}

// TestInterruptGivesAPartialReport: when the context ends mid-grading, the
// runs already done are judged, the rest are marked skipped, and the
// result says it is partial.
func TestInterruptGivesAPartialReport(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := Options{Lab: fakeLab(goodImpl()), TraceDir: t.TempDir(), Parallel: 1, Seeds: 3,
		Progress: func(done, total int) {
			if done == 2 {
				cancel()
			}
		}}
	res, err := Grade(ctx, o)
	require.ErrorIs(t, err, ErrInterrupted)
	require.NotNil(t, res)
	assert.True(t, res.Interrupted)
	assert.Equal(t, result.Error, res.Status)
	assert.Equal(t, 2, test(res, "Pongs").Seeds, "the two runs done are counted")
	var skipped int
	for _, tr := range res.Tests {
		if tr.Status == result.Skipped {
			skipped++
			assert.Zero(t, tr.Score)
		}
	}
	assert.Positive(t, skipped)
}

// TestRejectsNonsenseOptions: non-positive counts are errors, not defaults.
func TestRejectsNonsenseOptions(t *testing.T) {
	for _, o := range []Options{{Seeds: -5}, {Parallel: -1}, {Watchdog: -time.Second}, {ShardIndex: 3, ShardCount: 2}} {
		o.Lab = fakeLab(goodImpl())
		_, err := Grade(context.Background(), o)
		assert.Error(t, err, "%+v", o)
	}
}

// TestHungRunIsAbandonedAndTheRestGoOn: in-process, a run that hangs is
// reported hung and left behind; the test starts no more seeds, and the
// other tests of the batch are still graded.
func TestHungRunIsAbandonedAndTheRestGoOn(t *testing.T) {
	r := grade(t, nodeOf(func() node.Node { return &hanger{} }), Options{Seeds: 3, Parallel: 1, Watchdog: time.Second, MaxEvents: 100_000, NoShrink: true})
	tr := test(r, "Pongs")
	assert.Equal(t, result.Fail, tr.Status, tr.Message)
	assert.Contains(t, tr.Message, "blocked for good")
	assert.Equal(t, 1, tr.Seeds, "a test whose run hung starts no more seeds")
	graded := 0
	for _, other := range r.Tests {
		if other.Name != "Pongs" && other.Seeds > 0 {
			graded++
		}
	}
	assert.Positive(t, graded, "the tests after the hung run were graded")
}

// TestReplayCarriesEveryFlagThatChangesTheRun: a replay command names the
// implementation (unless it is the student's), the seed, and the labs
// whose reference the grading used (--raft reference).
func TestReplayCarriesEveryFlagThatChangesTheRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"solution", Options{}, "faultline grade fake --impl solution --run '^Pongs$' --seed "},
		{"student", Options{Impl: "student", Student: muteImpl()}, "faultline grade fake --run '^Pongs$' --seed "},
		{"reference", Options{Reference: []string{"raft"}}, " --raft reference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.Run, o.NoShrink, o.Seeds = regexp.MustCompile("^Pongs$"), true, 1
			r := grade(t, muteImpl(), o)
			tr := test(r, "Pongs")
			require.Equal(t, result.Fail, tr.Status, tr.Message)
			assert.Contains(t, tr.Replay, tc.want)
			assert.Contains(t, tr.Replay, fmt.Sprintf("--seed %d", tr.Seed))
		})
	}
}

// TestMapOrderIsRefusedEveryTime: an implementation whose messages follow
// Go's map order is refused as nondeterministic on every grading, with the
// first differing event and both versions of what differs.
func TestMapOrderIsRefusedEveryTime(t *testing.T) {
	for i := range 10 {
		r := grade(t, clientOf(func() node.Node { return &mapOrdered{} }), Options{Run: regexp.MustCompile("^Pongs$"), NoShrink: true})
		tr := test(r, "Pongs")
		require.Equal(t, result.Error, tr.Status, "grading %d: %s", i+1, tr.Message)
		assert.Contains(t, tr.Message, "nondeterministic")
		assert.Contains(t, tr.Message, "they part at event")
		assert.Contains(t, tr.Message, "data: one run")
		assert.Zero(t, tr.Score)
	}
}

// TestEveryTestIsCheckedOnThreeSeeds: a test's determinism check runs
// three of its seeds again (the reported one and two more that were
// fingerprinted), and a test that ran fewer seeds runs its reported seed
// again three times.
func TestEveryTestIsCheckedOnThreeSeeds(t *testing.T) {
	o := Options{Lab: fakeLab(goodImpl())}
	require.NoError(t, o.defaults())
	var outs []outcome
	var items []item
	var runs []int
	for i := range 5 {
		outs = append(outs, outcome{Status: runPass})
		items = append(items, item{seed: uint64(100 + i)})
		runs = append(runs, i)
	}
	markChecks(items)
	assert.Equal(t, []int{4, 0, 2}, o.checks(4, runs, items, outs), "the reported run, the first and the middle")
	assert.Equal(t, []int{1, 0, 2}, o.checks(1, runs, items, outs), "a failing run reported, and two fingerprinted")
	assert.Equal(t, []int{0, 0, 0}, o.checks(0, runs[:1], items, outs))
	o.Lab.Tests[0].Reruns = 1
	assert.Equal(t, []int{0}, o.checks(0, runs[:1], items, outs), "a test that asks for one re-run (a search) gets one")
	assert.Equal(t, []int{4}, o.checks(4, runs, items, outs))
	o.Lab.Tests[0].Reruns = 0
	outs[2].Status = runHung
	assert.Nil(t, o.checks(2, runs, items, outs), "a hung run is not run again")
}

// TestMisuseNotesAreBounded: a run keeps the count of its misuses and the
// first few notes, however many there were.
func TestMisuseNotesAreBounded(t *testing.T) {
	r := &runner{lab: fakeLab(nodeOf(func() node.Node { return &misuser{} }))}
	out := r.exec(request{Test: "Pongs", Seed: 1, Impl: "solution"}, nil)
	require.Equal(t, runPass, out.Status, out.Message)
	assert.Greater(t, out.MisuseCount, 10_000)
	assert.Len(t, out.Misuses, maxMisuseNotes)
}

// TestPanicKindIsItsTypeAndSite: a panic's kind names its value's type and
// the implementation's line, not its text (an index that differs between a
// run and its shrunk version is the same failure).
func TestPanicKindIsItsTypeAndSite(t *testing.T) {
	r := grade(t, nodeOf(func() node.Node { return &panicker{} }), Options{Run: regexp.MustCompile("^Pongs$"), Seeds: 1, NoShrink: true})
	tr := test(r, "Pongs")
	require.Equal(t, result.Fail, tr.Status, tr.Message)
	assert.Regexp(t, `^panic:runtime.plainError at run\.\(\*panicker\)\.HandleMessage:\d+$`, tr.Kind)
}

// TestDeterministicFailuresAreNotCalledNondeterministic: a failure on some
// seeds only, reported from a run that was not fingerprinted, is checked
// by running it again and is the student's failure, not an error.
func TestDeterministicFailuresAreNotCalledNondeterministic(t *testing.T) {
	r := grade(t, nodeOf(func() node.Node { return &sometimesMute{} }), Options{Run: regexp.MustCompile("^Pongs$"), Seeds: 12, NoShrink: true})
	tr := test(r, "Pongs")
	assert.Equal(t, result.Fail, tr.Status, tr.Message)
	assert.NotContains(t, tr.Message, "nondeterministic")
}

// TestReplayOfAShrunkRunNamesItsTrace: grading a shrunk run (a drop set)
// writes the trace of that run, and its replay command replays the trace,
// whose header holds the drop set.
func TestReplayOfAShrunkRunNamesItsTrace(t *testing.T) {
	r := grade(t, goodImpl(), Options{Run: regexp.MustCompile("Shrinkable")})
	s := test(r, "Shrinkable").Shrink
	require.NotNil(t, s)
	buf, err := trace.ReadFile(s.Trace)
	require.NoError(t, err)
	var drop []suite.Item
	for _, name := range buf.Head.Drop {
		it, err := suite.ParseItem(name)
		require.NoError(t, err)
		drop = append(drop, it)
	}
	again := grade(t, goodImpl(), Options{Run: regexp.MustCompile("Shrinkable"), Seed: test(r, "Shrinkable").Seed, Drop: drop, Reference: []string{"raft"}})
	tr := test(again, "Shrinkable")
	require.Equal(t, result.Fail, tr.Status)
	assert.Equal(t, "faultline grade --replay "+tr.Trace+" --raft reference", tr.Replay)
	head, err := trace.ReadFile(tr.Trace)
	require.NoError(t, err)
	assert.Equal(t, buf.Head.Drop, head.Head.Drop, "the trace is of the shrunk run")
}

// indexer panics reading table[kept] on its first timer: kept counts the
// test's optional steps that ran, so a shrunk run panics at another index
// than the original.
type indexer struct {
	env  node.Env
	kept int
}

func (x *indexer) Start(env node.Env)                  { x.env = env; env.SetTimer(20*time.Millisecond, tick{}) }
func (x *indexer) HandleMessage(node.ID, node.Message) {}
func (x *indexer) HandleTimer(any) {
	table := make([]int, 3)
	table[x.kept]++
}

// testIndexPanic runs ten optional steps, each raising n1's index.
func testIndexPanic(t *suite.T) {
	s := t.NewSim(sim.Config{Nodes: 1, Factory: t.Impl().(node.Factory)})
	for i := range 10 {
		s.At(time.Duration(i)*time.Millisecond, func() {
			if t.Keep("op") {
				s.Node(1).(*indexer).kept++
			}
		})
	}
	s.RunFor(100 * time.Millisecond)
}

// TestAShrunkPanicAtAnotherIndexIsTheSameFailure: the original run panics
// at index 10, and every run keeping 3 or more steps at its own index: the
// shrinker counts them all as the same failure (a panic's kind is its type
// and site) and shrinks to the 3 steps without which it passes.
func TestAShrunkPanicAtAnotherIndexIsTheSameFailure(t *testing.T) {
	lab := &suite.Lab{Name: "fake", Parts: []suite.Part{{ID: "A", Title: "Index"}},
		Tests:    []suite.Test{{Name: "Index", Part: "A", Points: 1, Seeds: 1, Limit: time.Second, Run: testIndexPanic}},
		Solution: node.Factory(func(node.ID) node.Node { return &indexer{} })}
	res, err := Grade(context.Background(), Options{Lab: lab, TraceDir: t.TempDir()})
	require.NoError(t, err)
	tr := test(res, "Index")
	require.Equal(t, result.Fail, tr.Status, tr.Message)
	assert.Contains(t, tr.Message, "index out of range [10]")
	assert.Regexp(t, `^panic:runtime.boundsError at run\.\(\*indexer\)\.HandleTimer:\d+$`, tr.Kind)
	require.NotNil(t, tr.Shrink)
	assert.Equal(t, 10, tr.Shrink.OriginalItems)
	assert.Equal(t, 3, tr.Shrink.ShrunkItems, "a run panicking at index 3..9 fails the same way as one at 10")
	replay, err := Grade(context.Background(), Options{Lab: lab, TraceDir: t.TempDir(), Seed: tr.Seed, Drop: shrunkDrop(t, tr.Shrink)})
	require.NoError(t, err)
	assert.Contains(t, test(replay, "Index").Message, "index out of range [3]")
	assert.Equal(t, tr.Kind, test(replay, "Index").Kind)
}

// shrunkDrop reads the items a shrink removed back from their names.
func shrunkDrop(t *testing.T, s *result.Shrink) []suite.Item {
	var drop []suite.Item
	for _, name := range s.Removed {
		it, err := suite.ParseItem(name)
		require.NoError(t, err)
		drop = append(drop, it)
	}
	return drop
}

// splitPair writes two keys that must agree in one Sync: a torn Sync
// leaves them apart.
type splitPair struct{ env node.Env }

func (p *splitPair) Start(env node.Env)                  { p.env = env; env.SetTimer(10*time.Millisecond, tick{}) }
func (p *splitPair) HandleMessage(node.ID, node.Message) {}
func (p *splitPair) HandleTimer(any) {
	st := p.env.Storage()
	st.Save("a", []byte("1"))
	st.Save("b", []byte("1"))
	st.Sync()
}

func testPairExplored(t *suite.T) {
	t.ExploreCrashes(sim.Exploration{}, func(*sim.CrashPoint) {
		s := t.NewSim(sim.Config{Nodes: 1, Factory: t.Impl().(node.Factory)})
		t.Invariant("pair", func() error {
			a, _ := s.Storage(1).Load("a")
			b, _ := s.Storage(1).Load("b")
			if string(a) != string(b) {
				return &suite.Violation{Msg: "a and b disagree"}
			}
			return nil
		})
		s.RunFor(50 * time.Millisecond)
	})
}

// TestACrashExplorationIsGradedAndReplayed: a failure found by crash
// exploration is a failure (its re-runs in other runners explore the same
// points), named by its crash point, with the trace of that point's run.
func TestACrashExplorationIsGradedAndReplayed(t *testing.T) {
	lab := &suite.Lab{Name: "fake", Parts: []suite.Part{{ID: "A", Title: "Crashes"}},
		Tests:    []suite.Test{{Name: "Pair", Part: "A", Points: 1, Seeds: 2, Limit: time.Second, Run: testPairExplored}},
		Solution: node.Factory(func(node.ID) node.Node { return &splitPair{} })}
	res, err := Grade(context.Background(), Options{Lab: lab, TraceDir: t.TempDir(), NoShrink: true})
	require.NoError(t, err)
	tr := test(res, "Pair")
	require.Equal(t, result.Fail, tr.Status, tr.Message)
	assert.Contains(t, tr.Message, "crash point n1 sync 1 torn keep {0}: a and b disagree")
	require.FileExists(t, tr.Trace)
	buf, err := trace.ReadFile(tr.Trace)
	require.NoError(t, err)
	notes := 0
	for _, r := range buf.Records {
		if strings.HasPrefix(r.Text, "crash point") {
			notes++
		}
	}
	assert.Equal(t, 1, notes, "the trace is the failing point's run")
	again, err := Grade(context.Background(), Options{Lab: lab, TraceDir: t.TempDir(), Seed: tr.Seed, NoShrink: true})
	require.NoError(t, err)
	assert.Equal(t, tr.Message, test(again, "Pair").Message, "a replay of the seed fails at the same point")
}
