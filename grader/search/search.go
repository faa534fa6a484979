package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Result is what one search found.
type Result struct {
	Model    string
	Strategy Strategy
	Depth    int // the depth bound, 0 for none
	Stats    Stats
	// Violation is the first violation found, nil if none; a random
	// walk's or DFS's path is shrunk (Checker.Shrink).
	Violation *Violation
	// Unshrunk is the length of the path found before it was shrunk; 0
	// when it was not.
	Unshrunk int
	// Goals says, per goal of the model, whether some state reached it.
	Goals []GoalResult
	// Exhausted: every state within the bounds was explored (BFS, DFS),
	// so no violation within them exists.
	Exhausted bool
	// Stopped: Options.Stop ended the search; Limit: Options.States did.
	Stopped, Limit bool
	// Saturated: random walks stopped because staleWalks walks in a row
	// found no state not seen before (the space is smaller than
	// Options.States, and has probably all been seen).
	Saturated bool
}

// GoalResult is one goal's outcome.
type GoalResult struct {
	Name    string
	Reached bool
	// Path reaches the goal (the shortest, in BFS).
	Path []Event
}

// Violation is a state that breaks an invariant, or an event on which a
// node broke its contract (a panic, a value the checker cannot copy).
type Violation struct {
	// Invariant names the invariant broken, or "node contract".
	Invariant string
	Err       error
	// Path leads from the initial state to State.
	Path  []Event
	State *State
}

func (v *Violation) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s violated after %d events: %v", v.Invariant, len(v.Path), v.Err)
	for i, ev := range v.Path {
		fmt.Fprintf(&b, "\n  %2d. %v", i+1, ev)
	}
	return b.String()
}

// Unwrap returns the invariant's error.
func (v *Violation) Unwrap() error { return v.Err }

// NodeContract names the violations that are no invariant's: a handler
// that panicked or never returned, a state that cannot be copied.
const NodeContract = "node contract"

// Check explores m with opt: a shortcut for New and Run.
func Check(m *Model, opt Options) (*Result, error) {
	c, err := New(m)
	if err != nil {
		return nil, err
	}
	return c.Run(opt)
}

// search is one run of a strategy.
type search struct {
	c       *Checker
	opt     Options
	res     *Result
	visited *visitedSet // state hash -> the least depth it was seen at
	goals   []bool
	left    int // goals not reached yet
	buf     []Event
	nextRep int
}

// Run explores the model. A node contract broken in the initial state is
// a violation like any other; the error is for a model the checker cannot
// run at all.
func (c *Checker) Run(opt Options) (*Result, error) {
	if opt.States <= 0 {
		opt.States = 1_000_000
	}
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = 1 << 16
	}
	if opt.Depth <= 0 && opt.Strategy != BFS {
		opt.Depth = 30
	}
	sr := &search{c: c, opt: opt, visited: newVisitedSet(), goals: make([]bool, len(c.m.Goals)), left: len(c.m.Goals),
		res: &Result{Model: c.m.Name, Strategy: opt.Strategy, Depth: opt.Depth}, nextRep: opt.ProgressEvery}
	for _, g := range c.m.Goals {
		sr.res.Goals = append(sr.res.Goals, GoalResult{Name: g.Name})
	}
	init, err := c.Initial()
	if err != nil {
		sr.res.Violation = &Violation{Invariant: NodeContract, Err: err, State: init}
		return sr.res, nil
	}
	sr.visited.put(init.hash, 0)
	sr.res.Stats.Unique = 1
	if sr.check(init) {
		switch opt.Strategy {
		case BFS:
			sr.bfs(init)
		case DFS:
			sr.dfs(init)
		case Walk:
			sr.walk(init)
		default:
			return nil, fmt.Errorf("search: unknown strategy %d", opt.Strategy)
		}
	}
	if v := sr.res.Violation; v != nil && opt.Strategy != BFS && !opt.NoShrink {
		// BFS's path is a shortest one already.
		if sv := c.Shrink(v); sv != v {
			sr.res.Unshrunk = len(v.Path)
			sr.res.Violation = sv
		}
	}
	if opt.Progress != nil {
		opt.Progress(sr.res.Stats)
	}
	return sr.res, nil
}

// check checks s's invariants and goals; false stops the search.
func (sr *search) check(s *State) bool {
	for _, inv := range sr.c.m.Invariants {
		if err := inv.Check(s); err != nil {
			sr.res.Violation = &Violation{Invariant: inv.Name, Err: err, Path: s.Path(), State: s}
			return false
		}
	}
	if len(sr.c.m.Eventually) > 0 && sr.c.terminal(s) {
		for _, inv := range sr.c.m.Eventually {
			if err := inv.Check(s); err != nil {
				sr.res.Violation = &Violation{Invariant: inv.Name, Err: err, Path: s.Path(), State: s}
				return false
			}
		}
	}
	for i, g := range sr.c.m.Goals {
		if !sr.goals[i] && g.Holds(s) {
			sr.goals[i] = true
			sr.left--
			sr.res.Goals[i].Reached = true
			sr.res.Goals[i].Path = s.Path()
		}
	}
	if sr.c.m.StopAtGoals && len(sr.goals) > 0 && sr.left == 0 {
		return false
	}
	return true
}

// Violated returns the first invariant s breaks (Eventually ones when s
// is terminal), with s's path, or nil: what a search would report of s.
func (c *Checker) Violated(s *State) *Violation {
	for _, inv := range c.m.Invariants {
		if err := inv.Check(s); err != nil {
			return &Violation{Invariant: inv.Name, Err: err, Path: s.Path(), State: s}
		}
	}
	if c.terminal(s) {
		for _, inv := range c.m.Eventually {
			if err := inv.Check(s); err != nil {
				return &Violation{Invariant: inv.Name, Err: err, Path: s.Path(), State: s}
			}
		}
	}
	return nil
}

// terminal reports whether nothing but a fault can happen in s.
func (c *Checker) terminal(s *State) bool {
	if len(s.net) > 0 || s.calls < len(c.anyNode) {
		return false
	}
	for i, sl := range s.nodes {
		if len(sl.timers) > 0 || sl.inputs < len(c.inputsOf[i]) {
			return false
		}
	}
	return true
}

func (sr *search) pruned(s *State) bool {
	for _, p := range sr.c.m.Prunes {
		if p.Holds(s) {
			return true
		}
	}
	return false
}

// step applies ev to s and records the result: the new state, or nil
// when it was seen before (at no greater depth), and whether to go on.
func (sr *search) step(s *State, ev Event) (*State, bool) {
	n, err := sr.c.Apply(s, ev)
	st := &sr.res.Stats
	st.States++
	if err != nil {
		sr.res.Violation = &Violation{Invariant: NodeContract, Err: err, Path: n.Path(), State: n}
		return nil, false
	}
	seen, fresh := sr.visited.visit(n.hash, int32(n.depth))
	if !fresh {
		sr.c.recycle(n)
		return nil, true
	}
	if !seen {
		st.Unique++
	}
	if n.depth > st.Depth {
		st.Depth = n.depth
	}
	if !sr.check(n) {
		return nil, false
	}
	if st.Unique >= sr.nextRep {
		sr.nextRep += sr.opt.ProgressEvery
		if sr.opt.Progress != nil {
			sr.opt.Progress(*st)
		}
		if sr.opt.Stop != nil && sr.opt.Stop() {
			sr.res.Stopped = true
			return nil, false
		}
	}
	if st.Unique >= sr.opt.States {
		sr.res.Limit = true
		return nil, false
	}
	if sr.pruned(n) {
		return nil, true
	}
	return n, true
}

func (sr *search) bfs(init *State) {
	queue := []*State{init}
	for head := 0; head < len(queue); head++ {
		s := queue[head]
		queue[head] = nil
		sr.res.Stats.Frontier = len(queue) - head
		if sr.opt.Depth > 0 && s.depth >= sr.opt.Depth {
			continue
		}
		sr.buf = sr.c.enabled(s, sr.buf[:0])
		for _, ev := range sr.buf {
			n, more := sr.step(s, ev)
			if !more {
				return
			}
			if n != nil {
				queue = append(queue, n)
			}
		}
		s.release()
		if head > 4096 && head*2 > len(queue) {
			queue = append([]*State(nil), queue[head+1:]...)
			head = -1
		}
	}
	sr.res.Stats.Frontier = 0
	sr.res.Exhausted = true
}

// release drops what an explored state no longer needs: its path stays
// (parent and event), and its successors hold their own parts.
func (s *State) release() {
	s.nodes, s.net, s.ghost, s.inl = nil, nil, nil, [5]*slot{}
}

func (sr *search) dfs(init *State) {
	type frame struct {
		s   *State
		evs []Event
		i   int
	}
	stack := []frame{{s: init, evs: sr.c.enabled(init, nil)}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i >= len(top.evs) || top.s.depth >= sr.opt.Depth {
			stack = stack[:len(stack)-1]
			continue
		}
		ev := top.evs[top.i]
		top.i++
		n, more := sr.step(top.s, ev)
		if !more {
			return
		}
		if n != nil {
			stack = append(stack, frame{s: n, evs: sr.c.enabled(n, nil)})
		}
	}
	sr.res.Exhausted = true
}

// staleWalks is how many random walks in a row may find nothing new
// before Walk stops.
const staleWalks = 1000

func (sr *search) walk(init *State) {
	r := rand.New(rand.NewPCG(sr.opt.Seed, 0x5eed))
	stale := 0 // walks in a row that found no new state
	for w := 0; sr.opt.Walks <= 0 || w < sr.opt.Walks; w++ {
		if stale >= staleWalks {
			// A space smaller than Options.States (a node that never
			// sends, a walk that always ends the same way): walking on
			// would never reach the limit.
			sr.res.Saturated = true
			return
		}
		stale++
		s := init
		for s.depth < sr.opt.Depth {
			sr.buf = sr.c.enabled(s, sr.buf[:0])
			if len(sr.buf) == 0 {
				break
			}
			ev := sr.buf[r.IntN(len(sr.buf))]
			n, err := sr.c.Apply(s, ev)
			sr.res.Stats.States++
			if err != nil {
				sr.res.Violation = &Violation{Invariant: NodeContract, Err: err, Path: n.Path(), State: n}
				return
			}
			if _, seen := sr.visited.get(n.hash); !seen {
				sr.visited.put(n.hash, int32(n.depth))
				sr.res.Stats.Unique++
				stale = 0
				if sr.res.Stats.Unique >= sr.nextRep {
					sr.nextRep += sr.opt.ProgressEvery
					if sr.opt.Progress != nil {
						sr.opt.Progress(sr.res.Stats)
					}
					if sr.opt.Stop != nil && sr.opt.Stop() {
						sr.res.Stopped = true
						return
					}
				}
			}
			if n.depth > sr.res.Stats.Depth {
				sr.res.Stats.Depth = n.depth
			}
			if !sr.check(n) {
				return
			}
			if sr.res.Stats.Unique >= sr.opt.States {
				sr.res.Limit = true
				return
			}
			if sr.pruned(n) {
				break
			}
			s = n
		}
	}
}
