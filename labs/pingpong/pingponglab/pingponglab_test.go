package pingponglab

import (
	"flag"
	grun "github.com/faultline-dev/faultline/grader/run"
	"io"
	"testing"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runOne(test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: impl, ImplName: name, Trace: sink}).Run()
}

// extraSeeds sets how many seeds TestReferencePasses runs per test:
// `-pingpong.seeds 300` is the 300-seed check of the reference.
var extraSeeds = flag.Int("pingpong.seeds", 0, "TestReferencePasses: seeds per test (default: twice the test's default)")

// TestReferencePasses runs the reference over the seeds faultline grade
// runs and as many again.
func TestReferencePasses(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			t.Parallel()
			n := 2 * max(test.Seeds, 1)
			if *extraSeeds > 0 {
				n = *extraSeeds
			}
			for i := range n {
				seed := grun.SeedFor(Lab.Name, test.Name, i)
				o := runOne(test, Lab.Solution, "solution", seed, nil)
				require.True(t, o.Passed(), "seed %d: %s", seed, o.Describe())
			}
		})
	}
}

// TestEveryMutantIsCaught requires each mutant to fail some test with the
// default seeds, and the failure to name the broken property.
func TestEveryMutantIsCaught(t *testing.T) {
	want := map[string]string{
		"no-retransmit": "never completed",
		"no-dedup":      "executed 2 times",
		"dedup-by-seq":  "never executed",
		"hot-retry":     "message budget",
	}
	for _, m := range Lab.Mutants {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			for i := range Lab.Tests {
				test := &Lab.Tests[i]
				for i := range max(test.Seeds, 1) {
					seed := grun.SeedFor(Lab.Name, test.Name, i)
					o := runOne(test, m.Impl, "mutant:"+m.Name, seed, nil)
					if !o.Passed() {
						t.Logf("caught by %s seed %d: %s", test.Name, seed, o.Describe())
						assert.Contains(t, o.Describe(), want[m.Name])
						return
					}
				}
			}
			t.Fatalf("mutant %s (%s) passed every test", m.Name, m.Description)
		})
	}
}

func TestStarterFailsHelpfully(t *testing.T) {
	o := runOne(&Lab.Tests[0], Lab.Starter, "starter", 1, nil)
	require.False(t, o.Passed())
	assert.Contains(t, o.Describe(), "does your client retransmit")
}

func TestDeterministic(t *testing.T) {
	test, _ := Lab.Test("Chaos")
	hash := func(seed uint64) string {
		w := trace.NewWriter(io.Discard)
		runOne(test, Lab.Solution, "solution", seed, w)
		return w.Hash()
	}
	assert.Equal(t, hash(5), hash(5))
	assert.NotEqual(t, hash(5), hash(6))
}

func TestDemo(t *testing.T) {
	d, err := suite.LookupDemo("pingpong-lossy")
	require.NoError(t, err)
	var buf trace.Buffer
	require.NoError(t, d.Run(d.Seed, &buf))
	kinds := map[trace.Kind]int{}
	for _, r := range buf.Records {
		kinds[r.Kind]++
	}
	assert.Positive(t, kinds[trace.Drop], "the demo shows no drop")
	assert.Positive(t, kinds[trace.Dup], "the demo shows no duplicate")
	assert.Positive(t, kinds[trace.TimerFire], "the demo shows no retransmission")
	assert.Less(t, len(buf.Records), 3000)
}

func BenchmarkSuite(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		for i := range Lab.Tests {
			test := &Lab.Tests[i]
			for seed := uint64(1); seed <= uint64(max(test.Seeds, 1)); seed++ {
				if o := runOne(test, Lab.Solution, "solution", seed, nil); !o.Passed() {
					b.Fatal(o.Describe())
				}
			}
		}
	}
}
