package raftlab

import (
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/labtest"
	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/internal/reference"
)

var updateBounds = flag.Bool("update", false, "TestBounds: rewrite bounds.txt from the derivation (with -lab.sweep 1000)")

// boundMargin is the margin each liveness bound keeps over the worst wait
// of the reference, across every design the task allows (Designs, set in reference.go).
const boundMargin = 1.5

func ms3(hb, lo, hi int) reference.Timing {
	return reference.Timing{Heartbeat: time.Duration(hb) * suite.Ms, ElectionMin: time.Duration(lo) * suite.Ms, ElectionMax: time.Duration(hi) * suite.Ms}
}

// explorations are the tests that run a scenario once per crash point:
// their waits are those of short scenarios the other tests cover, and a
// calibration run of each costs a hundred; they take the largest bounds.
var explorations = []string{"CrashExploration", "SnapshotCrashExploration"}

// unbounded reports whether a test takes no bounds of its own: an
// exploration, or a search (models.SuiteTest), which explores states, not
// time, and runs no harness.
func unbounded(test *suite.Test) bool {
	return slices.Contains(explorations, test.Name) || test.Reruns == 1 && strings.HasPrefix(test.Name, "Search")
}

// worstWait is the longest wait for one bound in one test, and its run.
type worstWait struct {
	d      time.Duration
	design string
	seed   uint64
}

// measured is what a calibration found for one test.
type measured struct {
	worst      [nBounds]worstWait
	runs, fail int
	failed     string // the first failing run, if any
}

// measureWaits runs every test but the explorations over seeds(test) of
// its seeds (the grader's first) with the design f, on every core, with bounds
// far longer than the table's, and folds the longest waits into m.
func measureWaits(m map[string]*measured, name string, f raft.Factory, seeds func(*suite.Test) int) {
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
		var h *harness
		o := runWatched(j.test, j.seed, f, name, func(x *harness) { h, x.calibrating = x, true })
		mu.Lock()
		defer mu.Unlock()
		t := m[j.test.Name]
		if t == nil {
			t = &measured{}
			m[j.test.Name] = t
		}
		t.runs++
		if !o.Passed() {
			t.fail++
			if t.failed == "" {
				t.failed = fmt.Sprintf("%s, %s seed %d: %s", name, j.test.Name, j.seed, o.Describe())
			}
		}
		for b := range nBounds {
			if w := &t.worst[b]; h != nil && h.slowest[b] > w.d {
				*w = worstWait{h.slowest[b], name, j.seed}
			}
		}
	})
}

// derive is a bound from a worst wait: the margin over it, rounded up to
// 100 ms, and no less than the floor.
func derive(b bound, worst time.Duration) time.Duration {
	d := time.Duration(math.Ceil(float64(worst)*boundMargin/float64(100*suite.Ms))) * 100 * suite.Ms
	return max(d, boundFloor[b])
}

// TestBounds re-derives each test's liveness bounds: over every design the
// task allows, the reference's worst wait for an election and for a
// commit, times boundMargin, must stay within the test's bound in
// bounds.txt. By default it runs the reference over every test's default
// seeds and each other design over 3 seeds a test (about two gradings);
// the derivation in bounds.txt is every design over 1,000 seeds a test:
//
//	go test ./labs/raft/raftlab -run TestBounds -lab.sweep 1000 -update -v
func TestBounds(t *testing.T) {
	sweep := flag.Lookup("lab.sweep").Value.(flag.Getter).Get().(int)
	only := labtest.Tests()
	m := map[string]*measured{}
	for k, d := range Designs {
		seeds := func(test *suite.Test) int {
			switch {
			case len(only) > 0 && !slices.Contains(only, test.Name):
				return 0
			case sweep > 0:
				return sweep
			case k == 0:
				return max(test.Seeds, 1)
			}
			return 3
		}
		measureWaits(m, d.Name, d.Factory, seeds)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "# Liveness bounds per test (bounds.go): each is %.1fx the longest wait of the\n", boundMargin)
	fmt.Fprintf(&table, "# reference over %d seeds of the test in each design the task allows (bounds_test.go),\n", max(sweep, 3))
	fmt.Fprintf(&table, "# rounded up to 100 ms, at least %v for an election and %v for a commit. Derived by\n", boundFloor[electionWait], boundFloor[commitWait])
	table.WriteString("#   go test ./labs/raft/raftlab -run TestBounds -lab.sweep 1000 -update -v\n")
	table.WriteString("# test  election  commit    # worst election wait; worst commit wait\n")
	for _, test := range Lab.Tests {
		r := m[test.Name]
		if r == nil {
			continue
		}
		var got [nBounds]time.Duration
		for b := range nBounds {
			got[b] = derive(b, r.worst[b].d)
		}
		fmt.Fprintf(&table, "%s %v %v    # %v (%s, seed %d); %v (%s, seed %d)\n", test.Name, got[0], got[1],
			r.worst[0].d.Round(suite.Ms), r.worst[0].design, r.worst[0].seed, r.worst[1].d.Round(suite.Ms), r.worst[1].design, r.worst[1].seed)
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
			assert.LessOrEqual(t, got[b], want[b], "%s: the %v bound is %v, but %s waited %v (seed %d): with the %.1fx margin that needs %v; re-derive bounds.txt (-update) and say why in task.md",
				test.Name, b, want[b], w.design, w.d, w.seed, boundMargin, got[b])
		}
	}
	t.Logf("\n%s", table.String())
	if *updateBounds {
		require.Positive(t, sweep, "derive bounds.txt over -lab.sweep seeds (1000)")
		out := table.String()
		if len(only) > 0 {
			out = replaceLines(t, out, only)
		}
		require.NoError(t, os.WriteFile("bounds.txt", []byte(out), 0o644))
	}
}

// TestBoundsTable: every test but the explorations has its bounds, each at
// least its floor.
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

// TestBoundsCatchSlowRaft: the bounds are tight enough to matter. A Raft
// whose election timeouts are 1.2-2.4 s, four times the reference's and
// outside the task's range, waits past its tests' bounds in several tests
// at their first seed, all within the 5 s and 10 s the suite allowed before
// the bounds were calibrated.
func TestBoundsCatchSlowRaft(t *testing.T) {
	d := reference.Design{Timing: ms3(100, 1200, 2400)}
	f := raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node { return reference.NewDesign(id, apply, d) })
	old := [nBounds]time.Duration{electionWait: 5 * suite.Sec, commitWait: 10 * suite.Sec}
	var caught []string
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		var h *harness
		o := runWatched(test, firstSeed(test), f, "slow", func(x *harness) { h, x.calibrating = x, true })
		if h == nil || !o.Passed() {
			continue
		}
		for b := range nBounds {
			if w := h.slowest[b]; w > h.calibratedLimit(b) && w <= old[b] {
				caught = append(caught, fmt.Sprintf("%s (%v %v > %v)", test.Name, b, w.Round(suite.Ms), h.calibratedLimit(b)))
			}
		}
	}
	t.Logf("past the calibrated bound, within the old: %s", strings.Join(caught, ", "))
	assert.GreaterOrEqual(t, len(caught), 5)
}

// replaceLines is bounds.txt with the lines of the tests in only taken
// from derived, a table derived for those tests alone (-lab.tests): the
// other tests keep the lines of their own derivation.
func replaceLines(t *testing.T, derived string, only []string) string {
	old, err := os.ReadFile("bounds.txt")
	require.NoError(t, err)
	fresh := map[string]string{}
	for _, line := range strings.Split(derived, "\n") {
		if name, _, ok := strings.Cut(line, " "); ok && slices.Contains(only, name) {
			fresh[name] = line
		}
	}
	lines := strings.Split(string(old), "\n")
	for i, line := range lines {
		if name, _, ok := strings.Cut(line, " "); ok && fresh[name] != "" {
			lines[i] = fresh[name]
			delete(fresh, name)
		}
	}
	require.Empty(t, fresh, "bounds.txt has no line to replace for these tests")
	return strings.Join(lines, "\n")
}
