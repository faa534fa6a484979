package run

import (
	"context"
	"fmt"
	"sync"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/suite"
)

// minChecks is how many re-runs in another runner each test gets at
// least: the reported run and two more of its seeds.
const minChecks = 3

// reported is a test's reported run and what the determinism check found.
type reported struct {
	t   *suite.Test
	it  item
	out outcome
	tr  *result.Test
	// checks are the runs (indexes into the grading's items) to run again
	// elsewhere, the reported one first; a seed may appear more than once
	// when the test ran fewer than minChecks seeds.
	checks []int
	// diff is the first check whose re-run differed, if any.
	diff *difference
	// hash fingerprints the reported run when it was not fingerprinted as
	// it ran (found by verify).
	hash string
}

// difference is a seed whose re-run in another runner gave another run.
type difference struct {
	seed        uint64
	orig, again outcome
}

// verify runs every test's checks again in runners that ran none of the
// grading's runs (DESIGN.md decision 13). A failing test's checks run in a
// runner of their own, the reported run first: as its replay command would
// run it, alone in a fresh process, so that a failure caused by state kept
// from earlier runs (in a package variable, or in a library's, such as
// encoding/gob's type registry) shows as a re-run that passes. A passing
// test's checks share Parallel fresh runners (a process of its own for
// each would cost a runner's warm-up per test): they run there after other
// tests' checks, in another order than they first ran. Iteration over a Go
// map, whose order differs from run to run and process to process, shows
// in any of them. In-process, a fresh runner struct is all there is:
// package state is still shared, and only runner processes isolate it.
//
// A reported failing run that was not fingerprinted is first run again,
// fingerprinted, in one of the grading's runners (p), which had run
// others before it as the original had.
func (o *Options) verify(ctx context.Context, p *pool, judged []*reported, b *batch) {
	sem := make(chan struct{}, o.Parallel)
	shared := o.newPool("v", o.Parallel) // a runner process starts at its first run
	defer shared.close()
	var wg sync.WaitGroup
	for n, j := range judged {
		if len(j.checks) == 0 {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			first, ok := o.fingerprint(ctx, p, j, b)
			if !ok {
				return
			}
			var ex executor
			if j.out.passed() {
				ex = <-shared.free
				defer func() { shared.free <- ex }()
			} else {
				ex = o.newExecutor(fmt.Sprintf("f%d", n+1))
				defer ex.close()
			}
			o.runChecks(ctx, ex, j, b, first)
		}()
	}
	wg.Wait()
}

// fingerprint returns the reported run's outcome with its hash: as it ran,
// or, when it was not fingerprinted, from a run again in one of the
// grading's runners (p), which had run others before it as the original
// had. ok is false when there is nothing more to check: the grading ended,
// or that run already differed (j.diff).
func (o *Options) fingerprint(ctx context.Context, p *pool, j *reported, b *batch) (first *outcome, ok bool) {
	first = &b.outs[j.checks[0]]
	if first.Hash != "" {
		return first, true
	}
	seed := b.items[j.checks[0]].seed
	req := o.request(j.t, seed)
	req.Digest = true
	ex := <-p.free
	again := ex.exec(ctx, req)
	p.free <- ex
	if again.Kind == kindInterrupted {
		return nil, false
	}
	if again.signature() != first.signature() {
		j.diff = &difference{seed: seed, orig: *first, again: again}
		return nil, false
	}
	j.hash = again.Hash
	return &again, true
}

// runChecks runs j's checks again on ex and keeps the first that differs
// from its original run (first stands for the reported run's) in j.diff.
func (o *Options) runChecks(ctx context.Context, ex executor, j *reported, b *batch, first *outcome) {
	orig := func(k int) *outcome {
		if k == 0 {
			return first
		}
		return &b.outs[j.checks[k]]
	}
	reqs := make([]request, len(j.checks))
	for k, i := range j.checks {
		reqs[k] = o.request(j.t, b.items[i].seed)
		reqs[k].Digest = true
	}
	var mu sync.Mutex // an executor may report from more than one goroutine
	ex.execAll(ctx, reqs, func(int) bool { return false }, func(k int, again outcome) {
		orig := orig(k)
		if again.Kind == kindInterrupted || again.Hash == orig.Hash && again.signature() == orig.signature() {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if j.diff == nil {
			j.diff = &difference{seed: b.items[j.checks[k]].seed, orig: *orig, again: again}
		}
	})
}
