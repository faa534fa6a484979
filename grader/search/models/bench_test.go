package models_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/search/models"
)

// BenchmarkPingPongBFS explores the reference pingpong (two clients, two
// requests each, a drop and a duplicate) breadth first to depth 14; the
// unique-states/s metric is the checker's throughput on one core.
func BenchmarkPingPongBFS(b *testing.B) {
	impl := implOf(b, "pingpong", "solution")
	var unique int
	for b.Loop() {
		m, err := models.PingPong(impl, 2, 2, search.Bounds{Drops: 1, Duplicates: 1})
		require.NoError(b, err)
		res, err := search.Check(m, search.Options{Strategy: search.BFS, Depth: 14, States: 200_000})
		require.NoError(b, err)
		require.Nil(b, res.Violation)
		unique += res.Stats.Unique
	}
	b.ReportMetric(float64(unique)/b.Elapsed().Seconds(), "unique-states/s")
}

// BenchmarkPingPongDFS is BenchmarkPingPongBFS depth first: it keeps one
// path, not a frontier, so it measures the checker's work with little of
// the memory growth a BFS frontier costs.
func BenchmarkPingPongDFS(b *testing.B) {
	impl := implOf(b, "pingpong", "solution")
	var unique int
	for b.Loop() {
		m, err := models.PingPong(impl, 2, 2, search.Bounds{Drops: 1, Duplicates: 1})
		require.NoError(b, err)
		res, err := search.Check(m, search.Options{Strategy: search.DFS, Depth: 14, States: 200_000})
		require.NoError(b, err)
		require.Nil(b, res.Violation)
		unique += res.Stats.Unique
	}
	b.ReportMetric(float64(unique)/b.Elapsed().Seconds(), "unique-states/s")
}
