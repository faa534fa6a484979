package kvraftlab

import (
	"cmp"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft/internal/reference"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft/raftlab"
)

var updateBounds = flag.Bool("update", false, "TestBounds: rewrite bounds.txt from the derivation (with -lab.sweep 1000)")

// quickSeeds is how many seeds of each test TestBounds runs per design
// without -lab.sweep.
const quickSeeds = 2

// boundUnit is what a derived bound is rounded up to.
var boundUnit = [nBounds]float64{recoverWait: 0.1, readWait: 0.1, clerkRate: 10}

// boundDesign is a legitimate design the bounds must admit: a kvraft
// implementation and the Raft it runs on (nil: the reference Raft).
type boundDesign struct {
	name string
	impl any
	raft any
}

// boundDesigns: the reference service on each Raft design the Raft task
// admits (raftlab.Designs: its election-timeout range, PreVote with
// CheckQuorum, batching), the reference Raft under clerks at either end of
// the timing this task admits (a request timeout of 100-500 ms, a pause
// of 50-100 ms after a round of refusals), and the slowest clerk on the
// slowest Raft.
func boundDesigns() []boundDesign {
	fast := reference.NewClerkTiming(reference.ClerkTiming{Timeout: clerkTimeouts[0], Pause: clerkPauses[0]})
	slow := reference.NewClerkTiming(reference.ClerkTiming{Timeout: clerkTimeouts[1], Pause: clerkPauses[1]})
	var out []boundDesign
	for _, d := range raftlab.Designs {
		out = append(out, boundDesign{"Raft: " + d.Name, Lab.Solution, d.Factory})
	}
	slowest := raftlab.Designs[len(raftlab.Designs)-1]
	return append(out,
		boundDesign{"fast clerk (100 ms timeout, 50 ms pause)", fast, nil},
		boundDesign{"slow clerk (500 ms timeout, 100 ms pause)", slow, nil},
		boundDesign{"slow clerk on Raft: " + slowest.Name, slow, slowest.Factory},
	)
}

// unbounded reports whether a test takes no bounds of its own: the crash
// exploration, whose waits are those of a short scenario run once per
// crash point, and the search, which runs no harness.
func unbounded(test *suite.Test) bool {
	return test.Name == "CrashExploration" || strings.HasPrefix(test.Name, "Search")
}

// worstCase is the most one run needed of one bound, and that run.
type worstCase struct {
	v      float64
	design string
	seed   uint64
}

// measured is what a calibration found for one test.
type measured struct {
	worst      [nBounds]worstCase
	runs, fail int
	failed     string // the first failing run, if any
}

// runCalibrating runs one test with its bounds lifted and returns its
// outcome and harness (nil if the test built none).
func runCalibrating(test *suite.Test, d boundDesign, seed uint64) (suite.Outcome, *harness) {
	st := suite.NewT(suite.Options{Lab: Lab, Test: test, Seed: seed, Impl: d.impl, ImplName: d.name, Deps: map[string]any{"raft": d.raft}})
	var h *harness
	calibrating.Store(st, func(c *harness) { h, c.calibrating = c, true })
	defer calibrating.Delete(st)
	return st.Run(), h
}

// calibrating holds, for each run a calibration watches, what to do with
// its harness.
var calibrating sync.Map // *suite.T -> func(*harness)

func init() {
	onHarness = func(t *suite.T, c *harness) {
		if w, ok := calibrating.Load(t); ok {
			w.(func(*harness))(c)
		}
	}
}

// measure runs every bounded test over seeds(test) of its seeds (the
// grader's first) with design d, on every core, with the bounds lifted,
// and folds the worst cases into m.
func measure(m map[string]*measured, d boundDesign, seeds func(*suite.Test) int) {
	type job struct {
		test *suite.Test
		seed uint64
	}
	var jobs []job
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		if unbounded(test) {
			continue
		}
		for k := range seeds(test) {
			jobs = append(jobs, job{test, grun.SeedFor(Lab.Name, test.Name, k)})
		}
	}
	var mu sync.Mutex
	labtest.Parallel(jobs, func(j job) {
		o, h := runCalibrating(j.test, d, j.seed)
		mu.Lock()
		defer mu.Unlock()
		r := m[j.test.Name]
		if r == nil {
			r = &measured{}
			m[j.test.Name] = r
		}
		r.runs++
		if !o.Passed() {
			r.fail++
			if r.failed == "" {
				r.failed = fmt.Sprintf("%s, %s seed %d: %s", d.name, j.test.Name, j.seed, o.Describe())
			}
		}
		for b := range nBounds {
			if w := &r.worst[b]; h != nil && h.worst[b] > w.v {
				*w = worstCase{h.worst[b], d.name, j.seed}
			}
		}
	})
}

// derive is a bound from a worst case: the margin over it, rounded up to
// the bound's unit, and no less than its floor.
func derive(b bound, worst float64) float64 {
	v := math.Ceil(worst*boundMargin/boundUnit[b]-1e-9) * boundUnit[b]
	return max(v, boundFloor[b])
}

// TestBounds re-derives each test's bounds: over every design the task
// admits, the reference's worst case of each bound, times boundMargin,
// must stay within the test's bound in bounds.txt. By default it runs
// every design over quickSeeds seeds a test (TestLab already runs the
// reference over every default seed, with the bounds); the derivation in
// bounds.txt is every design over 1,000 seeds a test:
//
//	go test ./labs/kvraft/kvraftlab -run TestBounds -lab.sweep 1000 -update -v
func TestBounds(t *testing.T) {
	sweep := labtest.SweepSeeds()
	m := map[string]*measured{}
	for _, d := range boundDesigns() {
		measure(m, d, func(*suite.Test) int { return cmp.Or(sweep, quickSeeds) })
	}
	var table strings.Builder
	fmt.Fprintf(&table, "# Calibrated bounds per test (bounds.go): each is %.1fx the worst case of the\n", boundMargin)
	fmt.Fprintf(&table, "# reference over %d seeds of the test in each design the task admits (bounds_test.go),\n", cmp.Or(sweep, quickSeeds))
	fmt.Fprintf(&table, "# rounded up to 100 ms or 10 requests a second, at least %s, %s and %s. Derived by\n",
		recoverWait.format(boundFloor[recoverWait]), readWait.format(boundFloor[readWait]), clerkRate.format(boundFloor[clerkRate]))
	table.WriteString("#   go test ./labs/kvraft/kvraftlab -run TestBounds -lab.sweep 1000 -update -v\n")
	table.WriteString("# recover: heal to every request returned; read: one final read; rate: a clerk's requests in 1 s\n")
	table.WriteString("# test  recover  read  rate    # worst recover; worst read; worst rate\n")
	for _, test := range Lab.Tests {
		r := m[test.Name]
		if r == nil {
			continue
		}
		var got [nBounds]float64
		var worst []string
		for b := range nBounds {
			got[b] = derive(b, r.worst[b].v)
			w := r.worst[b]
			if w.design == "" {
				worst = append(worst, b.format(0)+" (never waited)")
				continue
			}
			worst = append(worst, fmt.Sprintf("%s (%s, seed %d)", b.format(w.v), w.design, w.seed))
		}
		fmt.Fprintf(&table, "%s %s %s %s    # %s\n", test.Name, recoverWait.format(got[0]), readWait.format(got[1]), clerkRate.format(got[2]), strings.Join(worst, "; "))
		assert.Zero(t, r.fail, "%s: %d of %d calibration runs failed; the first: %s", test.Name, r.fail, r.runs, r.failed)
		if *updateBounds {
			continue
		}
		want, ok := boundTable[test.Name]
		if !assert.True(t, ok, "bounds.txt has no line for %s: re-derive it (-update)", test.Name) {
			continue
		}
		for b := range nBounds {
			w := r.worst[b]
			assert.LessOrEqual(t, got[b], want[b]+1e-9, "%s: the %v bound is %s, but %s needed %s (seed %d): with the %.1fx margin that needs %s; re-derive bounds.txt (-update) and say why in task.md",
				test.Name, b, b.format(want[b]), w.design, b.format(w.v), w.seed, boundMargin, b.format(got[b]))
		}
	}
	t.Logf("\n%s", table.String())
	if *updateBounds {
		require.Positive(t, sweep, "derive bounds.txt over -lab.sweep seeds (1000)")
		require.NoError(t, os.WriteFile("bounds.txt", []byte(table.String()), 0o644))
	}
}

// TestBoundsTable: every test but the exploration and the search has its
// bounds, each at least its floor.
func TestBoundsTable(t *testing.T) {
	for _, test := range Lab.Tests {
		l, ok := boundTable[test.Name]
		if unbounded(&test) {
			assert.False(t, ok, "%s takes the largest bounds", test.Name)
			continue
		}
		if assert.True(t, ok, "bounds.txt has no line for %s", test.Name) {
			for b := range nBounds {
				assert.GreaterOrEqual(t, l[b], boundFloor[b], "%s %v", test.Name, b)
			}
		}
	}
}

// TestBusiest checks the clerk-rate window on hand-made send times.
func TestBusiest(t *testing.T) {
	ms := func(v ...int) (out []time.Duration) {
		for _, x := range v {
			out = append(out, time.Duration(x)*suite.Ms)
		}
		return out
	}
	cases := []struct {
		name  string
		sends map[int][]time.Duration
		who   int
		most  int
		from  time.Duration
	}{
		{"nothing sent", map[int][]time.Duration{}, 0, 0, 0},
		{"one clerk: the window is a second, its end left out", map[int][]time.Duration{5: ms(0, 500, 999, 1000, 1001, 1500)}, 5, 4, 500 * suite.Ms},
		{"the busier clerk wins", map[int][]time.Duration{5: ms(0, 10), 6: ms(2000, 2001, 2002)}, 6, 3, 2000 * suite.Ms},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &harness{clerks: []node.ID{5, 6}, sends: map[node.ID][]time.Duration{}}
			for id, at := range tc.sends {
				c.sends[node.ID(id)] = at
			}
			who, most, from := c.busiest()
			assert.Equal(t, node.ID(tc.who), who)
			assert.Equal(t, tc.most, most)
			assert.Equal(t, tc.from, from)
		})
	}
}

// TestBoundsCatchSlowClerk: the bounds are tight enough to matter. A clerk
// that waits 2 s for an answer and 500 ms after a round of refusals, four
// and five times the slowest the task admits, needs more than its bound in
// several tests within their first three seeds, though every run passes with the
// bounds lifted: such a clerk is slow, not stuck, and the old absolute
// limits (30 s and 40 s of virtual time) let it through.
func TestBoundsCatchSlowClerk(t *testing.T) {
	slow := boundDesign{"2 s timeout, 500 ms pause", reference.NewClerkTiming(reference.ClerkTiming{Timeout: 2 * suite.Sec, Pause: 500 * suite.Ms}), nil}
	var caught []string
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		if unbounded(test) {
			continue
		}
	seeds:
		for k := range 3 {
			o, h := runCalibrating(test, slow, grun.SeedFor(Lab.Name, test.Name, k))
			require.True(t, o.Passed(), "%s: %s", test.Name, o.Describe())
			for _, b := range []bound{recoverWait, readWait} {
				if w := h.worst[b]; w > h.calibratedLimit(b) {
					caught = append(caught, fmt.Sprintf("%s seed %d (%v %s > %s)", test.Name, k, b, b.format(w), b.format(h.calibratedLimit(b))))
					break seeds
				}
			}
		}
	}
	t.Logf("past the calibrated bound: %s", strings.Join(caught, ", "))
	assert.GreaterOrEqual(t, len(caught), 3)
}
