package search

// Shrinking a counterexample. BFS finds a shortest path; a random walk
// (and DFS) finds whatever path it happened to take, with events that
// have nothing to do with the violation. Shrink removes them as the
// grader's shrinker removes faults from a failing run (delta debugging,
// Zeller and Hildebrandt, TSE 2002): it drops a chunk of the path, halving
// the chunk size down to single events, and keeps a shorter path whenever
// it still breaks the same invariant. Every candidate is replayed from
// the initial state, so the path it returns is a real one.

// shrinkRuns bounds the replays of one Shrink: enough for paths of a few
// hundred events, cheap next to the search that found them.
const shrinkRuns = 400

// Shrink returns a path no longer than v's that breaks v's invariant,
// with the state it reaches; v itself when no event can be removed.
func (c *Checker) Shrink(v *Violation) *Violation {
	if v == nil || len(v.Path) < 2 {
		return v
	}
	best := v
	runs := 0
	for chunk := len(best.Path) / 2; chunk >= 1 && runs < shrinkRuns; {
		removed := false
		for start := 0; start+chunk <= len(best.Path) && runs < shrinkRuns; {
			cand := make([]Event, 0, len(best.Path)-chunk)
			cand = append(cand, best.Path[:start]...)
			cand = append(cand, best.Path[start+chunk:]...)
			runs++
			if nv := c.reproduce(cand, v.Invariant); nv != nil && len(nv.Path) < len(best.Path) {
				best, removed = nv, true
				continue // the same start, now with other events
			}
			start += chunk
		}
		if !removed || chunk > len(best.Path)/2 {
			chunk /= 2
		}
	}
	return best
}

// reproduce replays path loosely, skipping an event that is no longer
// enabled (a message never sent once its cause was removed), and returns
// the first violation of invariant on the way, or nil. A timer is matched
// by its node (the next timer of that node fires) when its ID moved; an
// input by its node and place.
func (c *Checker) reproduce(path []Event, invariant string) *Violation {
	s, err := c.Initial()
	if err != nil {
		return nil
	}
	var buf []Event
	for _, want := range path {
		buf = c.enabled(s, buf[:0])
		ev, ok := matchEvent(buf, want)
		if !ok {
			continue
		}
		n, err := c.Apply(s, ev)
		if err != nil {
			if invariant == NodeContract {
				return &Violation{Invariant: NodeContract, Err: err, Path: n.Path(), State: n}
			}
			return nil
		}
		s = n
		if v := c.Violated(s); v != nil {
			if v.Invariant == invariant {
				return v
			}
			return nil // another bug: not this counterexample
		}
	}
	return nil
}

func matchEvent(evs []Event, want Event) (Event, bool) {
	for _, e := range evs {
		if e.Kind == want.Kind && e.Node == want.Node && e.From == want.From && e.h == want.h {
			return e, true
		}
	}
	if want.Kind == Fire || want.Kind == Restart {
		for _, e := range evs {
			if e.Kind == want.Kind && e.Node == want.Node {
				return e, true
			}
		}
	}
	return Event{}, false
}
