package models_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/search/models"
)

// cpuTime is the process's CPU time (user and system, every thread: the
// collector's workers too), so that a benchmark's throughput does not
// depend on how busy the machine is, as its wall time does.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	require.NoError(tb, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPingPong explores the reference pingpong (two clients, two
// requests each, a drop and a duplicate) to depth 14 with strategy st.
// It reports unique states per wall second and per CPU second; the
// second is the checker's throughput (run with -cpu 1 for one core).
func benchPingPong(b *testing.B, st search.Strategy) {
	impl := implOf(b, "pingpong", "solution")
	var unique int
	cpu0 := cpuTime(b)
	for b.Loop() {
		m, err := models.PingPong(impl, 2, 2, search.Bounds{Drops: 1, Duplicates: 1})
		require.NoError(b, err)
		res, err := search.Check(m, search.Options{Strategy: st, Depth: 14, States: 200_000})
		require.NoError(b, err)
		require.Nil(b, res.Violation)
		unique += res.Stats.Unique
	}
	cpu := cpuTime(b) - cpu0
	b.ReportMetric(float64(unique)/b.Elapsed().Seconds(), "unique-states/s")
	b.ReportMetric(float64(unique)/cpu.Seconds(), "unique-states/cpu-s")
}

// BenchmarkPingPongBFS: breadth first, the frontier held in memory.
func BenchmarkPingPongBFS(b *testing.B) { benchPingPong(b, search.BFS) }

// BenchmarkPingPongDFS: depth first, one path held: the checker's work
// with little of the memory growth a BFS frontier costs.
func BenchmarkPingPongDFS(b *testing.B) { benchPingPong(b, search.DFS) }
