package shardkvlab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft/kvhistory"
)

// The hot-shard measurement, in one run: each group server takes in at
// most one clerk message per service time; 12 clerks run operations back
// to back. Groups join one by one (1, 2, 3 groups); after each join the
// shards migrate for hotJoinSettle and the throughput with keys spread
// over every shard is counted over hotWindow, then every clerk switches
// to one hot key and, once the queues hold only hot-key requests
// (hotSwitchSettle), it is counted again. The first phase starts
// hotJoinSettle after every clerk has completed an operation (the
// controllers and the first group elect their leaders first, as slowly
// as the Raft task allows).
//
// Why this shape (issue 23): a run of 0.5 s windows costs a fifth of the
// former single run of 1 s windows at 24 clerks and 5 ms (no groups leave
// and join again for the hot key, and half the operations a second), so
// that the test runs 20 seeds like every other within the budget. Per
// seed the counts are noisier (about 50 operations with one group, not
// 200); across the 20 seeds the grade counts about five times as many
// operations as the single run did, and the bounds below are calibrated
// on the reference over 1,000 seeds (task.md, "Hot shards: the bounds").
const (
	hotService      = 10 * time.Millisecond // 100 clerk messages a second per server
	hotClerks       = 12
	hotJoinSettle   = 500 * time.Millisecond
	hotSwitchSettle = 150 * time.Millisecond
	hotWindow       = 500 * time.Millisecond
)

// Bounds of the hot-shard test, relative to one group (stated in task.md,
// re-derived by TestHotShardBounds): keys spread over every shard scale
// to at least these factors with 2 and 3 groups; one hot key stays
// within hotFlat of one group's throughput.
var (
	spreadScale = map[int]float64{2: 1.3, 3: 1.8}
	hotFlat     = 1.25
)

// The margins of HotShards' bounds (TestBounds re-derives them): each
// scaling factor stays at least spreadMargin below the reference's lowest
// over 1,000 seeds, the hot-key factor at least hotMargin above its
// highest.
const (
	spreadMargin = 0.1
	hotMargin    = 0.1
)

// hotGroups are the group counts the curves are measured at.
var hotGroups = []int{1, 2, 3}

// HotShardCurves runs the measurement and returns its two curves,
// throughput over the number of groups (x, with series.AtX): keys spread
// over every shard, and one hot key.
func HotShardCurves(t *suite.T) (spread, hot series.Series) {
	c := newHarness(t, config{groups: len(hotGroups), clerks: hotClerks, keys: keysOverShards(3), service: hotService})
	spread = series.Series{Name: "throughput, keys over every shard", Unit: "ops/s"}
	hot = series.Series{Name: "throughput, one hot key", Unit: "ops/s"}
	measure := func(into *series.Series, groups int, settle time.Duration) {
		c.s.RunFor(settle)
		from := c.s.Now()
		c.s.RunFor(hotWindow)
		n := 0
		for _, o := range c.rec.History {
			if o.Returned && o.Ret >= from && o.Ret < c.s.Now() {
				n++
			}
		}
		into.Add(series.AtX(float64(groups)), float64(n)/hotWindow.Seconds())
	}
	spreadKeys := c.cfg.keys
	c.join(c.gids[0])
	c.start()
	c.wait(func() bool { return c.returned >= hotClerks })
	for i, g := range hotGroups {
		if i > 0 {
			c.join(c.gids[i])
		}
		c.cfg.keys = spreadKeys
		measure(&spread, g, hotJoinSettle)
		c.cfg.keys = []string{"hot"}
		measure(&hot, g, hotSwitchSettle)
	}
	c.t.Check("exactly once", kvhistory.ExactlyOnce(c.rec.History))
	return spread, hot
}

// hotFigures are the figures HotShards grades: the spread throughput with
// 2 and 3 groups and the hot key's highest, each relative to one group's.
func hotFigures(spread, hot series.Series) []suite.Figure {
	base, hotBase := spread.Points[0].V, hot.Points[0].V
	var out []suite.Figure
	for i, g := range hotGroups {
		if want, ok := spreadScale[g]; ok {
			out = append(out, suite.Figure{Name: fmt.Sprintf("spread throughput, %d groups (× one)", g), Value: ratio(spread.Points[i].V, base), Bound: want})
		}
	}
	worst := 0.0
	for _, p := range hot.Points[1:] {
		worst = max(worst, ratio(p.V, hotBase))
	}
	return append(out, suite.Figure{Name: "hot-key throughput, most groups (× one)", Value: worst, Bound: hotFlat, Upper: true})
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

func testHotShards(t *suite.T) {
	spread, hot := HotShardCurves(t)
	base, hotBase := spread.Points[0].V, hot.Points[0].V
	// The run's own curves and the bounds judged on them, drawn when it fails (issue 25.5).
	t.Record(func() series.Set {
		return series.Set{Series: []series.Series{spread, hot}, X: "%v", XTitle: "replica groups", XCount: true}
	})
	t.Guide(series.Guide{Metric: spread.Name, Label: fmt.Sprintf("bound ≥ %.1f×, %.1f× one group", spreadScale[2], spreadScale[3]), Points: []series.Point{{T: series.AtX(2), V: spreadScale[2] * base}, {T: series.AtX(3), V: spreadScale[3] * base}}})
	t.Guide(series.Guide{Metric: hot.Name, Label: fmt.Sprintf("bound ≤ %g× one group", hotFlat), V: hotFlat * hotBase})
	t.Logf("hot shards: spread %s ops/s, hot key %s ops/s (groups 1, 2, 3)", figures(spread), figures(hot))
	if hotHook != nil {
		hotHook(t, hotFigures(spread, hot))
	}
	if base <= 0 || hotBase <= 0 {
		t.Check("throughput", fmt.Errorf("no throughput: with one group, %v operations a second completed with keys spread and %v with one hot key; clerks must finish operations", base, hotBase))
	}
	for i, g := range hotGroups {
		if want, ok := spreadScale[g]; ok && spread.Points[i].V < want*base {
			t.Check("scaling", fmt.Errorf("does not scale: with %d groups and keys over every shard, throughput is %.0f ops/s, %.2f× one group's %.0f; want at least %.1f×: does each group serve only its shards, and do clerks go straight to the group that owns the key?", g, spread.Points[i].V, spread.Points[i].V/base, base, want))
		}
		if hot.Points[i].V > hotFlat*hotBase {
			t.Check("hot key", fmt.Errorf("hot key scaled: with %d groups, one hot key gets %.0f ops/s, %.2f× one group's %.0f; one key lives in one shard on one group, so more groups cannot help (is the measurement broken?)", g, hot.Points[i].V, hot.Points[i].V/hotBase, hotBase))
		}
	}
	t.Check("scaling", nil)
	t.Check("hot key", nil)
}

func figures(s series.Series) string {
	out := ""
	for i, p := range s.Points {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%.0f", p.V)
	}
	return out
}
