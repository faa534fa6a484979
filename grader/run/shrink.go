package run

import (
	"context"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/suite"
)

// shrink reduces a failing run by delta debugging (Zeller and Hildebrandt,
// "Simplifying and Isolating Failure-Inducing Input", TSE 2002) over its
// removable items: it keeps removing chunks of scheduled faults and
// workload steps while the run still fails the same way (the same status
// and failure kind) in no more events than the smallest failing run so
// far: a shrunk run is never longer than the original.
func (o *Options) shrink(ctx context.Context, ex executor, t *suite.Test, seed uint64, orig *outcome) *result.Shrink {
	want := orig.signature()
	all := orig.Items
	runs := 0
	best := orig
	fails := func(keep []suite.Item) bool {
		if runs >= o.MaxShrinkRuns || ctx.Err() != nil {
			return false
		}
		runs++
		req := o.request(t, seed)
		req.Drop = dropOf(all, keep)
		out := ex.exec(ctx, req)
		if out.signature() == want && out.Events <= best.Events {
			best = &out
			return true
		}
		return false
	}
	keep := all
	n := 2
	for len(keep) >= 2 && runs < o.MaxShrinkRuns {
		chunks := split(keep, n)
		reduced := false
		for i := range chunks {
			complement := without(chunks, i)
			if fails(complement) {
				keep = complement
				n = max(n-1, 2)
				reduced = true
				break
			}
		}
		if !reduced {
			if n >= len(keep) {
				break
			}
			n = min(2*n, len(keep))
		}
	}
	if len(keep) == 1 && fails(nil) {
		keep = nil
	}
	s := &result.Shrink{OriginalItems: len(all), ShrunkItems: len(keep), OriginalEvents: orig.Events, ShrunkEvents: best.Events, Runs: runs}
	drop := dropOf(all, keep)
	for _, it := range drop {
		s.Removed = append(s.Removed, it.String())
	}
	if len(drop) > 0 && !o.NoTraces {
		if path, err := o.writeTrace(ctx, ex, t, seed, drop, "-shrunk"); err == nil {
			s.Trace = path
			s.Replay = "faultline grade --replay " + path + o.referenceFlags()
		}
	}
	return s
}

// dropOf returns the items of all that are not in keep, in order.
func dropOf(all, keep []suite.Item) []suite.Item {
	kept := make(map[suite.Item]bool, len(keep))
	for _, it := range keep {
		kept[it] = true
	}
	var drop []suite.Item
	for _, it := range all {
		if !kept[it] {
			drop = append(drop, it)
		}
	}
	return drop
}

// split cuts items into n nearly equal chunks.
func split(items []suite.Item, n int) [][]suite.Item {
	var out [][]suite.Item
	size := len(items) / n
	rest := len(items) % n
	at := 0
	for i := range n {
		k := size
		if i < rest {
			k++
		}
		if k == 0 {
			continue
		}
		out = append(out, items[at:at+k])
		at += k
	}
	return out
}

func without(chunks [][]suite.Item, skip int) []suite.Item {
	var out []suite.Item
	for i, c := range chunks {
		if i != skip {
			out = append(out, c...)
		}
	}
	return out
}
