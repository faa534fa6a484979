package queuelab

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/series"
)

// TestOverloadChartsShowTheCollapse: the demo's charts are real runs, and
// they show what lesson 5 says they show: under the burst the reference's
// goodput stays near capacity with a short queue, while the FIFO server's
// queue grows tenfold and its goodput collapses and stays down.
func TestOverloadChartsShowTheCollapse(t *testing.T) {
	set, err := overloadSet(1)
	require.NoError(t, err)
	get := func(name string) *series.Series {
		for i := range set.Series {
			if set.Series[i].Name == name {
				return &set.Series[i]
			}
		}
		t.Fatalf("no series %q", name)
		return nil
	}
	peak := func(s *series.Series) float64 {
		m := 0.0
		for _, p := range s.Points {
			m = max(m, p.V)
		}
		return m
	}
	during := func(s *series.Series) float64 {
		v, ok := s.Mean(1500*time.Millisecond, 2500*time.Millisecond)
		require.True(t, ok, s.Name)
		return v
	}
	capacity := labConfig().Capacity()
	assert.Greater(t, during(get("reference: goodput")), 0.75*capacity)
	assert.Less(t, during(get("unbounded FIFO: goodput")), 0.1*capacity)
	after, ok := get("unbounded FIFO: goodput").Mean(3*time.Second, 5*time.Second)
	require.True(t, ok)
	assert.Less(t, after, 0.1*capacity, "the stale backlog keeps goodput down after the burst")
	assert.Greater(t, peak(get("unbounded FIFO: queue length")), 10*peak(get("reference: queue length")))
}

// TestChartGuides: each chart set carries the lines a reader compares the
// runs with: the offered load in steps and the capacity, the most a server
// can do against offered load, and M/M/1's curves; queue lengths are
// counts.
func TestChartGuides(t *testing.T) {
	capacity := chartLoad().cfg.Capacity()
	tests := []struct {
		name   string
		set    func(uint64) (series.Set, error)
		guides map[string][]series.Point // label: the first points
		counts []string
	}{
		{"overload", overloadSet, map[string][]series.Point{
			"offered load": {{T: 0, V: 0.5 * capacity}, {T: time.Second, V: 0.5 * capacity}, {T: time.Second, V: 3 * capacity}},
		}, []string{"reference: queue length", "unbounded FIFO: queue length"}},
		{"curves", curvesSet, map[string][]series.Point{
			"all offered work, up to capacity": {{T: 0, V: 0}, {T: series.AtX(1), V: 1}, {T: series.AtX(5), V: 1}},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := tt.set(1)
			require.NoError(t, err)
			for label, want := range tt.guides {
				i := -1
				for j, g := range set.Guides {
					if g.Label == label {
						i = j
					}
				}
				require.GreaterOrEqual(t, i, 0, "no guide %q", label)
				require.GreaterOrEqual(t, len(set.Guides[i].Points), len(want))
				assert.InDeltaSlice(t, values(want), values(set.Guides[i].Points[:len(want)]), 1e-9)
			}
			for _, s := range set.Series {
				want := false
				for _, c := range tt.counts {
					want = want || s.Name == c
				}
				assert.Equal(t, want, s.Count, s.Name)
				if s.Count {
					for _, p := range s.Points {
						assert.Equal(t, float64(int(p.V)), p.V, "%s at %v is a whole number", s.Name, p.T)
					}
				}
			}
		})
	}
}

func values(ps []series.Point) []float64 {
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p.V + p.T.Seconds()*1e6 // a wrong time fails too
	}
	return out
}

// TestChartsOverSeeds: the demos' sets can be run over several seeds in
// parallel (the site does, for a chart block with seeds:), and the result
// is the same as running them one by one.
func TestChartsOverSeeds(t *testing.T) {
	set, err := series.OverSeeds(overloadSet, 1, 3)
	require.NoError(t, err)
	assert.Equal(t, 3, set.Seeds)
	var runs []series.Series
	for seed := uint64(1); seed <= 3; seed++ {
		one, err := overloadSet(seed)
		require.NoError(t, err)
		runs = append(runs, one.Series[0])
	}
	assert.Equal(t, series.Summarize(runs), set.Series[0])
}

// BenchmarkChartSets is one seed of each queue chart, untraced, as the
// site runs it for each seed of a chart block, once per build.
func BenchmarkChartSets(b *testing.B) {
	for _, bb := range []struct {
		name string
		set  func(uint64) (series.Set, error)
	}{{"overload", overloadSet}, {"curves", curvesSet}, {"mm1", mm1Set}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := bb.set(1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
