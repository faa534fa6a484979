package run

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
)

// The student's own run, drawn (issue 25, item 5). A test that records
// its series (suite.T.Record: the overload and hot-shard tests) sends them
// back with the outcome of a run that failed, and, with Options.Charts,
// of the run a passing test reports (its last). The grader pairs them
// with the reference's run of the same seed, run in this process: the
// reference is the platform's own code. In the student edition there is
// no reference to run, and nothing precomputed stands in for it: a curve
// of the reference's queue or goodput over time shows how it sheds load,
// which is the lab's answer, not an aggregate rate.

// chartsWanted says which runs send back the series they recorded.
type chartsWanted string

const (
	chartsFailed chartsWanted = "failed" // a run that fails
	chartsAlways chartsWanted = "always" // any run
)

// Sides of a comparison, as chart legends name them (series.Series.Side).
const (
	sideYours     = "yours"
	sideReference = "reference"
)

// noReferenceNote is what charts say in the student edition.
const noReferenceNote = "the reference's curve for this seed is drawn only in the instructor edition; here: your run and the bounds the checks judged"

// of returns the charts of a run that ended as o, if w asks for them.
func (w chartsWanted) of(req request, o suite.Outcome, passed bool) *result.Charts {
	if o.Recording == nil || w == "" || (w == chartsFailed && passed) {
		return nil
	}
	return &result.Charts{Seed: req.Seed, Set: *o.Recording}
}

// chartsFor says which runs of items send back their series: every
// failing one, and with Options.Charts the last run of each test (the one
// a passing test reports).
func (o *Options) chartsFor(items []item) []chartsWanted {
	out := make([]chartsWanted, len(items))
	last := map[int]int{}
	for i, it := range items {
		out[i] = chartsFailed
		last[it.test] = i
	}
	if o.Charts {
		for _, i := range last {
			out[i] = chartsAlways
		}
	}
	return out
}

// pairCharts keeps the charts of the tests that failed (and, with
// Options.Charts, passed), each side named, beside the reference's run of
// the same seed when the edition has it. A test that could not be judged
// (an error) shows none: its run says nothing about the code.
func (o *Options) pairCharts(ctx context.Context, graded []*graded) {
	var todo []*result.Test
	for _, g := range graded {
		tr := &g.tr
		if tr.Charts == nil {
			continue
		}
		if tr.Status != result.Fail && (tr.Status != result.Pass || !o.Charts) {
			tr.Charts = nil
			continue
		}
		todo = append(todo, tr)
	}
	var wg sync.WaitGroup
	limit := make(chan struct{}, max(o.Parallel, 1))
	for _, tr := range todo {
		wg.Add(1)
		limit <- struct{}{}
		go func() {
			defer func() { <-limit; wg.Done() }()
			o.pair(ctx, tr)
		}()
	}
	wg.Wait()
}

// pair names the sides of one test's charts and adds the reference's.
func (o *Options) pair(ctx context.Context, tr *result.Test) {
	c := tr.Charts
	side := sideYours
	switch o.Impl {
	case "student":
	case "solution", "reference":
		side = sideReference
	default:
		side = o.Impl // mutant:<name>
	}
	c.Set.Series = sided(side, c.Set.Series)
	if side == sideReference {
		return
	}
	if o.Lab.Solution == nil {
		c.Note = noReferenceNote
		return
	}
	t, ok := o.Lab.Test(tr.Name)
	if !ok {
		return
	}
	req := o.request(t, c.Seed)
	req.Impl, req.Charts = "solution", chartsAlways
	ref := inProcess{r: &runner{lab: o.Lab}, name: "charts"}
	out := ref.exec(ctx, req)
	if out.Charts == nil {
		c.Note = fmt.Sprintf("the reference's run of seed %d recorded nothing to draw (%s)", c.Seed, out.Message)
		return
	}
	c.Set.Series = append(c.Set.Series, sided(sideReference, out.Charts.Set.Series)...)
	c.Set.Marks = union(c.Set.Marks, out.Charts.Set.Marks, func(a, b series.Interval) bool { return a == b })
	// A run stopped by a failed check judged fewer figures than the
	// reference's, which ran to the end: its bounds are marked too.
	c.Set.Guides = union(c.Set.Guides, out.Charts.Set.Guides, func(a, b series.Guide) bool { return a.Metric == b.Metric && a.Label == b.Label })
}

// sided names every series "side: metric".
func sided(side string, ss []series.Series) []series.Series {
	out := make([]series.Series, len(ss))
	for i, s := range ss {
		s.Name = side + ": " + s.Metric()
		out[i] = s
	}
	return out
}

// union returns a and the elements of b that a has no equal of.
func union[E any](a, b []E, eq func(x, y E) bool) []E {
	out := slices.Clone(a)
	for _, y := range b {
		if !slices.ContainsFunc(a, func(x E) bool { return eq(x, y) }) {
			out = append(out, y)
		}
	}
	return out
}
