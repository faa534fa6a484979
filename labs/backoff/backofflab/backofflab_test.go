package backofflab

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/gradertest"
	grader "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var manySeeds = flag.Int("seeds", 0, "run the reference over this many seeds of every test (TestReferenceManySeeds); 300 before a release")

func runOne(test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: impl, ImplName: name, Trace: sink}).Run()
}

// seedsOf returns a test's first n seeds, as the grader derives them.
func seedsOf(test *suite.Test, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = grader.SeedFor(Lab.Name, test.Name, i)
	}
	return out
}

func TestReferencePasses(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			for _, seed := range seedsOf(test, max(test.Seeds, 1)) {
				o := runOne(test, Lab.Solution, "solution", seed, nil)
				require.True(t, o.Passed(), "seed %d: %s", seed, o.Describe())
			}
		})
	}
}

// TestGradedByTheEngine grades the reference as `faultline grade backoff`
// does: the grader's seeds, its determinism re-runs, its result model.
func TestGradedByTheEngine(t *testing.T) { gradertest.Run(t, "backoff", "solution") }

// TestReferenceManySeeds is the release check: go test -run ManySeeds -seeds 300.
func TestReferenceManySeeds(t *testing.T) {
	if *manySeeds == 0 {
		t.Skip("run with -seeds N (300 before a release)")
	}
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			t.Parallel()
			failed := 0
			for _, seed := range seedsOf(test, *manySeeds) {
				if o := runOne(test, Lab.Solution, "solution", seed, nil); !o.Passed() {
					failed++
					t.Errorf("seed %d: %s", seed, o.Describe())
				}
			}
			t.Logf("%d of %d seeds passed", *manySeeds-failed, *manySeeds)
		})
	}
}

// TestEveryMutantIsCaught requires each mutant to fail the test meant to
// catch it, with the default seeds, on the check that names its bug.
func TestEveryMutantIsCaught(t *testing.T) {
	tests := []struct {
		mutant, test, check string
	}{
		{"no-jitter", "ThunderingHerd", "retry spike"},
		{"no-cap", "ManyAttempts", "many attempts"},
		{"overflow", "ManyAttempts", "panic"},
		{"no-budget", "ServerFailsEverything", "load on a failing server"},
		{"retry-after-success", "Healthy", noLateAttempts},
		{"no-idempotency-key", "LossyNetwork", executedOnce},
		{"ignores-deadline", "StalledServer", answeredInTime},
		{"hot-overload-retry", "ThunderingHerd", amplificationChk},
		{"no-throttle", "Slowdown", "after the trigger"},
		{"naive", "Slowdown", amplificationChk},
	}
	require.Len(t, tests, len(Lab.Mutants), "every mutant has a row")
	for _, tt := range tests {
		t.Run(tt.mutant, func(t *testing.T) {
			impl, err := Lab.Impl("mutant:" + tt.mutant)
			require.NoError(t, err)
			test, ok := Lab.Test(tt.test)
			require.True(t, ok, tt.test)
			for _, seed := range seedsOf(test, max(test.Seeds, 1)) {
				o := runOne(test, impl, "mutant:"+tt.mutant, seed, nil)
				if !o.Passed() {
					t.Logf("caught by %s seed %d: %s", test.Name, seed, o.Describe())
					assert.Contains(t, o.Describe(), tt.check)
					return
				}
			}
			t.Fatalf("mutant %s passed %s with every default seed", tt.mutant, tt.test)
		})
	}
}

// TestStarterFailsEveryTest: the starter compiles, and no test passes it.
func TestStarterFailsEveryTest(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			o := runOne(test, Lab.Starter, "starter", seedsOf(test, 1)[0], nil)
			require.False(t, o.Passed())
			t.Log(o.Describe())
		})
	}
}

func TestDeterministic(t *testing.T) {
	test, _ := Lab.Test("Slowdown")
	hash := func(seed uint64) string {
		w := trace.NewWriter(io.Discard)
		runOne(test, Lab.Solution, "solution", seed, w)
		return w.Hash()
	}
	assert.Equal(t, hash(5), hash(5))
	assert.NotEqual(t, hash(5), hash(6))
}

func BenchmarkSuite(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		for i := range Lab.Tests {
			test := &Lab.Tests[i]
			for _, seed := range seedsOf(test, max(test.Seeds, 1)) {
				if o := runOne(test, Lab.Solution, "solution", seed, nil); !o.Passed() {
					b.Fatal(o.Describe())
				}
			}
		}
	}
}

// TestHysteresis shows what part D is about: after the same trigger, the
// naive client (retry at once, no budget) keeps the server down until the
// end of the run, while the reference recovers within the bound. The storm
// guard is off so that the naive run is simulated to the end.
func TestHysteresis(t *testing.T) {
	naive, err := Lab.Impl("mutant:naive")
	require.NoError(t, err)
	tests := []struct {
		test    string
		trigEnd time.Duration
	}{
		{"Slowdown", slowdownEnd},
		{"CapacityLoss", capacityLossEnd},
	}
	const end = 10 * sec
	for _, tt := range tests {
		t.Run(tt.test, func(t *testing.T) {
			test, _ := Lab.Test(tt.test)
			for _, seed := range seedsOf(test, 3) {
				measure := func(impl any, name string) (*run, suite.Outcome) {
					var got *run
					newRunHook, unguarded = func(r *run) { got, r.stormGuard = r, false }, true
					defer func() { newRunHook, unguarded = nil, false }()
					o := runOne(test, impl, name, seed, nil)
					return got, o
				}
				ref, o := measure(Lab.Solution, "solution")
				require.True(t, o.Passed(), o.Describe())
				bad, o := measure(naive, "mutant:naive")
				require.False(t, o.Passed())

				from, to := tt.trigEnd+recoverWithin, tt.trigEnd+recoverWithin+goodWindow
				ratio := func(r *run, from, to time.Duration) float64 { return r.goodput.Sum(from, to) / r.offered.Sum(from, to) }
				t.Logf("seed %d: reference recovers in %v, goodput %.0f%% of offered from %v, %.0f%% in the last 2 s, amplification %.2f; naive: goodput %.0f%%, %.0f%%, amplification %.2f",
					seed, ref.recoveryTime(tt.trigEnd, end), 100*ratio(ref, from, to), from, 100*ratio(ref, end-2*sec, end), ref.figures(0, end).amplification,
					100*ratio(bad, from, to), 100*ratio(bad, end-2*sec, end), bad.figures(0, end).amplification)
				assert.GreaterOrEqual(t, ratio(ref, from, to), goodRatio)
				assert.GreaterOrEqual(t, ratio(ref, end-2*sec, end), goodRatio)
				assert.LessOrEqual(t, ref.recoveryTime(tt.trigEnd, end), recoverWithin)
				assert.GreaterOrEqual(t, ratio(bad, sec, trigStart), goodRatio, "the naive client should be fine before the trigger")
				assert.Less(t, ratio(bad, from, to), 0.2, "the naive client should still be down")
				assert.Less(t, ratio(bad, end-2*sec, end), 0.2, "the naive client should be down until the end")
			}
		})
	}
}

// TestStormDemo runs the backoff-storm demo and checks that it shows what
// its description promises, and that its series are there for charts.
func TestStormDemo(t *testing.T) {
	d, err := suite.LookupDemo("backoff-storm")
	require.NoError(t, err)
	var buf trace.Buffer
	require.NoError(t, d.Run(d.Seed, &buf))
	t.Logf("%d trace records", len(buf.Records))
	assert.Less(t, len(buf.Records), 15000, "the demo's trace should stay small enough to step through")

	sides, err := Storm(d.Seed, nil)
	require.NoError(t, err)
	require.Len(t, sides, 2)
	goodAfter := map[string]float64{}
	for _, side := range sides {
		names := map[string]bool{}
		for _, s := range side.Series {
			names[s.Name] = true
			if s.Name == "goodput" {
				mean, _ := s.Mean(stormUntil+sec, stormEnd)
				goodAfter[side.Client] = mean
			}
		}
		for _, want := range []string{"offered", "server arrivals", "goodput", "queue", "p99 latency"} {
			assert.True(t, names[want], "%s has no %q series", side.Client, want)
		}
	}
	t.Logf("goodput from 1 s after the slowdown: naive %.0f/s, reference %.0f/s", goodAfter["naive"], goodAfter["reference"])
	assert.Less(t, goodAfter["naive"], 10.0)
	assert.Greater(t, goodAfter["reference"], 0.8*stormRate)

	require.NotNil(t, d.Series, "the demo's charts come through the registry")
	set, err := d.Series(d.Seed)
	require.NoError(t, err)
	assert.Equal(t, []series.Interval{{From: stormFrom, To: stormUntil, Label: "slowdown"}}, set.Marks)
	assert.Len(t, set.Series, 2*len(sides[0].Series))
	for _, s := range set.Series {
		assert.Contains(t, []string{"naive", "reference"}, s.Side(), s.Name)
	}
}
