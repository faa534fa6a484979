package reference

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
)

// TestBackoffCeilingMatchesModel compares the ceiling with the same formula
// in floating point, which cannot overflow, for attempt counts far past 64.
func TestBackoffCeilingMatchesModel(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 2, 5, 6, 30, 38, 39, 63, 64, 65, 100, 1000, math.MaxInt} {
		// Ldexp saturates to +Inf for large exponents, but its own exponent
		// arithmetic wraps at MaxInt, hence the clamp.
		model := math.Min(float64(MaxBackoff), math.Ldexp(float64(BaseBackoff), min(max(n, 0), 1<<20)))
		assert.Equal(t, time.Duration(model), backoffCeiling(n), "attempt %d", n)
	}
	for n := 1; n < 200; n++ {
		assert.LessOrEqual(t, backoffCeiling(n-1), backoffCeiling(n), "the ceiling never shrinks (attempt %d)", n)
	}
}

// TestFullJitterStaysInRange draws waits for attempt counts past 64 and
// checks each lies in [0, ceiling] and that they spread over the range.
func TestFullJitterStaysInRange(t *testing.T) {
	tests := []struct {
		name    string
		attempt int
	}{{"first", 1}, {"fifth", 5}, {"capped", 10}, {"past 64", 70}, {"huge", 1 << 40}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &client{env: fakeEnv{r: rand.New(rand.NewPCG(1, 2))}}
			ceiling := backoffCeiling(tt.attempt)
			lo, hi := ceiling, time.Duration(0)
			for range 2000 {
				w := c.backoff(tt.attempt)
				assert.True(t, w >= 0 && w <= ceiling, "wait %v outside [0, %v]", w, ceiling)
				lo, hi = min(lo, w), max(hi, w)
			}
			assert.Less(t, lo, ceiling/10, "full jitter reaches near zero")
			assert.Greater(t, hi, ceiling*9/10, "full jitter reaches near the ceiling")
		})
	}
}

// TestThrottleWindowMatchesBruteForce compares the bucketed window with
// summing every event whose bucket is one of the last ten.
func TestThrottleWindowMatchesBruteForce(t *testing.T) {
	type event struct {
		at                time.Duration
		attempts, accepts float64
	}
	r := rand.New(rand.NewPCG(3, 4))
	var w throttleWindow
	var events []event
	now := time.Duration(0)
	for i := range 3000 {
		// Mostly small steps, sometimes a gap longer than the window.
		step := time.Duration(r.IntN(int(40 * time.Millisecond)))
		if i%200 == 0 {
			step = 3 * ThrottleWindow / 2
		}
		now += step
		e := event{now, float64(r.IntN(2)), float64(r.IntN(2))}
		events = append(events, e)
		w.add(e.at, e.attempts, e.accepts)

		gotA, gotOK := w.sums(now)
		var wantA, wantOK float64
		for _, e := range events {
			if e.at/throttleBucket > now/throttleBucket-10 {
				wantA += e.attempts
				wantOK += e.accepts
			}
		}
		if !assert.Equal(t, wantA, gotA, "attempts at %v", now) || !assert.Equal(t, wantOK, gotOK, "accepts at %v", now) {
			return
		}
	}
}

// fakeEnv is just enough of node.Env for the backoff draw; any other
// method would panic on the nil Env.
type fakeEnv struct {
	node.Env
	r *rand.Rand
}

func (e fakeEnv) Rand() *rand.Rand { return e.r }
