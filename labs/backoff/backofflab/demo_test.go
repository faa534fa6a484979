package backofflab

import (
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStormStaysBroken: the storm chart runs long enough to show that the
// naive group stays broken after its trigger, in every seed of lesson 04's
// chart (9 seeds), while the reference recovers; the offered load is a
// guide on the goodput and arrivals charts, and the queue is a count.
func TestStormStaysBroken(t *testing.T) {
	set, err := series.OverSeeds(stormSet, 1, 9)
	require.NoError(t, err)
	get := func(name string) series.Series {
		for _, s := range set.Series {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no series %q", name)
		return series.Series{}
	}
	naive, ref := get("naive: goodput"), get("reference: goodput")
	require.Equal(t, len(naive.Points), len(naive.Spread))
	last := naive.Points[len(naive.Points)-1].T
	assert.GreaterOrEqual(t, last, stormEnd-stormChart, "the chart runs to stormEnd")
	assert.GreaterOrEqual(t, stormEnd-stormUntil, 5*time.Second, "long enough after the trigger to call it stuck")
	for i, p := range naive.Points {
		if p.T >= stormUntil+1500*time.Millisecond {
			assert.Zero(t, naive.Spread[i].Hi, "naive goodput at %v in some seed", p.T)
		}
	}
	for _, p := range ref.Points {
		if p.T >= stormUntil+time.Second {
			assert.Greater(t, p.V, 0.6*stormRate, "reference goodput (median) at %v", p.T)
		}
	}
	assert.True(t, get("naive: queue").Count)
	guides := map[string]bool{}
	for _, g := range set.Guides {
		guides[g.Metric] = g.V == stormRate
	}
	assert.Equal(t, map[string]bool{"goodput": true, "server arrivals": true}, guides)
}

// BenchmarkStormSet is one seed of the storm chart, run untraced for 10 s
// (the site runs it for each seed of a chart block, once per build).
func BenchmarkStormSet(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := stormSet(1); err != nil {
			b.Fatal(err)
		}
	}
}
