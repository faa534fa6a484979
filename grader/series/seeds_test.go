package series

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummarize(t *testing.T) {
	run := func(vs ...float64) Series {
		s := Series{Name: "goodput", Unit: "calls/s", Count: true}
		for i, v := range vs {
			s.Add(time.Duration(i)*ms, v)
		}
		return s
	}
	tests := []struct {
		name   string
		runs   []Series
		want   []Point
		spread []Range
	}{
		{"none", nil, nil, nil},
		{"one", []Series{run(3, 4)}, []Point{{0, 3}, {ms, 4}}, []Range{{0, 3, 3}, {ms, 4, 4}}},
		{"odd", []Series{run(1, 9), run(5, 2), run(3, 4)}, []Point{{0, 3}, {ms, 4}}, []Range{{0, 1, 5}, {ms, 2, 9}}},
		{"even: the lower middle", []Series{run(1), run(2), run(3), run(4)}, []Point{{0, 2}}, []Range{{0, 1, 4}}},
		{"a shorter run counts where it has points", []Series{run(1, 7), run(3)}, []Point{{0, 1}, {ms, 7}}, []Range{{0, 1, 3}, {ms, 7, 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.runs)
			assert.Equal(t, tt.want, got.Points)
			assert.Equal(t, tt.spread, got.Spread)
			if len(tt.runs) > 0 {
				assert.Equal(t, "goodput", got.Name)
				assert.True(t, got.Count, "a count stays a count")
			}
		})
	}
}

func TestOverSeeds(t *testing.T) {
	mark := Interval{From: time.Second, To: 2 * time.Second, Label: "slowdown"}
	run := func(seed uint64) (Set, error) {
		s := Series{Name: "naive: goodput"}
		s.Add(0, float64(seed))
		set := Set{Series: []Series{s}, Marks: []Interval{mark}, Guides: []Guide{{V: 35, Label: "offered"}}}
		if seed == 4 {
			set.Series = nil
		}
		if seed == 6 {
			return set, errors.New("boom")
		}
		return set, nil
	}
	tests := []struct {
		name   string
		first  uint64
		n      int
		want   float64
		seeds  int
		spread []Range
		err    string
	}{
		{"one run is unchanged", 2, 1, 2, 0, nil, ""},
		{"three", 1, 3, 2, 3, []Range{{0, 1, 3}}, ""},
		{"a run without the series", 3, 2, 0, 0, nil, `seed 4 has no series "naive: goodput", which seed 3 has`},
		{"a failed run names its seed", 5, 3, 0, 0, nil, "seed 6 of 5..7: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := OverSeeds(run, tt.first, tt.n)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, set.Series, 1)
			assert.Equal(t, tt.want, set.Series[0].Points[0].V)
			assert.Equal(t, tt.spread, set.Series[0].Spread)
			assert.Equal(t, tt.seeds, set.Seeds)
			assert.Equal(t, []Interval{mark}, set.Marks)
			assert.Len(t, set.Guides, 1)
		})
	}
}

func TestMemo(t *testing.T) {
	calls := 0
	run := Memo(func(seed uint64) (Set, error) {
		calls++
		if seed == 9 {
			return Set{}, errors.New("no")
		}
		return Set{Series: []Series{{Name: "x", Points: []Point{{0, float64(seed)}}}}, Guides: []Guide{{Points: []Point{{0, 1}}}}}, nil
	})
	a, err := run(1)
	require.NoError(t, err)
	a.Series[0].Points[0].V = 99 // a caller's change does not reach the kept set
	a.Guides[0].Points[0].V = 99
	b, err := run(1)
	require.NoError(t, err)
	assert.Equal(t, 1.0, b.Series[0].Points[0].V)
	assert.Equal(t, 1.0, b.Guides[0].Points[0].V)
	_, err = run(9)
	require.Error(t, err)
	_, err = run(9)
	require.Error(t, err)
	assert.Equal(t, 2, calls, "each seed runs once")
}

// TestOverSeedsInOrder: the runs go in parallel, and the result is the
// same whatever order they finish in.
func TestOverSeedsInOrder(t *testing.T) {
	run := func(seed uint64) (Set, error) {
		s := Series{Name: "a"}
		for i := range 50 {
			s.Add(time.Duration(i)*ms, float64(seed*uint64(i)%7))
		}
		return Set{Series: []Series{s}}, nil
	}
	want, err := OverSeeds(run, 1, 9)
	require.NoError(t, err)
	for range 5 {
		got, err := OverSeeds(run, 1, 9)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}
