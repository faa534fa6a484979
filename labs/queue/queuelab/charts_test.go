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
