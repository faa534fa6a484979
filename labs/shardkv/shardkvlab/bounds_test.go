package shardkvlab

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
	"github.com/faultline-dev/faultline/labs/raft/raftlab"
)

var updateBounds = flag.Bool("update", false, "TestBounds: rewrite bounds.txt from the derivation (with -lab.sweep 1000)")

// fullDesigns are the designs a sweep runs over all its seeds: the
// reference Raft; the others run a tenth of them (bounds.txt names the
// design of each worst wait).
var fullDesigns = []string{"reference (100 ms heartbeats, 300-600 ms timeouts)"}

// worstRun is the longest wait or the worst figure, and its run.
type worstRun struct {
	v      float64
	design string
	seed   uint64
}

func (w worstRun) String() string {
	return fmt.Sprintf("%s, seed %d", w.design, w.seed)
}

// TestBounds re-derives each test's liveness bound (bounds.txt) and
// HotShards' scaling bounds from the reference running on every Raft
// design the Raft task allows (raftlab.Designs), and fails when a design's
// worst case times the margin passes a bound. By default it runs the
// reference Raft over 2 seeds of each test and each other design over
// one (90 runs, a third of a grading: the package's -race run stays
// within go test's 10 minutes on a loaded machine); the derivation runs
// 1,000:
//
//	go test ./labs/shardkv/shardkvlab -run TestBounds -lab.sweep 1000 -update -v
func TestBounds(t *testing.T) {
	require.NotEmpty(t, raftlab.Designs, "raftlab.Designs is empty: the student edition has no reference Raft")
	n := labtest.SweepSeeds()
	seeds := func(test *suite.Test, design string) int {
		switch {
		case n == 0 && design == raftlab.Designs[0].Name:
			return min(test.Seeds, 2)
		case n == 0:
			return 1
		case slices.Contains(fullDesigns, design):
			return n
		}
		return max(n/10, 1)
	}
	var (
		mu      sync.Mutex
		byT     = map[*suite.T][]*harness{}
		figs    = map[*suite.T][]suite.Figure{}
		waits   = map[string]worstRun{}
		hot     = map[string]worstRun{}
		runs    int
		failed  []string
		started = time.Now()
	)
	onHarness = func(c *harness) {
		mu.Lock()
		defer mu.Unlock()
		c.calibrating = true
		byT[c.t] = append(byT[c.t], c)
	}
	hotHook = func(st *suite.T, f []suite.Figure) {
		mu.Lock()
		defer mu.Unlock()
		figs[st] = f
	}
	defer func() { onHarness, hotHook = nil, nil }()
	type job struct {
		test   *suite.Test
		design raftlab.Design
		seed   uint64
	}
	var jobs []job
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		if test.Name == "CrashExploration" {
			continue // its scenario's waits are those of the tests it shortens; it takes boundMax
		}
		for _, d := range raftlab.Designs {
			if test.Name == "HotShards" && strings.Contains(d.Name, "batching") {
				// A leader that waits for its next heartbeat to
				// replicate holds each operation 0-100 ms longer:
				// 12 clerks then cannot fill even one group, and
				// throughput measures the clerks, not the groups.
				// task.md states the assumption.
				continue
			}
			for k := range seeds(test, d.Name) {
				jobs = append(jobs, job{test, d, grun.SeedFor(Lab.Name, test.Name, k)})
			}
		}
	}
	labtest.Parallel(jobs, func(j job) {
		st := suite.NewT(suite.Options{Lab: Lab, Test: j.test, Seed: j.seed, Impl: Lab.Solution, ImplName: "solution",
			Deps: map[string]any{"raft": j.design.Factory}})
		o := st.Run()
		mu.Lock()
		defer mu.Unlock()
		runs++
		if !o.Passed() {
			failed = append(failed, fmt.Sprintf("%s, %s seed %d: %s", j.design.Name, j.test.Name, j.seed, o.Describe()))
		}
		w := waits[j.test.Name]
		for _, c := range byT[st] {
			if s := c.slowest.Seconds(); s > w.v {
				w = worstRun{s, j.design.Name, j.seed}
			}
		}
		waits[j.test.Name] = w
		for _, f := range figs[st] {
			h, seen := hot[f.Name]
			if !seen || (f.Upper && f.Value > h.v) || (!f.Upper && f.Value < h.v) {
				hot[f.Name] = worstRun{f.Value, j.design.Name, j.seed}
			}
		}
		delete(byT, st)
		delete(figs, st)
	})
	t.Logf("%d runs in %v", runs, time.Since(started).Round(time.Second))
	for _, f := range failed {
		t.Error(f)
	}
	var lines []string
	for i := range Lab.Tests {
		name := Lab.Tests[i].Name
		w, ok := waits[name]
		if !ok {
			continue
		}
		worst := time.Duration(w.v * float64(time.Second))
		derived := deriveBound(worst)
		assert.LessOrEqual(t, time.Duration(float64(worst)*boundMargin), testBound(name),
			"%s: the worst wait %v (%s) times %.1f passes the bound %v in bounds.txt: re-derive it (-update)", name, worst.Round(time.Millisecond), w, boundMargin, testBound(name))
		lines = append(lines, fmt.Sprintf("%s %v    # %v (%s)", name, derived, worst.Round(time.Millisecond), w))
	}
	for name, w := range hot {
		if strings.HasPrefix(name, "hot-key") {
			assert.GreaterOrEqual(t, hotFlat, w.v+hotMargin, "HotShards: %s's worst %.2f (%s) is within %.2f of the bound %.2f", name, w.v, w, hotMargin, hotFlat)
		} else {
			var g int
			fmt.Sscanf(name, "spread throughput, %d groups", &g)
			assert.LessOrEqual(t, spreadScale[g], w.v-spreadMargin, "HotShards: %s's worst %.2f (%s) is within %.2f of the bound %.2f", name, w.v, w, spreadMargin, spreadScale[g])
		}
		t.Logf("HotShards: %-45s worst %.3f (%s)", name, w.v, w)
	}
	header := fmt.Sprintf("# Liveness bound per test (bounds.go): %.0fx the longest single wait of the reference\n"+
		"# over %s on every Raft design the Raft task allows (raftlab.Designs; the reference\n"+
		"# Raft over every seed, the others a tenth), rounded up to 100 ms,\n"+
		"# at least %v. Derived by\n"+
		"#   go test ./labs/shardkv/shardkvlab -run TestBounds -lab.sweep 1000 -update -v\n"+
		"# test  bound    # worst wait (design, seed)\n", boundMargin, seedsText(n), boundFloor)
	text := header + strings.Join(lines, "\n") + "\n"
	t.Logf("\n%s", text)
	if *updateBounds {
		require.GreaterOrEqual(t, n, 1000, "-update derives the bounds over -lab.sweep 1000 seeds or more")
		require.NoError(t, os.WriteFile("bounds.txt", []byte(text), 0o644))
	}
}

func seedsText(n int) string {
	if n == 0 {
		return "the default seeds"
	}
	return fmt.Sprintf("%d seeds of each test", n)
}

// deriveBound is a bound from a worst wait: the margin over it, rounded up
// to 100 ms, and no less than the floor.
func deriveBound(worst time.Duration) time.Duration {
	d := time.Duration(math.Ceil(float64(worst)*boundMargin/float64(100*time.Millisecond))) * 100 * time.Millisecond
	return max(d, boundFloor)
}
