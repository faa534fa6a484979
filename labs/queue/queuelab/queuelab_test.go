package queuelab

import (
	"flag"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	grader "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/queue"
	"github.com/faultline-dev/faultline/labs/queue/solution"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runOne(test *suite.Test, seed uint64, impl any, name string) suite.Outcome {
	return suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: impl, ImplName: name}).Run()
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

// TestReference runs the reference over every test's default seeds, as
// the grader draws them.
func TestReference(t *testing.T) {
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			t.Parallel()
			for _, seed := range seeds(test, test.Seeds) {
				o := runOne(test, seed, Lab.Solution, "solution")
				require.True(t, o.Passed(), "seed %d: %s", seed, o.Describe())
			}
		})
	}
}

// TestMutantsCaught: each mutant fails the test meant to catch it, on a
// default seed, at the named check; the log shows the message.
func TestMutantsCaught(t *testing.T) {
	for _, tc := range []struct {
		mutant, test string
		checks       []string // the checks that may catch it
	}{
		{"unbounded-queue", "FastRejection", []string{"bounded queue", "fast rejection"}},
		{"fifo-no-deadline", "NoWastedWork", []string{"no expired starts", "wasted work"}},
		{"reject-all-under-load", "Goodput1x", []string{"goodput"}},
		{"priority-inversion", "CriticalFirst", []string{"critical success"}},
		{"no-fairness", "FloodingClient", []string{"fairness", "flood share"}},
		{"lying-queue-len", "LittlesLaw", []string{"little's law"}},
		{"naive-fifo", "Goodput2x", []string{"goodput"}},
	} {
		t.Run(tc.mutant, func(t *testing.T) {
			t.Parallel()
			impl, err := Lab.Impl("mutant:" + tc.mutant)
			require.NoError(t, err)
			test, ok := Lab.Test(tc.test)
			require.True(t, ok, "no test %s", tc.test)
			for _, seed := range seeds(test, test.Seeds) {
				o := runOne(test, seed, impl, "mutant:"+tc.mutant)
				if !o.Passed() {
					require.NotNil(t, o.Failure, o.Describe())
					assert.Contains(t, tc.checks, o.Failure.Check, o.Describe())
					assert.Contains(t, o.Failure.Msg, "want", "a failure states its bound")
					t.Logf("caught by %s seed %d: %s", tc.test, seed, o.Describe())
					return
				}
			}
			t.Fatalf("mutant %s passes %s on every default seed", tc.mutant, tc.test)
		})
	}
	assert.Len(t, Lab.Mutants, 7, "a mutant without a row above is not checked")
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

var (
	sweepSeeds = flag.Int("queue.sweep", 0, "TestSweep: run an implementation over this many seeds of every test named by -queue.tests")
	sweepTests = flag.String("queue.tests", "", "TestSweep: comma-separated tests to sweep (default: all)")
	sweepImpl  = flag.String("queue.impl", "solution", "TestSweep: the implementation (solution, starter, mutant:<name>)")
)

// TestSweep runs the reference (or -queue.impl) over many seeds of every
// test, on every core, and reports the wall time. The seeds are the
// grader's first N for the test and then 1..N:
//
//	go test ./labs/queue/queuelab -run TestSweep -queue.sweep=300
//
// It is skipped unless -queue.sweep is set.
func TestSweep(t *testing.T) {
	if *sweepSeeds == 0 {
		t.Skip("set -queue.sweep=N to sweep N seeds")
	}
	impl, err := Lab.Impl(*sweepImpl)
	require.NoError(t, err)
	names := strings.Split(*sweepTests, ",")
	if *sweepTests == "" {
		names = nil
		for _, test := range Lab.Tests {
			names = append(names, test.Name)
		}
	}
	for _, name := range names {
		test, ok := Lab.Test(name)
		require.True(t, ok, "no test %s", name)
		start := time.Now()
		var mu sync.Mutex
		var failed []string
		var events int64
		var wg sync.WaitGroup
		all := seeds(test, *sweepSeeds)
		for seed := uint64(1); seed <= uint64(*sweepSeeds); seed++ {
			all = append(all, seed)
		}
		next := 0
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					mu.Lock()
					i := next
					next++
					mu.Unlock()
					if i >= len(all) {
						return
					}
					seed := all[i]
					o := runOne(test, seed, impl, *sweepImpl)
					mu.Lock()
					events += o.Events
					if !o.Passed() {
						failed = append(failed, fmt.Sprintf("seed %d: %s", seed, o.Describe()))
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		t.Logf("%s: %d seeds in %v wall (%d events), %d failed", name, len(all), time.Since(start).Round(time.Millisecond), events, len(failed))
		for _, f := range failed {
			t.Error(f)
		}
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

// TestOtherDesigns: the suite grades the policy's outcome, not the policy.
// CoDel's queue-time limit alone (always FIFO), and LIFO with a shorter
// length limit and no queue-time limit, pass every test on the default
// seeds, as the reference (adaptive LIFO with CoDel) does.
func TestOtherDesigns(t *testing.T) {
	for name, bugs := range map[string]solution.Bugs{
		"fifo-codel": {FIFOOnly: true},
		"lifo-only":  {LIFOOnly: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for i := range Lab.Tests {
				test := &Lab.Tests[i]
				for _, seed := range seeds(test, test.Seeds) {
					o := runOne(test, seed, solution.New(bugs), name)
					require.True(t, o.Passed(), "%s seed %d: %s", test.Name, seed, o.Describe())
				}
			}
		})
	}
}
