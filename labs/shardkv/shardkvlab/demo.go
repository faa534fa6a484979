package shardkvlab

import (
	"fmt"
	"time"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

func init() {
	suite.RegisterDemo(suite.Demo{
		Name:  "shardkv-hotshard",
		Title: "Sharding scales, a hot key does not",
		Description: "The reference sharded store under 24 busy clerks while replica groups join one by one, first with keys " +
			"spread over every shard, then with every clerk on one hot key. Each group serves at most 200 requests a " +
			"second: spread keys use the new groups, the hot key stays on one group whatever joins.",
		Lab: "shardkv", Seed: 1, Run: demoHotShard, Series: series.Memo(hotShardSet),
	})
}

// hotShardRun runs the HotShards test's workload with the reference and
// returns its two throughput curves.
func hotShardRun(seed uint64, sink trace.Sink) (spread, hot series.Series, err error) {
	test, ok := Lab.Test("HotShards")
	if !ok {
		return spread, hot, fmt.Errorf("shardkv has no HotShards test")
	}
	if Lab.Solution == nil {
		return spread, hot, edition.NoReference("the shardkv-hotshard demo, which runs the shardkv reference,")
	}
	measure := *test
	measure.Run = func(t *suite.T) { spread, hot = HotShardCurves(t) }
	o := suite.NewT(suite.Options{Lab: Lab, Test: &measure, Seed: seed, Impl: Lab.Solution, ImplName: "solution", Trace: sink}).Run()
	if !o.Passed() {
		return spread, hot, fmt.Errorf("shardkv-hotshard with seed %d: %s", seed, o.Describe())
	}
	return spread, hot, nil
}

func demoHotShard(seed uint64, sink trace.Sink) error {
	_, _, err := hotShardRun(seed, sink)
	return err
}

// hotShardSet charts throughput against the number of groups (series.AtX),
// a count: the x axis has whole-number ticks. The guide is what the groups
// could serve if the load were spread perfectly, one group's limit
// (1/hotService, 200 requests a second) times the groups.
func hotShardSet(seed uint64) (series.Set, error) {
	spread, hot, err := hotShardRun(seed, nil)
	if err != nil {
		return series.Set{}, err
	}
	spread.Name, hot.Name = "keys over every shard: throughput", "one hot key: throughput"
	perGroup := float64(time.Second / hotService)
	limit := series.Guide{Label: fmt.Sprintf("%.0f a second per group", perGroup)}
	for _, g := range hotGroups {
		limit.Points = append(limit.Points, series.Point{T: series.AtX(float64(g)), V: perGroup * float64(g)})
	}
	return series.Set{Series: []series.Series{spread, hot}, X: "%v", XTitle: "replica groups", XCount: true,
		Headline: []string{"throughput"}, Guides: []series.Guide{limit}}, nil
}
