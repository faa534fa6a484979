package shardkvlab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
)

// The hot-shard measurement: each group server takes in at most one clerk
// message per service time; 12 clerks run operations back to back; the
// figure is operations completed per second of virtual time in a window
// after the groups have joined.
const (
	hotService = 5 * time.Millisecond // 200 clerk messages a second per server
	hotClerks  = 12
	hotWarmUp  = time.Second
	hotWindow  = 2 * time.Second
)

// Bounds of the hot-shard test, relative to one group (stated in task.md):
// keys spread over every shard scale to at least these factors with 2 and
// 3 groups; one hot key stays within hotFlat of one group's throughput.
var (
	spreadScale = map[int]float64{2: 1.6, 3: 2.2}
	hotFlat     = 1.25
)

// hotGroups are the group counts the curves are measured at.
var hotGroups = []int{1, 2, 3}

// throughput runs one measurement: groups groups joined at once, the
// clerks on keys, and returns completed operations per second of virtual
// time in the window.
func throughput(t *suite.T, groups int, keys []string) float64 {
	c := newCluster(t, config{groups: groups, clerks: hotClerks, keys: keys, service: hotService})
	c.join(c.gids...)
	c.start()
	c.s.RunFor(hotWarmUp + hotWindow)
	from, to := hotWarmUp, hotWarmUp+hotWindow
	n := 0
	for _, o := range c.history {
		if o.returned && o.ret >= from && o.ret < to {
			n++
		}
	}
	c.t.Check("exactly once", checkExactlyOnce(c.history))
	return float64(n) / hotWindow.Seconds()
}

// HotShardCurves measures throughput over 1, 2 and 3 groups (x, with
// series.AtX) with keys spread over every shard and with one hot key: the
// two curves of the hot-shard test, for charts.
func HotShardCurves(t *suite.T) (spread, hot series.Series) {
	spread = series.Series{Name: "throughput, keys over every shard", Unit: "ops/s"}
	hot = series.Series{Name: "throughput, one hot key", Unit: "ops/s"}
	for _, g := range hotGroups {
		spread.Add(series.AtX(float64(g)), throughput(t, g, keysOverShards(3)))
		hot.Add(series.AtX(float64(g)), throughput(t, g, []string{"hot"}))
	}
	return spread, hot
}

func testHotShards(t *suite.T) {
	spread, hot := HotShardCurves(t)
	base, hotBase := spread.Points[0].V, hot.Points[0].V
	t.Logf("hot shards: spread %s ops/s, hot key %s ops/s (groups 1, 2, 3)", figures(spread), figures(hot))
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
