package run

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/faultline-dev/faultline/grader/result"
)

// Mutants grades every mutant of the lab and reports which test caught
// each, with the seed. A mutant stops at its first failing run: its runs go
// out in the grading's order (tests, then seeds), so the first failing run
// in that order is found whatever the parallelism, and every later run is
// skipped. Runs of different mutants share the Parallel executors. o.Impl
// is ignored; nothing is shrunk or traced.
func Mutants(ctx context.Context, o Options) (*result.Mutation, error) {
	start := time.Now()
	o.Impl = "solution"
	if err := o.defaults(); err != nil {
		return nil, err
	}
	tests, err := o.selectTests()
	if err != nil {
		return nil, err
	}
	plan := o.plan(tests)
	type job struct {
		mutant int
		it     item
	}
	var jobs []job
	for m := range o.Lab.Mutants {
		for _, it := range plan {
			jobs = append(jobs, job{m, it})
		}
	}
	first := make([]atomic.Int64, len(o.Lab.Mutants))
	for i := range first {
		first[i].Store(math.MaxInt64)
	}
	outs := make([]outcome, len(jobs))
	p := o.newPool("m", o.Parallel)
	defer p.close()
	var done atomic.Int64
	p.each(ctx, len(jobs), func(ex executor, i int) {
		j := jobs[i]
		if first[j.mutant].Load() < int64(i) {
			return // already caught by an earlier run
		}
		req := o.request(&o.Lab.Tests[j.it.test], j.it.seed)
		req.Impl = "mutant:" + o.Lab.Mutants[j.mutant].Name
		outs[i] = ex.exec(ctx, req)
		if !outs[i].passed() && outs[i].Kind != kindInterrupted && outs[i].Status != runGaveUp {
			for {
				cur := first[j.mutant].Load()
				if int64(i) >= cur || first[j.mutant].CompareAndSwap(cur, int64(i)) {
					break
				}
			}
		}
		if o.Progress != nil {
			o.Progress(int(done.Add(1)), len(jobs))
		}
	})
	if ctx.Err() != nil {
		return nil, fmt.Errorf("run: mutants: %w", ErrInterrupted)
	}
	m := &result.Mutation{Version: result.Version, Lab: o.Lab.Name}
	for k, mu := range o.Lab.Mutants {
		mr := result.MutationResult{Name: mu.Name, Description: mu.Description}
		if i := first[k].Load(); i != math.MaxInt64 {
			j, out := jobs[i], outs[i]
			mr.Caught, mr.CaughtBy, mr.Seed = true, o.Lab.Tests[j.it.test].Name, j.it.seed
			mr.Message, _, _ = strings.Cut(out.Message, "\n")
			m.Caught++
		}
		m.Total++
		m.Mutants = append(m.Mutants, mr)
	}
	m.WallMS = time.Since(start).Milliseconds()
	return m, nil
}
