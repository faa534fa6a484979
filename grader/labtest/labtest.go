// Package labtest holds the checks every lab's own tests make of its
// suite: the reference passes, each mutant is caught by the test and the
// check named for it, and the starter fails. A lab's _test.go makes them
// all with one table and one call:
//
//	var mutantCases = []labtest.Mutant{{"votes-twice", "InitialElection", "raft safety"}, ...}
//
//	func TestLab(t *testing.T) { labtest.Check(t, Lab, mutantCases) }
//
// Every lab's tests take the same flags (see Flags), so a sweep before a
// release reads the same in every lab:
//
//	go test ./labs/raft/raftlab -run TestLab/Sweep -lab.sweep 1000 -lab.tests Figure8
package labtest

import (
	"flag"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

// Mutant names a mutant of a lab, the test that catches it, and the check
// that fails there (as CheckOf names it).
type Mutant struct{ Name, Test, Check string }

// CheckOf names what failed a run, for a mutant table: the failed check's
// name, or "panic" when the implementation panicked, "limit" when it
// exceeded a bound of the run (a storm, a message too large), "error"
// when the test itself broke, "" when the run passed.
func CheckOf(o *suite.Outcome) string {
	switch {
	case o.Failure != nil:
		return o.Failure.Check
	case o.Panic != nil:
		return "panic"
	case o.Limit != nil:
		return "limit"
	case o.Err != nil:
		return "error"
	}
	return ""
}

// RunOne runs one test of lab once, with impl (named name in the outcome)
// and seed, tracing into sink if it is not nil.
func RunOne(lab *suite.Lab, test *suite.Test, impl any, name string, seed uint64, sink trace.Sink) suite.Outcome {
	return suite.NewT(suite.Options{Lab: lab, Test: test, Seed: seed, Impl: impl, ImplName: name, Trace: sink}).Run()
}

// ReferencePasses runs lab's reference over every test's default seeds
// (the ones faultline grade runs), or over seeds seeds per test when
// seeds > 0: a sweep before a release.
func ReferencePasses(t *testing.T, lab *suite.Lab, seeds int) {
	t.Helper()
	for i := range lab.Tests {
		test := &lab.Tests[i]
		t.Run(test.Name, func(t *testing.T) {
			n := max(test.Seeds, 1)
			if seeds > 0 {
				n = seeds
			}
			for i := range n {
				seed := run.SeedFor(lab.Name, test.Name, i)
				o := RunOne(lab, test, lab.Solution, "solution", seed, nil)
				require.True(t, o.Passed(), "seed %d: %s", seed, o.Describe())
			}
		})
	}
}

// MutantsCaught requires every mutant of lab to have a row in mutants, and
// each to fail the test named for it, at a default seed, with the check
// that names its bug.
func MutantsCaught(t *testing.T, lab *suite.Lab, mutants []Mutant) {
	t.Helper()
	require.Len(t, mutants, len(lab.Mutants), "every mutant has a row")
	for _, m := range mutants {
		t.Run(m.Name, func(t *testing.T) {
			impl, err := lab.Impl("mutant:" + m.Name)
			require.NoError(t, err)
			test, ok := lab.Test(m.Test)
			require.True(t, ok, "no test %s", m.Test)
			for i := range max(test.Seeds, 1) {
				seed := run.SeedFor(lab.Name, test.Name, i)
				o := RunOne(lab, test, impl, "mutant:"+m.Name, seed, nil)
				if !o.Passed() {
					t.Logf("caught by %s seed %d: %s", test.Name, seed, o.Describe())
					assert.Equal(t, m.Check, CheckOf(&o), o.Describe())
					return
				}
			}
			t.Fatalf("mutant %s passed %s at every default seed", m.Name, m.Test)
		})
	}
}

// CatchRates logs, for each mutant, the share of seeds of its test that
// catch it, over seeds seeds.
func CatchRates(t *testing.T, lab *suite.Lab, mutants []Mutant, seeds int) {
	t.Helper()
	for _, m := range mutants {
		impl, err := lab.Impl("mutant:" + m.Name)
		require.NoError(t, err)
		test, ok := lab.Test(m.Test)
		require.True(t, ok, "no test %s", m.Test)
		caught := 0
		for i := range seeds {
			if o := RunOne(lab, test, impl, "mutant:"+m.Name, run.SeedFor(lab.Name, test.Name, i), nil); !o.Passed() {
				caught++
			}
		}
		t.Logf("%-24s by %-22s %3d/%d seeds", m.Name, m.Test, caught, seeds)
	}
}

// StarterFailsEveryTest checks that lab's starter fails every test at its
// first default seed, as a student's first run should.
func StarterFailsEveryTest(t *testing.T, lab *suite.Lab) {
	t.Helper()
	for i := range lab.Tests {
		test := &lab.Tests[i]
		o := RunOne(lab, test, lab.Starter, "starter", run.SeedFor(lab.Name, test.Name, 0), nil)
		assert.False(t, o.Passed(), test.Name)
	}
}

// The flags every lab's tests take.
var (
	seedsFlag = flag.Int("lab.seeds", 0, "ReferencePasses: seeds per test (0: each test's default seeds, the ones faultline grade runs)")
	ratesFlag = flag.Int("lab.rates", 0, "CatchRates: seeds per mutant (0: skip)")
	sweepFlag = flag.Int("lab.sweep", 0, "Sweep: run -lab.impl over this many seeds of every test named by -lab.tests (0: skip)")
	testsFlag = flag.String("lab.tests", "", "Sweep: comma-separated tests to sweep (default: all)")
	implFlag  = flag.String("lab.impl", "solution", "Sweep: the implementation (solution, starter, mutant:<name>)")
)

// Check makes every check of a lab's suite as subtests: Reference (the
// reference passes every test's default seeds, or -lab.seeds of each),
// Mutants (each caught by its named test and check), Starter (fails every
// test), and, when their flags ask for them, CatchRates and Sweep.
func Check(t *testing.T, lab *suite.Lab, mutants []Mutant) {
	t.Run("Reference", func(t *testing.T) { ReferencePasses(t, lab, *seedsFlag) })
	t.Run("Mutants", func(t *testing.T) { MutantsCaught(t, lab, mutants) })
	t.Run("Starter", func(t *testing.T) { StarterFailsEveryTest(t, lab) })
	t.Run("CatchRates", func(t *testing.T) {
		if *ratesFlag == 0 {
			t.Skip("set -lab.rates=N to measure each mutant over N seeds")
		}
		CatchRates(t, lab, mutants, *ratesFlag)
	})
	t.Run("Sweep", func(t *testing.T) {
		if *sweepFlag == 0 {
			t.Skip("set -lab.sweep=N to sweep N seeds")
		}
		Sweep(t, lab, *implFlag, *testsFlag, *sweepFlag)
	})
}

// Sweep runs the implementation named impl over n seeds of each test in
// tests (comma-separated; "" means all), on every core, and logs the wall
// time, virtual time and events of each test; every failing seed is an
// error. The seeds are the grader's first n for the test.
func Sweep(t *testing.T, lab *suite.Lab, impl, tests string, n int) {
	t.Helper()
	code, err := lab.Impl(impl)
	require.NoError(t, err)
	var names []string
	if tests == "" {
		for _, test := range lab.Tests {
			names = append(names, test.Name)
		}
	} else {
		names = strings.Split(tests, ",")
	}
	for _, name := range names {
		test, ok := lab.Test(name)
		require.True(t, ok, "no test %s", name)
		start := time.Now()
		var (
			mu      sync.Mutex
			failed  []string
			events  int64
			virtual time.Duration
			next    int
			wg      sync.WaitGroup
		)
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					mu.Lock()
					i := next
					next++
					mu.Unlock()
					if i >= n {
						return
					}
					seed := run.SeedFor(lab.Name, test.Name, i)
					o := RunOne(lab, test, code, impl, seed, nil)
					mu.Lock()
					events += o.Events
					virtual += o.Virtual
					if !o.Passed() {
						failed = append(failed, fmt.Sprintf("seed %d: %s", seed, o.Describe()))
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		t.Logf("%s: %d seeds in %v wall (%v virtual, %d events), %d failed", name, n,
			time.Since(start).Round(time.Millisecond), virtual.Round(time.Second), events, len(failed))
		for _, f := range failed {
			t.Error(f)
		}
	}
}

// ConfigurationsNoted checks that each named test, whose seeds draw a
// configuration (cluster size, network profile, faults), says in its trace
// and in the report's log which one each of seeds seeds drew, as one note
// "configuration: …", and that the seeds draw more than one.
func ConfigurationsNoted(t *testing.T, lab *suite.Lab, tests []string, seeds int) {
	t.Helper()
	for _, name := range tests {
		t.Run(name, func(t *testing.T) {
			test, ok := lab.Test(name)
			require.True(t, ok, "no test %s", name)
			drawn := map[string]bool{}
			for i := range seeds {
				var buf trace.Buffer
				o := RunOne(lab, test, lab.Solution, "solution", run.SeedFor(lab.Name, test.Name, i), &buf)
				require.True(t, o.Passed(), o.Describe())
				var notes []string
				for _, r := range buf.Records {
					if r.Kind == trace.Note && strings.HasPrefix(r.Text, "configuration: ") {
						notes = append(notes, r.Text)
					}
				}
				require.Len(t, notes, 1, "one configuration note in the trace")
				assert.Contains(t, o.Logs, notes[0], "and in the report's log")
				drawn[notes[0]] = true
			}
			assert.Greater(t, len(drawn), 1, "%d seeds drew one configuration", seeds)
		})
	}
}
