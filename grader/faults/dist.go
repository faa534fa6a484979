package faults

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"time"
)

// Distribution kinds.
const (
	Constant    = "constant"    // always Min
	Uniform     = "uniform"     // uniform in [Min, Max]
	Exponential = "exponential" // Min plus an exponential with mean Mean, capped at Max when Max > 0
	LongTail    = "longtail"    // uniform in [Min, Max], but with probability TailProb uniform in [TailMin, TailMax]
)

// Dist is a latency distribution. The zero Dist is a constant zero latency.
type Dist struct {
	Kind     string   `json:"kind"`
	Min      Duration `json:"min,omitempty"`
	Max      Duration `json:"max,omitempty"`
	Mean     Duration `json:"mean,omitempty"`
	TailProb float64  `json:"tail_prob,omitempty"`
	TailMin  Duration `json:"tail_min,omitempty"`
	TailMax  Duration `json:"tail_max,omitempty"`
}

// Fixed returns a constant distribution.
func Fixed(d time.Duration) Dist { return Dist{Kind: Constant, Min: Duration(d)} }

// Between returns a uniform distribution over [lo, hi].
func Between(lo, hi time.Duration) Dist {
	return Dist{Kind: Uniform, Min: Duration(lo), Max: Duration(hi)}
}

// Sample draws one latency from r.
func (d Dist) Sample(r *rand.Rand) time.Duration { return sample(d, r) }

// SamplePCG draws one latency from r, as Sample does from a rand.Rand over
// the same PCG.
func (d Dist) SamplePCG(r PCG) time.Duration { return sample(d, r) }

// draws is what a Dist samples from. sample is instantiated for PCG, a
// struct, so its draws are direct calls that inline, and for *rand.Rand.
type draws interface {
	Float64() float64
	Int64N(n int64) int64
	ExpFloat64() float64
}

func sample[R draws](d Dist, r R) time.Duration {
	switch d.Kind {
	case Uniform:
		return uniform(r, d.Min, d.Max)
	case Exponential:
		v := time.Duration(d.Min) + time.Duration(r.ExpFloat64()*float64(d.Mean))
		if d.Max > 0 && v > time.Duration(d.Max) {
			v = time.Duration(d.Max)
		}
		return v
	case LongTail:
		if r.Float64() < d.TailProb {
			return uniform(r, d.TailMin, d.TailMax)
		}
		return uniform(r, d.Min, d.Max)
	default:
		return time.Duration(d.Min)
	}
}

func uniform[R draws](r R, lo, hi Duration) time.Duration {
	if hi <= lo {
		return time.Duration(lo)
	}
	return time.Duration(lo) + time.Duration(r.Int64N(int64(hi-lo)+1))
}

// PCG draws from a PCG exactly what a rand.Rand over it draws on a 64-bit
// machine, without the rand.Rand's interface call to its source on every
// draw: the simulator draws a message's loss, latency and duplication for
// every message sent. Float64 and Int64N follow math/rand/v2's algorithms
// (Int64N: Lemire's multiply-and-reject, "Fast Random Integer Generation
// in an Interval", 2019), with 64-bit arithmetic on every machine (a
// rand.Rand on a 32-bit one reduces small bounds another way); ExpFloat64
// goes through the rand.Rand, which shares the PCG.
type PCG struct {
	src *rand.PCG
	r   *rand.Rand
}

// NewPCG returns the draws of src, and the rand.Rand over src that gives
// the same stream.
func NewPCG(src *rand.PCG) (PCG, *rand.Rand) {
	r := rand.New(src)
	return PCG{src: src, r: r}, r
}

// Float64 returns a number in [0, 1): 53 random bits.
func (p PCG) Float64() float64 { return float64(p.src.Uint64()<<11>>11) / (1 << 53) }

// Int64N returns a number in [0, n); it panics if n <= 0.
func (p PCG) Int64N(n int64) int64 {
	if n <= 0 {
		panic("faults: Int64N of a bound that is not positive")
	}
	u := uint64(n)
	if u&(u-1) == 0 {
		return int64(p.src.Uint64() & (u - 1))
	}
	hi, lo := bits.Mul64(p.src.Uint64(), u)
	if lo < u {
		thresh := -u % u
		for lo < thresh {
			hi, lo = bits.Mul64(p.src.Uint64(), u)
		}
	}
	return int64(hi)
}

// ExpFloat64 returns an exponential draw of mean 1.
func (p PCG) ExpFloat64() float64 { return p.r.ExpFloat64() }

// Validate reports the first problem with d; field names d in the message.
func (d Dist) Validate(field string) error {
	neg := func(name string, v Duration) error {
		if v < 0 {
			return fmt.Errorf("%s.%s: %v is negative (latencies must be >= 0)", field, name, v)
		}
		return nil
	}
	for _, c := range []struct {
		name string
		v    Duration
	}{{"min", d.Min}, {"max", d.Max}, {"mean", d.Mean}, {"tail_min", d.TailMin}, {"tail_max", d.TailMax}} {
		if err := neg(c.name, c.v); err != nil {
			return err
		}
	}
	switch d.Kind {
	case "", Constant:
	case Uniform:
		if d.Max < d.Min {
			return fmt.Errorf("%s: max %v is below min %v", field, d.Max, d.Min)
		}
	case Exponential:
		if d.Mean <= 0 {
			return fmt.Errorf("%s.mean: must be > 0 for an exponential distribution", field)
		}
	case LongTail:
		if d.Max < d.Min {
			return fmt.Errorf("%s: max %v is below min %v", field, d.Max, d.Min)
		}
		if d.TailMax < d.TailMin {
			return fmt.Errorf("%s: tail_max %v is below tail_min %v", field, d.TailMax, d.TailMin)
		}
		if err := probability(field+".tail_prob", d.TailProb); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%s.kind: unknown distribution %q (want constant, uniform, exponential or longtail)", field, d.Kind)
	}
	return nil
}

func probability(field string, p float64) error {
	if math.IsNaN(p) || p < 0 || p > 1 {
		return fmt.Errorf("%s: %v is outside [0, 1]", field, p)
	}
	return nil
}
