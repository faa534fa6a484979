package run

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/faultline-dev/faultline/grader/result"
)

// Grade runs the lab's selected tests and returns the result. The error is
// for problems with the options; test failures are in the result. When ctx
// ends first, Grade returns what it graded so far, marked Interrupted,
// with ErrInterrupted.
//
// It goes in four stages: select the tests and plan their runs; run them
// all; judge each test by its reported run (after the determinism check);
// score.
func Grade(ctx context.Context, o Options) (*result.Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	tests, err := o.selectTests()
	if err != nil {
		return nil, err
	}
	p := o.newPool("p", o.Parallel)
	defer p.close()
	b := o.runAll(ctx, p, o.plan(tests))
	interrupted := ctx.Err() != nil
	graded := o.collect(tests, b, interrupted)
	if interrupted {
		for _, g := range graded {
			if j := g.rep; j != nil {
				o.verdict(j.t, j.it.seed, &j.out, j.tr)
			}
			g.tr.Charts = nil // no time left to pair them with the reference's
		}
	} else {
		o.judgeAll(ctx, p, b, graded)
		o.pairCharts(ctx, graded)
		interrupted = ctx.Err() != nil
	}
	res := o.score(graded)
	res.WallMS = time.Since(start).Milliseconds()
	if interrupted {
		res.Interrupted = true
		res.Status = result.Error
		return res, ErrInterrupted
	}
	return res, nil
}

// selectTests returns the indexes of the lab's tests that Run selects.
func (o *Options) selectTests() ([]int, error) {
	var tests []int
	for i, t := range o.Lab.Tests {
		if o.Run == nil || o.Run.MatchString(t.Name) {
			tests = append(tests, i)
		}
	}
	if len(tests) == 0 {
		return nil, fmt.Errorf("no test of lab %s matches %q (run 'faultline labs' to list them)", o.Lab.Name, o.Run)
	}
	return tests, nil
}

// batch is a grading's runs and how each ended: outs[i] is items[i]'s
// outcome when ran[i].
type batch struct {
	items []item
	outs  []outcome
	ran   []bool
}

// runAll runs every item on the pool in chunks, those the determinism
// check may run again fingerprinted as they run (markChecks). A test whose
// run hung or crashed its runner runs no more seeds: each would cost the
// watchdog again; they are marked runSkipped.
func (o *Options) runAll(ctx context.Context, p *pool, items []item) *batch {
	markChecks(items)
	charts := o.chartsFor(items)
	b := &batch{items: items, outs: make([]outcome, len(items)), ran: make([]bool, len(items))}
	stopped := make([]atomic.Bool, len(o.Lab.Tests))
	var done atomic.Int64
	finish := func(i int, out outcome) {
		b.outs[i], b.ran[i] = out, true
		if out.stops() {
			stopped[items[i].test].Store(true)
		}
		if o.Progress != nil {
			o.Progress(int(done.Add(1)), len(items))
		}
	}
	chunks := chunk(len(items), o.Parallel)
	p.each(ctx, len(chunks), func(ex executor, c int) {
		lo, hi := chunks[c][0], chunks[c][1]
		reqs := make([]request, hi-lo)
		for i := lo; i < hi; i++ {
			reqs[i-lo] = o.request(&o.Lab.Tests[items[i].test], items[i].seed)
			reqs[i-lo].Digest = items[i].digest
			reqs[i-lo].Charts = charts[i]
		}
		skip := func(k int) bool {
			if !stopped[items[lo+k].test].Load() {
				return false
			}
			finish(lo+k, outcome{Status: runSkipped})
			return true
		}
		ex.execAll(ctx, reqs, skip, func(k int, out outcome) { finish(lo+k, out) })
	})
	return b
}

// counted reports whether run i counts toward its test: it ran to an end
// (it was not skipped, nor stopped by the grading's end).
func (b *batch) counted(i int) bool {
	return b.ran[i] && b.outs[i].Status != runSkipped && b.outs[i].Kind != kindInterrupted
}

// graded is one selected test's result and, when it ran, its reported run.
type graded struct {
	tr  result.Test
	rep *reported // nil: not run
}

// collect makes each selected test's result from its runs: their count
// and wall time, and the reported run (its first failing one, else its
// last). A test with no run is left out (another shard runs it) or, when
// grading was interrupted, skipped.
func (o *Options) collect(tests []int, b *batch, interrupted bool) []*graded {
	byTest := make([][]int, len(o.Lab.Tests))
	for i, it := range b.items {
		if b.counted(i) {
			byTest[it.test] = append(byTest[it.test], i)
		}
	}
	var out []*graded
	for _, ti := range tests {
		t := &o.Lab.Tests[ti]
		g := &graded{tr: result.Test{Name: t.Name, Part: t.Part, Points: t.Points, Description: t.Description, Lesson: t.Lesson, Status: result.Pass}}
		runs := byTest[ti]
		if len(runs) == 0 {
			if !interrupted {
				continue
			}
			g.tr.Status, g.tr.Message = result.Skipped, "not run: grading was interrupted"
			out = append(out, g)
			continue
		}
		report := runs[len(runs)-1]
		for _, i := range runs {
			g.tr.Seeds++
			g.tr.WallMS += float64(b.outs[i].Wall.Microseconds()) / 1000
		}
		for _, i := range runs {
			if !b.outs[i].passed() {
				report = i
				break
			}
		}
		it := b.items[report]
		g.tr.Seed, g.tr.VirtualMS, g.tr.Replay = it.seed, b.outs[report].Virtual.Milliseconds(), o.replay(t, it.seed)
		g.tr.Charts = b.outs[report].Charts
		g.rep = &reported{t: t, it: it, out: b.outs[report], tr: &g.tr, checks: o.checks(report, runs, b.items, b.outs)}
		out = append(out, g)
	}
	return out
}

// judgeAll runs the determinism check, in runners of its own (runner
// processes that ran none of the runs they check), then judges each test
// by its reported run, in parallel.
func (o *Options) judgeAll(ctx context.Context, p *pool, b *batch, graded []*graded) {
	var judged []*reported
	for _, g := range graded {
		if g.rep != nil {
			judged = append(judged, g.rep)
		}
	}
	o.verify(ctx, p, judged, b)
	p.each(ctx, len(judged), func(ex executor, i int) {
		o.judge(ctx, ex, judged[i])
	})
}

// score puts the graded tests into a result: a passing test scores its
// points; the result's status is the worst of its tests' (an error above a
// failure).
func (o *Options) score(graded []*graded) *result.Result {
	res := &result.Result{Version: result.Version, Lab: o.Lab.Name, Impl: o.Impl, Status: result.Pass}
	if o.ShardCount > 1 {
		res.Shard = fmt.Sprintf("%d/%d", o.ShardIndex, o.ShardCount)
	}
	for _, g := range graded {
		tr := g.tr
		if tr.Status == result.Pass {
			tr.Score = tr.Points
		}
		res.Score += tr.Score
		res.MaxScore += tr.Points
		switch {
		case tr.Status == result.Error:
			res.Status = result.Error
		case tr.Status == result.Fail && res.Status != result.Error:
			res.Status = result.Fail
		}
		res.Tests = append(res.Tests, tr)
	}
	return res
}

// plan lists every (test, seed) in order; this shard keeps every n-th.
func (o *Options) plan(tests []int) []item {
	var items []item
	g := 0
	for _, ti := range tests {
		t := &o.Lab.Tests[ti]
		n := max(t.Seeds, 1)
		if o.Seeds > 0 {
			n = o.Seeds
		}
		for i := range n {
			seed := SeedFor(o.Lab.Name, t.Name, i)
			if o.Seed != 0 {
				if i > 0 {
					break
				}
				seed = o.Seed
			}
			if g%o.ShardCount == o.ShardIndex-1 {
				items = append(items, item{test: ti, seed: seed, index: i})
			}
			g++
		}
	}
	return items
}

// markChecks marks the runs of each test that the determinism check may
// run again, to be fingerprinted as they run: the first, the middle and
// the last of its seeds (the last is the run a passing test reports).
// Fingerprinting costs about as much per event as the run itself, so the
// other runs go without.
func markChecks(items []item) {
	byTest := map[int][]int{}
	var order []int
	for i, it := range items {
		if _, ok := byTest[it.test]; !ok {
			order = append(order, it.test)
		}
		byTest[it.test] = append(byTest[it.test], i)
	}
	for _, t := range order {
		runs := byTest[t]
		for _, i := range []int{runs[0], runs[len(runs)/2], runs[len(runs)-1]} {
			items[i].digest = true
		}
	}
}

// checks picks the runs of a test to run again: the reported one and the
// fingerprinted others, at least minChecks re-runs in all (the reported
// seed again when the test ran fewer seeds; once for a replay of one seed,
// Options.Seed). Runs that hung, crashed or
// were given up are not run again: they would only do it again.
func (o *Options) checks(report int, runs []int, items []item, outs []outcome) []int {
	if outs[report].stops() || outs[report].Status == runError {
		return nil
	}
	want := minChecks
	if n := o.Lab.Tests[items[report].test].Reruns; n > 0 {
		want = n
	}
	if o.Seed != 0 {
		want = 1 // a replay of one run: checked once, as it always was
	}
	checks := []int{report}
	for _, i := range runs {
		if len(checks) < want && i != report && items[i].digest && !outs[i].stops() && outs[i].Status != runError {
			checks = append(checks, i)
		}
	}
	for len(checks) < want {
		checks = append(checks, report)
	}
	return checks
}

// chunk cuts n runs into consecutive batches for the workers: small
// enough that every worker stays busy to the end, large enough that a
// runner process is never idle between two runs.
func chunk(n, workers int) [][2]int {
	size := max(1, min(16, n/(4*max(workers, 1))))
	var out [][2]int
	for lo := 0; lo < n; lo += size {
		out = append(out, [2]int{lo, min(lo+size, n)})
	}
	return out
}
