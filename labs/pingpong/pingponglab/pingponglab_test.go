package pingponglab

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

// mutantCases names, for each mutant, the test that must catch it and the
// check that fails there.
var mutantCases = []labtest.Mutant{
	{Name: "no-retransmit", Test: "Loss", Check: "every request completed"},
	{Name: "no-dedup", Test: "Duplication", Check: "exactly once"},
	{Name: "dedup-by-seq", Test: "TwoClients", Check: "exactly once"},
	{Name: "hot-retry", Test: "MessageBudget", Check: "message budget"},
}

// TestLab: the reference passes, each mutant is caught by its test and
// check, the starter fails; -lab.* flags add sweeps (grader/labtest).
func TestLab(t *testing.T) { labtest.Check(t, Lab, mutantCases) }

func TestStarterFailsHelpfully(t *testing.T) {
	o := labtest.RunOne(Lab, &Lab.Tests[0], Lab.Starter, "starter", 1, nil)
	require.False(t, o.Passed())
	assert.Contains(t, o.Describe(), "does your client retransmit")
}

func TestDeterministic(t *testing.T) {
	test, _ := Lab.Test("Chaos")
	hash := func(seed uint64) string {
		w := trace.NewWriter(io.Discard)
		labtest.RunOne(Lab, test, Lab.Solution, "solution", seed, w)
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
				if o := labtest.RunOne(Lab, test, Lab.Solution, "solution", seed, nil); !o.Passed() {
					b.Fatal(o.Describe())
				}
			}
		}
	}
}
