package queuelab

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	grader "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/queue"
)

func runOne(test *suite.Test, seed uint64, impl any, name string) suite.Outcome {
	return labtest.RunOne(Lab, test, impl, name, seed, nil)
}

// seeds returns the first n seeds the grader gives test: what `faultline
// grade queue --seeds n` runs.
func seeds(test *suite.Test, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = grader.SeedFor(Lab.Name, test.Name, i)
	}
	return out
}

// mutantCases names, for each mutant, the test that must catch it and the
// check that fails there.
var mutantCases = []labtest.Mutant{
	{Name: "unbounded-queue", Test: "FastRejection", Check: "fast rejection"},
	{Name: "fifo-no-deadline", Test: "NoWastedWork", Check: "no expired starts"},
	{Name: "reject-all-under-load", Test: "Goodput1x", Check: "goodput"},
	{Name: "priority-inversion", Test: "CriticalFirst", Check: criticalLast},
	{Name: "no-fairness", Test: "FloodingClient", Check: "fairness"},
	{Name: "lying-queue-len", Test: "LittlesLaw", Check: "little's law"},
	{Name: "naive-fifo", Test: "Goodput2x", Check: "bounded queue"},
}

// TestLab: the reference passes, each mutant is caught by its test and
// check, the starter fails; -lab.* flags add sweeps (grader/labtest):
//
//	go test ./labs/queue/queuelab -run TestLab/Sweep -lab.sweep 300
func TestLab(t *testing.T) { labtest.Check(t, Lab, mutantCases) }

// TestFailuresStateTheirBound: the failure that catches each mutant says
// what the bound is ("want ..."), so that a student knows how far off
// their server is.
func TestFailuresStateTheirBound(t *testing.T) {
	for _, m := range mutantCases {
		t.Run(m.Name, func(t *testing.T) {
			impl, err := Lab.Impl("mutant:" + m.Name)
			require.NoError(t, err)
			test, ok := Lab.Test(m.Test)
			require.True(t, ok, m.Test)
			for _, seed := range seeds(test, test.Seeds) {
				if o := runOne(test, seed, impl, "mutant:"+m.Name); !o.Passed() {
					require.NotNil(t, o.Failure, o.Describe())
					assert.Contains(t, o.Failure.Msg, "want", o.Describe())
					return
				}
			}
			t.Fatalf("mutant %s passes %s on every default seed", m.Name, m.Test)
		})
	}
}

// TestStarterFails: the starter compiles, answers nothing, and fails every
// test with a message that says what to do.
func TestStarterFails(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			o := runOne(test, 1, Lab.Starter, "starter")
			require.False(t, o.Passed(), "the starter passes %s", test.Name)
			require.NotNil(t, o.Failure, o.Describe())
			assert.Equal(t, "every request answered", o.Failure.Check)
			assert.Contains(t, o.Failure.Msg, "answer every request with Start or Reject")
		})
	}
}

// scripted is a server whose Arrive is a test's script.
type scripted struct {
	w      queue.Workers
	arrive func(w queue.Workers, r queue.Request)
}

func (s *scripted) Start(node.Env)                      {}
func (s *scripted) HandleMessage(node.ID, node.Message) {}
func (s *scripted) HandleTimer(any)                     {}
func (s *scripted) Arrive(r queue.Request)              { s.arrive(s.w, r) }
func (s *scripted) Done(int)                            {}
func (s *scripted) QueueLen() int                       { return 0 }

// TestProtocolViolations: starting without a free worker, answering twice
// and answering a request that never arrived each fail the run at once,
// at the "protocol" check, naming the request.
func TestProtocolViolations(t *testing.T) {
	test, _ := Lab.Test("Underload")
	for _, tc := range []struct {
		name, want string
		arrive     func(w queue.Workers, r queue.Request)
	}{
		{"no free worker", "with no free worker", func(w queue.Workers, r queue.Request) { w.Start(r.ID) }},
		{"twice", "already started", func(w queue.Workers, r queue.Request) {
			w.Start(r.ID)
			w.Reject(r.ID, queue.Overloaded)
		}},
		{"unknown", "there is no request 1000000", func(w queue.Workers, r queue.Request) { w.Reject(1_000_000, queue.Overloaded) }},
		{"bad reason", "the reason must be", func(w queue.Workers, r queue.Request) { w.Reject(r.ID, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f queue.Factory = func(cfg queue.Config, w queue.Workers) queue.Server {
				return &scripted{w: w, arrive: tc.arrive}
			}
			o := runOne(test, 1, f, "misuse")
			require.NotNil(t, o.Failure, o.Describe())
			assert.Equal(t, "protocol", o.Failure.Check)
			assert.Contains(t, o.Failure.Msg, tc.want)
		})
	}
}

// TestDeterministic: the same seed gives the same trace, event for event;
// another seed gives another.
func TestDeterministic(t *testing.T) {
	test, _ := Lab.Test("FloodingClient")
	hash := func(seed uint64) string {
		var buf trace.Buffer
		o := suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: Lab.Solution, ImplName: "solution", Trace: &buf}).Run()
		require.True(t, o.Passed(), o.Describe())
		return buf.Hash()
	}
	assert.Equal(t, hash(3), hash(3))
	assert.NotEqual(t, hash(3), hash(4))
}

func TestPoints(t *testing.T) {
	want := map[string]int{"A": 20, "B": 25, "C": 35, "D": 20}
	got := map[string]int{}
	for _, test := range Lab.Tests {
		got[test.Part] += test.Points
		assert.NotEmpty(t, test.Description, test.Name)
		assert.NotEmpty(t, test.Lesson, test.Name)
		assert.Contains(t, scenarios, test.Name, "every test's workload is in scenarios, for Series")
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 100, Lab.MaxScore())
}

// BenchmarkSuite grades the reference once per iteration: every test over
// its default seeds, one after another on one core.
func BenchmarkSuite(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for i := range Lab.Tests {
			test := &Lab.Tests[i]
			for _, seed := range seeds(test, test.Seeds) {
				if o := runOne(test, seed, Lab.Solution, "solution"); !o.Passed() {
					b.Fatalf("%s seed %d: %s", test.Name, seed, o.Describe())
				}
			}
		}
	}
}

// TestDemo: the demo is short enough to read, deterministic, and shows
// what its description promises: rejections, and no wasted work.
func TestDemo(t *testing.T) {
	d, err := suite.LookupDemo("queue-overload")
	require.NoError(t, err)
	var a, b trace.Buffer
	require.NoError(t, d.Run(d.Seed, &a))
	require.NoError(t, d.Run(d.Seed, &b))
	assert.Equal(t, a.Hash(), b.Hash(), "the demo is not deterministic")
	assert.Less(t, len(a.Records), 3000, "the trace is too long to read")
	notes := map[string]int{}
	for _, r := range a.Records {
		if r.Kind == trace.Note {
			for _, word := range []string{"started", "rejected (overloaded)", "finished in time", "wasted"} {
				if strings.Contains(r.Text, word) {
					notes[word]++
				}
			}
		}
	}
	assert.Positive(t, notes["started"])
	assert.Positive(t, notes["rejected (overloaded)"])
	assert.Positive(t, notes["finished in time"])
	assert.Zero(t, notes["wasted"])
	t.Logf("%d records; notes %v", len(a.Records), notes)
}
