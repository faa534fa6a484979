package queuelab

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/labs/queue"
)

func impl(t *testing.T, name string) queue.Factory {
	t.Helper()
	f, err := Lab.Impl(name)
	require.NoError(t, err)
	return f.(queue.Factory)
}

// TestGoodputCurve: past capacity the reference keeps goodput near
// capacity while the naive FIFO (unbounded, no deadlines) collapses. The
// log is the table of the lab's report.
func TestGoodputCurve(t *testing.T) {
	loads := []float64{0.5, 1, 2, 5}
	ref, err := GoodputCurve(impl(t, "solution"), 1, loads)
	require.NoError(t, err)
	naive, err := GoodputCurve(impl(t, "mutant:naive-fifo"), 1, loads)
	require.NoError(t, err)
	var b strings.Builder
	fmt.Fprintf(&b, "load  reference  naive FIFO (goodput, × capacity)\n")
	for i, load := range loads {
		fmt.Fprintf(&b, "%4g×  %9.2f  %10.2f\n", load, ref.Points[i].V, naive.Points[i].V)
		if load >= 2 {
			assert.GreaterOrEqual(t, ref.Points[i].V, goodputOverload, "reference at %g×", load)
			assert.Less(t, naive.Points[i].V, 0.3, "naive FIFO at %g×", load)
		}
	}
	assert.InDelta(t, 0.5, ref.Points[0].V, 0.05, "at 0.5× both serve what is offered")
	assert.InDelta(t, 0.5, naive.Points[0].V, 0.05, "at 0.5× both serve what is offered")
	t.Log("\n" + b.String())
}

// TestNumberInSystemMM1 checks the lab against queueing theory: a FIFO
// server with one worker and exponential service has ρ/(1−ρ) requests in
// the system on average (M/M/1). The reference bounds its delay, so it
// holds fewer as ρ nears 1.
func TestNumberInSystemMM1(t *testing.T) {
	rhos := []float64{0.2, 0.5, 0.7, 0.8}
	naive, theory, err := NumberInSystem(impl(t, "mutant:naive-fifo"), 1, rhos, 200*time.Second)
	require.NoError(t, err)
	ref, _, err := NumberInSystem(impl(t, "solution"), 1, rhos, 200*time.Second)
	require.NoError(t, err)
	var b strings.Builder
	fmt.Fprintf(&b, "ρ     M/M/1  naive FIFO  reference (mean number in system)\n")
	for i, rho := range rhos {
		want, got := theory.Points[i].V, naive.Points[i].V
		fmt.Fprintf(&b, "%.1f  %5.2f  %10.2f  %9.2f\n", rho, want, got, ref.Points[i].V)
		assert.InEpsilon(t, want, got, 0.15, "FIFO at ρ = %g: measured %.2f, M/M/1 %.2f", rho, got, want)
		assert.LessOrEqual(t, ref.Points[i].V, got*1.05, "the reference holds no more than FIFO at ρ = %g", rho)
	}
	t.Log("\n" + b.String())
}

// TestBurstQueue: after the 5× burst the reference's queue is empty within
// 300 ms; the naive FIFO's is still long a second later.
func TestBurstQueue(t *testing.T) {
	at := func(s series.Series, x float64) float64 {
		v := 0.0
		for _, p := range s.Points {
			if p.T.Seconds() <= x+1e-9 {
				v = p.V
			}
		}
		return v
	}
	ref, err := BurstQueue(impl(t, "solution"), 1)
	require.NoError(t, err)
	naive, _ := BurstQueue(impl(t, "mutant:naive-fifo"), 1)
	assert.Greater(t, at(ref, 0.9), 0.0, "the burst fills the reference's queue")
	assert.LessOrEqual(t, at(ref, 1.3), float64(workers), "the reference's queue drains at once")
	assert.Greater(t, at(naive, 2.0), 100.0, "the naive FIFO's backlog outlives the burst")
}

// TestMeasure: every graded workload can be measured outside the grader,
// and its series are sane: goodput never above what was admitted, and
// the server's reported queue length agrees with the lab's.
func TestMeasure(t *testing.T) {
	for name := range scenarios {
		t.Run(name, func(t *testing.T) {
			all, err := Measure(name, impl(t, "solution"), 2)
			require.NoError(t, err)
			byName := map[string]series.Series{}
			for _, s := range all {
				byName[s.Name] = s
			}
			for _, want := range []string{"offered", "admitted", "goodput", "wasted", "rejected", "queue length", "queue length reported", "latency p50", "latency p99"} {
				require.Contains(t, byName, want)
			}
			sum := func(s series.Series) float64 {
				total := 0.0
				for _, p := range s.Points {
					total += p.V
				}
				return total
			}
			assert.LessOrEqual(t, sum(byName["goodput"]), sum(byName["admitted"])+1e-9)
			assert.Positive(t, sum(byName["offered"]))
			assert.False(t, math.IsNaN(sum(byName["latency p99"])))
		})
	}
	_, err := Measure("NoSuchTest", impl(t, "solution"), 1)
	assert.Error(t, err)
}

// TestLittleExact: the lab's own books obey Little's law exactly (the
// time-average of its count of waiting requests is λW), so the tolerance of
// the LittlesLaw test is only for the server's sampled QueueLen.
func TestLittleExact(t *testing.T) {
	for _, name := range []string{"Underload", "LittlesLaw", "FloodingClient", "ClosedLoop"} {
		h, err := measure(scenarios[name](), impl(t, "solution"), 3)
		require.NoError(t, err)
		f := h.figures()
		assert.InEpsilon(t, f.lambda*f.w, f.trueL, 1e-9, name)
		assert.InDelta(t, f.trueL, f.reportedL, 0.05*f.trueL+0.2, "%s: the reference's sampled QueueLen", name)
	}
}

// mm1ChartSeeds is how many seeds lesson 05's M/M/1 chart runs (its
// `seeds:`); TestMM1QueueingDelay checks the figure that chart draws.
const mm1ChartSeeds = 5

// TestMM1QueueingDelay checks the M/M/1 chart against theory where it is
// hardest to match, at ρ = 0.9: the median over the chart's seeds of the
// FIFO server's mean queueing delay, from runs of mm1Duration(0.9) = 800 s,
// is within 15% of ρ/(μ(1−ρ)) = 180 ms. One 800 s run's mean varies by
// about 12% from seed to seed at ρ = 0.9 (the variance of an M/M/1
// time-average, Whitt 1989), so the median of five is well inside 15%; a
// run of 20 s (the chart's length before issue 25) gives about half the
// theory. The reference sheds load and stays well below.
func TestMM1QueueingDelay(t *testing.T) {
	const rho, tolerance = 0.9, 0.15
	require.Equal(t, 800*time.Second, mm1Duration(rho))
	fifo, ref := impl(t, "mutant:naive-fifo"), impl(t, "solution")
	var delays, numbers []float64
	var want, wantL float64
	for seed := uint64(1); seed <= mm1ChartSeeds; seed++ {
		m, err := MeasureMM1(fifo, seed, []float64{rho}, mm1Duration)
		require.NoError(t, err)
		delays, numbers = append(delays, m.Delay.Points[0].V), append(numbers, m.Number.Points[0].V)
		want, wantL = m.DelayTheory.Points[0].V, m.NumberTheory.Points[0].V
	}
	require.InDelta(t, 180, want, 0.1, "M/M/1 at ρ = 0.9 with a 20 ms mean service")
	median := series.Summarize(asRuns(delays)).Points[0].V
	t.Logf("queueing delay at ρ = %g over seeds 1–%d: %.0f ms median (runs %.0f), M/M/1 %.0f ms; number in system %.2f, M/M/1 %.0f",
		rho, mm1ChartSeeds, median, delays, want, series.Summarize(asRuns(numbers)).Points[0].V, wantL)
	assert.InEpsilon(t, want, median, tolerance, "median queueing delay %.0f ms against M/M/1's %.0f ms", median, want)
	assert.InEpsilon(t, wantL, series.Summarize(asRuns(numbers)).Points[0].V, tolerance)

	short, err := MeasureMM1(fifo, 1, []float64{rho}, func(float64) time.Duration { return 20 * time.Second })
	require.NoError(t, err)
	assert.Less(t, short.Delay.Points[0].V, (1-tolerance)*want, "a 20 s run is too short to match the theory at ρ = 0.9 (else this test checks nothing)")

	r, err := MeasureMM1(ref, 1, []float64{rho}, func(float64) time.Duration { return 100 * time.Second })
	require.NoError(t, err)
	assert.Less(t, r.Delay.Points[0].V, want/2, "the reference sheds load and stays below the theory")
}

// asRuns makes one-point series of values, one per run, for Summarize.
func asRuns(vs []float64) []series.Series {
	out := make([]series.Series, len(vs))
	for i, v := range vs {
		out[i].Add(0, v)
	}
	return out
}
