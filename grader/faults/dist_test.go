package faults

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestPCGDrawsWhatRandDraws holds PCG to its promise: the same numbers as a
// rand.Rand over an identical PCG, draw for draw, so that runs replay the
// same whichever the simulator uses.
func TestPCGDrawsWhatRandDraws(t *testing.T) {
	bounds := []int64{1, 2, 3, 7, 8, 1000, 1 << 20, 30_000_001, 1<<62 + 1, 1<<63 - 1}
	for seed := uint64(1); seed <= 20; seed++ {
		p, _ := NewPCG(rand.NewPCG(seed, seed*7))
		r := rand.New(rand.NewPCG(seed, seed*7))
		for i := range 2000 {
			switch i % 3 {
			case 0:
				if a, b := p.Float64(), r.Float64(); a != b {
					t.Fatalf("seed %d draw %d: Float64 %v, rand.Rand %v", seed, i, a, b)
				}
			case 1:
				n := bounds[i/3%len(bounds)]
				if a, b := p.Int64N(n), r.Int64N(n); a != b {
					t.Fatalf("seed %d draw %d: Int64N(%d) %d, rand.Rand %d", seed, i, n, a, b)
				}
			default:
				if a, b := p.ExpFloat64(), r.ExpFloat64(); a != b {
					t.Fatalf("seed %d draw %d: ExpFloat64 %v, rand.Rand %v", seed, i, a, b)
				}
			}
		}
	}
}

func TestSamplePCGMatchesSample(t *testing.T) {
	ms := time.Millisecond
	dists := map[string]Dist{
		"constant":    Fixed(5 * ms),
		"uniform":     Between(ms, 30*ms),
		"empty range": Between(3*ms, 3*ms),
		"exponential": {Kind: Exponential, Min: Duration(ms), Mean: Duration(10 * ms), Max: Duration(40 * ms)},
		"longtail":    {Kind: LongTail, Min: Duration(ms), Max: Duration(5 * ms), TailProb: 0.1, TailMin: Duration(100 * ms), TailMax: Duration(time.Second)},
	}
	for name, d := range dists {
		t.Run(name, func(t *testing.T) {
			p, _ := NewPCG(rand.NewPCG(42, 43))
			r := rand.New(rand.NewPCG(42, 43))
			for i := range 1000 {
				if a, b := d.SamplePCG(p), d.Sample(r); a != b {
					t.Fatalf("draw %d: SamplePCG %v, Sample %v", i, a, b)
				}
			}
		})
	}
}

func TestPCGInt64NRejectsNonPositive(t *testing.T) {
	p, _ := NewPCG(rand.NewPCG(1, 2))
	for _, n := range []int64{0, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Int64N(%d) did not panic", n)
				}
			}()
			p.Int64N(n)
		}()
	}
}
