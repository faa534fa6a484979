package sim

import (
	"math"
	"time"
)

// clock maps true virtual time to one node's reading:
// local(t) = baseLocal + (t - baseTrue) * rate, where rate = 1 + drift.
type clock struct {
	baseTrue, baseLocal int64
	rate                float64
}

func newClock(skew time.Duration, drift float64) clock {
	return clock{baseLocal: int64(skew), rate: 1 + drift}
}

func (c *clock) read(t int64) int64 {
	if c.rate == 1 {
		return c.baseLocal + t - c.baseTrue
	}
	return c.baseLocal + int64(float64(t-c.baseTrue)*c.rate)
}

// trueDelay converts a duration on this clock into true time, rounding up so
// that a timer never fires early by its own clock.
func (c *clock) trueDelay(d int64) int64 {
	if c.rate == 1 {
		return d
	}
	t := math.Ceil(float64(d) / c.rate)
	if t >= math.MaxInt64 { // a slow clock stretches a long delay past the end of time
		return math.MaxInt64
	}
	return int64(t)
}

// set steps the clock at true time t to read t+skew and run at 1+drift.
func (c *clock) set(t int64, skew time.Duration, drift float64) {
	*c = clock{baseTrue: t, baseLocal: t + int64(skew), rate: 1 + drift}
}
