package series

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"
)

// Summarize returns the median of several runs of one series (one per
// seed) at every time any of them has a point, with Spread the lowest and
// highest value there. A run without a point at a time does not count
// there. The name, unit and Count are the first run's. With one run it
// returns that run with a zero-width spread.
//
// The median of an even number of values is the lower middle one (nearest
// rank), so that every point on the line is a value some run measured.
func Summarize(runs []Series) Series {
	if len(runs) == 0 {
		return Series{}
	}
	out := Series{Name: runs[0].Name, Unit: runs[0].Unit, Count: runs[0].Count}
	byT := map[time.Duration][]float64{}
	for _, r := range runs {
		for _, p := range r.Points {
			byT[p.T] = append(byT[p.T], p.V)
		}
	}
	times := make([]time.Duration, 0, len(byT))
	for t := range byT {
		times = append(times, t)
	}
	slices.Sort(times)
	for _, t := range times {
		vs := byT[t]
		sort.Float64s(vs)
		out.Add(t, Quantile(vs, 0.5))
		out.Spread = append(out.Spread, Range{T: t, Lo: vs[0], Hi: vs[len(vs)-1]})
	}
	return out
}

// OverSeeds runs a set's measurement with n consecutive seeds from first
// and returns one set whose series are the medians of the runs' series of
// the same name, each with its Spread (Summarize), and Seeds = n. Marks,
// guides, headline and axes are the first run's: they come from the
// scenario, not the seed. n <= 1 is the one run, unchanged. A failed run
// fails the whole, naming its seed; a series one run lacks is an error,
// since a median of the others would hide it.
//
// The runs go in parallel, up to GOMAXPROCS at once, so run must be safe
// to call concurrently (a simulation that shares no state between runs
// is); the result does not depend on the order they finish in.
func OverSeeds(run func(seed uint64) (Set, error), first uint64, n int) (Set, error) {
	if n <= 1 {
		return run(first)
	}
	sets, errs := make([]Set, n), make([]error, n)
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))
	for i := range n {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			sets[i], errs[i] = run(first + uint64(i))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return Set{}, fmt.Errorf("seed %d of %d..%d: %w", first+uint64(i), first, first+uint64(n-1), err)
		}
	}
	out := sets[0]
	out.Series = make([]Series, len(sets[0].Series))
	out.Seeds = n
	for j, s := range sets[0].Series {
		runs := []Series{s}
		for i, set := range sets[1:] {
			k := slices.IndexFunc(set.Series, func(o Series) bool { return o.Name == s.Name })
			if k < 0 {
				return Set{}, fmt.Errorf("seed %d has no series %q, which seed %d has", first+uint64(i+1), s.Name, first)
			}
			runs = append(runs, set.Series[k])
		}
		out.Series[j] = Summarize(runs)
	}
	return out, nil
}

// Memo returns run with its results kept: a second call with a seed
// returns a copy of the first call's set (or its error) without running
// again. A site build draws a scenario's charts once per build, and a
// test binary builds the site several times; a scenario's set depends
// only on its seed, so keeping it is safe. It is safe for concurrent use.
func Memo(run func(seed uint64) (Set, error)) func(seed uint64) (Set, error) {
	type result struct {
		set Set
		err error
	}
	var mu sync.Mutex
	done := map[uint64]*result{}
	return func(seed uint64) (Set, error) {
		mu.Lock()
		r, ok := done[seed]
		mu.Unlock()
		if !ok {
			set, err := run(seed)
			r = &result{set, err}
			mu.Lock()
			done[seed] = r
			mu.Unlock()
		}
		return r.set.Clone(), r.err
	}
}

// Clone returns a copy of the set that shares no slice with it.
func (s Set) Clone() Set {
	out := s
	out.Series = make([]Series, len(s.Series))
	for i, x := range s.Series {
		x.Points, x.Spread = slices.Clone(x.Points), slices.Clone(x.Spread)
		out.Series[i] = x
	}
	out.Marks, out.Headline = slices.Clone(s.Marks), slices.Clone(s.Headline)
	out.Guides = make([]Guide, len(s.Guides))
	for i, g := range s.Guides {
		g.Points = slices.Clone(g.Points)
		out.Guides[i] = g
	}
	if s.Series == nil {
		out.Series = nil
	}
	if s.Guides == nil {
		out.Guides = nil
	}
	return out
}
