package result

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/series"
)

func TestChartsJSON(t *testing.T) {
	ms := time.Millisecond
	even := series.Series{Name: "yours: goodput", Unit: "calls/s", Points: []series.Point{{T: 0, V: 70}, {T: 100 * ms, V: 69.87654}, {T: 200 * ms, V: 0}}}
	gaps := series.Series{Name: "yours: p99 latency", Unit: "ms", Points: []series.Point{{T: 0, V: 40}, {T: 300 * ms, V: math.NaN()}, {T: 500 * ms, V: 120}, {T: 600 * ms, V: 90}}}
	for _, tc := range []struct {
		name string
		in   Charts
		want Charts // after a round trip
		json string // a fragment the compact form holds
	}{
		{"evenly spaced points as start and step, values to 4 digits",
			Charts{Seed: 7, Set: series.Set{Series: []series.Series{even}}},
			Charts{Seed: 7, Set: series.Set{Series: []series.Series{{Name: "yours: goodput", Unit: "calls/s", Points: []series.Point{{T: 0, V: 70}, {T: 100 * ms, V: 69.88}, {T: 200 * ms, V: 0}}}}}},
			`{"name":"yours: goodput","unit":"calls/s","start_ms":0,"step_ms":100,"v":[70,69.88,0]}`},
		{"uneven points as a list; a NaN left out",
			Charts{Seed: 7, Set: series.Set{Series: []series.Series{gaps}}},
			Charts{Seed: 7, Set: series.Set{Series: []series.Series{{Name: "yours: p99 latency", Unit: "ms", Points: []series.Point{{T: 0, V: 40}, {T: 500 * ms, V: 120}, {T: 600 * ms, V: 90}}}}}},
			`"t_ms":[0,500,600],"v":[40,120,90]`},
		{"marks, guides, a curve's axis and the note",
			Charts{Seed: 1 << 60, Note: "the reference's curve is in the instructor edition",
				Set: series.Set{X: "%v×", XCount: true, XTitle: "groups", Headline: []string{"goodput"}, Marks: []series.Interval{{From: time.Second, To: 2 * time.Second, Label: "slowdown"}},
					Guides: []series.Guide{{Metric: "goodput", V: 170, Label: "bound ≥ 0.85× capacity"}, {Metric: "queue", Label: "bound ≤ 20 after 1s", Points: []series.Point{{T: time.Second, V: 20}, {T: 4 * time.Second, V: 20}}}}}},
			Charts{Seed: 1 << 60, Note: "the reference's curve is in the instructor edition",
				Set: series.Set{X: "%v×", XCount: true, XTitle: "groups", Headline: []string{"goodput"}, Marks: []series.Interval{{From: time.Second, To: 2 * time.Second, Label: "slowdown"}},
					Guides: []series.Guide{{Metric: "goodput", V: 170, Label: "bound ≥ 0.85× capacity"}, {Metric: "queue", Label: "bound ≤ 20 after 1s", Points: []series.Point{{T: time.Second, V: 20}, {T: 4 * time.Second, V: 20}}}}}},
			`"seed":"1152921504606846976"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(Test{Name: "T", Charts: &tc.in})
			require.NoError(t, err)
			assert.Contains(t, string(b), tc.json)
			var back Test
			require.NoError(t, json.Unmarshal(b, &back))
			require.NotNil(t, back.Charts)
			assert.Equal(t, tc.want, *back.Charts)
		})
	}
	b, err := json.Marshal(Test{Name: "T"})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "charts", "a test that recorded nothing says nothing")
}

func TestChartsMetrics(t *testing.T) {
	c := Charts{Set: series.Set{Headline: []string{"goodput", "queue"},
		Guides: []series.Guide{{Metric: "p99 latency", V: 400}, {Metric: "goodput", V: 56}, {V: 1}},
		Series: []series.Series{{Name: "yours: offered"}, {Name: "yours: goodput"}, {Name: "reference: queue"}, {Name: "reference: p99 latency"}}}}
	assert.Equal(t, []string{"p99 latency", "goodput", "queue", "offered"}, c.Metrics(), "judged first, then the headline, then the rest")
}
