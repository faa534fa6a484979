package series

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ms = time.Millisecond

func TestCounterRate(t *testing.T) {
	tests := []struct {
		name  string
		width time.Duration
		adds  []time.Duration
		want  []Point
		sum   float64 // over [0, 200ms)
	}{
		{"empty", 100 * ms, nil, []Point{}, 0},
		{"one bucket", 100 * ms, []time.Duration{0, 10 * ms, 99 * ms}, []Point{{0, 30}}, 3},
		{"gap", 100 * ms, []time.Duration{5 * ms, 250 * ms}, []Point{{0, 10}, {100 * ms, 0}, {200 * ms, 10}}, 1},
		{"negative counts first", 1 * time.Second, []time.Duration{-ms}, []Point{{0, 1}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCounter(tt.width)
			for _, at := range tt.adds {
				c.Add(at, 1)
			}
			s := c.Rate("arrivals", "1/s")
			assert.Equal(t, "arrivals", s.Name)
			assert.Equal(t, tt.want, s.Points)
			assert.Equal(t, tt.sum, c.Sum(0, 200*ms))
		})
	}
}

func TestQuantile(t *testing.T) {
	vals := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		q    float64
		want float64
	}{{0, 1}, {0.5, 5}, {0.9, 9}, {0.99, 10}, {1, 10}}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Quantile(vals, tt.q), "q=%v", tt.q)
	}
	assert.True(t, math.IsNaN(Quantile(nil, 0.5)))
}

func TestSamplerPercentile(t *testing.T) {
	s := NewSampler(100 * ms)
	for i := 1; i <= 100; i++ {
		s.Add(10*ms, float64(i))
	}
	s.Add(250*ms, 7)
	p99 := s.Percentile("p99", "ms", 0.99)
	require.Len(t, p99.Points, 2, "empty buckets have no point")
	assert.Equal(t, Point{0, 99}, p99.Points[0])
	assert.Equal(t, Point{200 * ms, 7}, p99.Points[1])
	assert.Len(t, s.All(0, 100*ms), 100)
	assert.Equal(t, []float64{7}, s.All(100*ms, time.Second))
	mean, ok := p99.Mean(0, time.Second)
	assert.True(t, ok)
	assert.Equal(t, 53.0, mean)
}

func TestPeakInWindow(t *testing.T) {
	times := []time.Duration{1 * ms, 2 * ms, 50 * ms, 51 * ms, 52 * ms, 59 * ms, 60 * ms, 200 * ms}
	tests := []struct {
		name     string
		window   time.Duration
		from, to time.Duration
		wantN    int
		wantAt   time.Duration
	}{
		{"burst", 10 * ms, 0, time.Second, 4, 50 * ms},
		{"from cuts the burst", 10 * ms, 52 * ms, time.Second, 3, 52 * ms},
		{"to cuts the window", 10 * ms, 0, 55 * ms, 2, 1 * ms},
		{"wide", time.Second, 0, 2 * time.Second, 8, 1 * ms},
		{"nothing", 10 * ms, 300 * ms, time.Second, 0, 300 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, at := PeakInWindow(times, tt.window, tt.from, tt.to)
			assert.Equal(t, tt.wantN, n)
			assert.Equal(t, tt.wantAt, at)
		})
	}
}

// TestPeakMatchesBruteForce checks the sliding window against counting every
// window that starts on a millisecond.
func TestPeakMatchesBruteForce(t *testing.T) {
	var times []time.Duration
	for i := 0; i < 300; i++ {
		times = append(times, time.Duration((i*i*7919)%1000)*ms)
	}
	slices.Sort(times)
	for _, window := range []time.Duration{ms, 7 * ms, 50 * ms} {
		want := 0
		for s := time.Duration(0); s+window <= time.Second; s += ms {
			n := 0
			for _, x := range times {
				if x >= s && x < s+window {
					n++
				}
			}
			want = max(want, n)
		}
		got, _ := PeakInWindow(times, window, 0, time.Second)
		assert.Equal(t, want, got, "window %v", window)
	}
}

func TestGauge(t *testing.T) {
	g := NewGauge(100 * ms)
	g.Set(10*ms, 3)
	g.Set(20*ms, 7)
	g.Set(30*ms, 1)
	g.Set(250*ms, 0)
	assert.Equal(t, []Point{{0, 7}, {200 * ms, 0}}, g.Series("queue", "attempts").Points)
}

func TestSideAndMetric(t *testing.T) {
	tests := []struct{ name, side, metric string }{
		{"naive: goodput", "naive", "goodput"},
		{"goodput", "", "goodput"},
		{"reference: p99 latency", "reference", "p99 latency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Series{Name: tt.name}
			assert.Equal(t, tt.side, s.Side())
			assert.Equal(t, tt.metric, s.Metric())
		})
	}
}

func TestEvery(t *testing.T) {
	s := Series{Name: "goodput", Unit: "calls/s", Points: []Point{{0, 10}, {100 * ms, 20}, {200 * ms, 30}, {300 * ms, 40}, {700 * ms, 5}}}
	tests := []struct {
		name  string
		width time.Duration
		want  []Point
	}{
		{"same width", 100 * ms, s.Points},
		{"pairs", 200 * ms, []Point{{0, 15}, {200 * ms, 35}, {600 * ms, 5}}},
		{"all", time.Second, []Point{{0, 21}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Every(tt.width)
			assert.Equal(t, "goodput", got.Name)
			assert.Equal(t, "calls/s", got.Unit)
			assert.Equal(t, tt.want, got.Points)
		})
	}
	assert.Empty(t, (&Series{}).Every(ms).Points)
	assert.Equal(t, []Point{{0, 20}, {200 * ms, 40}, {600 * ms, 5}}, s.EveryMax(200*ms).Points)
}

// TestZeroRates: a rate nothing was counted into is drawn as zeros at the
// times of the longest series; a latency with nothing measured stays empty.
func TestZeroRates(t *testing.T) {
	offered := Series{Name: "offered", Unit: "requests/s"}
	offered.Add(0, 10)
	offered.Add(50*time.Millisecond, 20)
	got := ZeroRates([]Series{offered, {Name: "goodput", Unit: "requests/s"}, {Name: "latency p99", Unit: "ms"}})
	assert.Equal(t, []Point{{T: 0, V: 0}, {T: 50 * time.Millisecond, V: 0}}, got[1].Points)
	assert.Empty(t, got[2].Points)
	assert.Len(t, got[0].Points, 2)
}
