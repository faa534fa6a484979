package sim

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The queue pops events in (at, seq) order under any mix of pushes and pops,
// with ties in time broken by seq.
func TestQueueOrder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		times int // distinct times: few, to force ties
	}{{"ties", 3}, {"spread", 1 << 20}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			var q queue
			var model []event
			seq := uint64(0)
			for step := range 20_000 {
				if rng.IntN(3) > 0 || len(q) == 0 {
					seq++
					e := event{at: int64(rng.IntN(tc.times)), seq: seq, id: seq}
					q.push(e)
					model = append(model, e)
					continue
				}
				slices.SortFunc(model, func(a, b event) int {
					if a.before(&b) {
						return -1
					}
					return 1
				})
				var got event
				q.pop(&got)
				require.Equal(t, model[0].seq, got.seq, "step %d", step)
				model = model[1:]
			}
			require.Len(t, q, len(model))
		})
	}
}
