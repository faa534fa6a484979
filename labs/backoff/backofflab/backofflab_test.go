package backofflab

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/gradertest"
	"github.com/faultline-dev/faultline/grader/labtest"
	grader "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

func runOne(test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return labtest.RunOne(Lab, test, impl, name, seed, sink)
}

// seedsOf returns a test's first n seeds, as the grader derives them.
func seedsOf(test *suite.Test, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = grader.SeedFor(Lab.Name, test.Name, i)
	}
	return out
}

// mutantCases names, for each mutant, the test that must catch it and the
// check that fails there.
var mutantCases = []labtest.Mutant{
	{Name: "no-jitter", Test: "ThunderingHerd", Check: jitterChk},
	{Name: "no-cap", Test: "ManyAttempts", Check: cappedBackoff},
	{Name: "overflow", Test: "ManyAttempts", Check: "panic"},
	{Name: "no-budget", Test: "ServerFailsEverything", Check: "load on a failing server"},
	{Name: "retry-after-success", Test: "Healthy", Check: noLateAttempts},
	{Name: "no-idempotency-key", Test: "LossyNetwork", Check: executedOnce},
	{Name: "ignores-deadline", Test: "StalledServer", Check: answeredInTime},
	{Name: "hot-overload-retry", Test: "ThunderingHerd", Check: amplificationChk},
	{Name: "no-throttle", Test: "Slowdown", Check: "time to recover"},
	{Name: "naive", Test: "Slowdown", Check: amplificationChk},
}

// TestLab: the reference passes, each mutant is caught by its test and
// check, the starter fails; -lab.* flags add sweeps (grader/labtest):
//
//	go test ./labs/backoff/backofflab -run TestLab/Sweep -lab.sweep 300
//
// TestLab checks the suite with the lab's one table: the overflow mutant's
// row names "panic", the check labtest gives a run the implementation's
// panic failed.
func TestLab(t *testing.T) { labtest.Check(t, Lab, mutantCases) }

// TestGradedByTheEngine grades the reference as `faultline grade backoff`
// does: the grader's seeds, its determinism re-runs, its result model.
func TestGradedByTheEngine(t *testing.T) { gradertest.Run(t, "backoff", "solution") }

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
	const end = 10 * suite.Sec
	for _, tt := range tests {
		t.Run(tt.test, func(t *testing.T) {
			test, _ := Lab.Test(tt.test)
			for _, seed := range seedsOf(test, 3) {
				measure := func(impl any, name string) (*harness, suite.Outcome) {
					var got *harness
					newHarnessHook, unguarded = func(r *harness) { got, r.stormGuard = r, false }, true
					defer func() { newHarnessHook, unguarded = nil, false }()
					o := runOne(test, impl, name, seed, nil)
					return got, o
				}
				ref, o := measure(Lab.Solution, "solution")
				require.True(t, o.Passed(), o.Describe())
				bad, o := measure(naive, "mutant:naive")
				require.False(t, o.Passed())

				from, to := tt.trigEnd+recoverWithin, tt.trigEnd+recoverWithin+goodWindow
				ratio := func(r *harness, from, to time.Duration) float64 {
					return r.goodput.Sum(from, to) / r.offered.Sum(from, to)
				}
				t.Logf("seed %d: reference recovers in %v, goodput %.0f%% of offered from %v, %.0f%% in the last 2 s, amplification %.2f; naive: goodput %.0f%%, %.0f%%, amplification %.2f",
					seed, ref.recoveryTime(tt.trigEnd, end), 100*ratio(ref, from, to), from, 100*ratio(ref, end-2*suite.Sec, end), ref.figures(0, end).amplification,
					100*ratio(bad, from, to), 100*ratio(bad, end-2*suite.Sec, end), bad.figures(0, end).amplification)
				assert.GreaterOrEqual(t, ratio(ref, from, to), goodRatio)
				assert.GreaterOrEqual(t, ratio(ref, end-2*suite.Sec, end), goodRatio)
				assert.LessOrEqual(t, ref.recoveryTime(tt.trigEnd, end), recoverWithin)
				assert.GreaterOrEqual(t, ratio(bad, suite.Sec, trigStart), goodRatio, "the naive client should be fine before the trigger")
				assert.Less(t, ratio(bad, from, to), 0.2, "the naive client should still be down")
				assert.Less(t, ratio(bad, end-2*suite.Sec, end), 0.2, "the naive client should be down until the end")
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
				mean, _ := s.Mean(stormUntil+suite.Sec, stormEnd)
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
