package search_test

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// The toy protocol: n1 sends Inc{i} for i in 1..sends to n2; n2 counts
// what it receives (deduplicating when dedup is set). Its invariant:
// n2 counts at most sends.

type inc struct{ I int }

type sender struct {
	env   node.Env
	sends int
}

func (s *sender) Start(env node.Env) {
	s.env = env
	for i := 1; i <= s.sends; i++ {
		env.Send(2, inc{i})
	}
}
func (s *sender) HandleMessage(node.ID, node.Message) {}
func (s *sender) HandleTimer(any)                     {}

type counter struct {
	env   node.Env
	dedup bool
	seen  map[int]bool
	count int
}

func (c *counter) Start(env node.Env) { c.env = env }
func (c *counter) HandleMessage(_ node.ID, m node.Message) {
	i := m.(inc).I
	if c.dedup && c.seen[i] {
		return
	}
	c.seen[i] = true
	c.count++
}
func (c *counter) HandleTimer(any) {}

func countModel(sends int, dedup bool, b search.Bounds) *search.Model {
	return &search.Model{
		Name:  "count",
		Nodes: 2,
		Factory: func(id node.ID, _ *search.World) node.Node {
			if id == 1 {
				return &sender{sends: sends}
			}
			return &counter{dedup: dedup, seen: map[int]bool{}}
		},
		Bounds: b,
		Invariants: []search.Invariant{{Name: "counts at most what was sent", Check: func(s *search.State) error {
			if n := s.Node(2).(*counter).count; n > sends {
				return fmt.Errorf("n2 counted %d of %d", n, sends)
			}
			return nil
		}}},
		Goals: []search.Goal{{Name: "all counted", Holds: func(s *search.State) bool { return s.Node(2).(*counter).count == sends }}},
	}
}

func TestStrategies(t *testing.T) {
	cases := []struct {
		name       string
		dedup      bool
		bounds     search.Bounds
		opt        search.Options
		violation  bool
		pathLen    int // for BFS: the shortest
		exhausted  bool
		goalsTotal bool
	}{
		{name: "bfs finds a duplicate counted twice", bounds: search.Bounds{Duplicates: 1}, opt: search.Options{Strategy: search.BFS}, violation: true, pathLen: 4},
		{name: "dfs finds it too", bounds: search.Bounds{Duplicates: 1}, opt: search.Options{Strategy: search.DFS, Depth: 10}, violation: true},
		{name: "walks find it", bounds: search.Bounds{Duplicates: 1}, opt: search.Options{Strategy: search.Walk, Depth: 10, Walks: 200, Seed: 1}, violation: true},
		{name: "dedup passes bfs, exhausted", dedup: true, bounds: search.Bounds{Duplicates: 2, Drops: 1}, opt: search.Options{Strategy: search.BFS}, exhausted: true, goalsTotal: true},
		{name: "dedup passes dfs, exhausted", dedup: true, bounds: search.Bounds{Duplicates: 2, Drops: 1}, opt: search.Options{Strategy: search.DFS, Depth: 20}, exhausted: true, goalsTotal: true},
		{name: "no duplicates: no violation without dedup", bounds: search.Bounds{Drops: 2}, opt: search.Options{Strategy: search.BFS}, exhausted: true, goalsTotal: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := search.Check(countModel(2, tc.dedup, tc.bounds), tc.opt)
			require.NoError(t, err)
			if !tc.violation {
				require.Nil(t, res.Violation)
				assert.Equal(t, tc.exhausted, res.Exhausted)
				assert.Equal(t, tc.goalsTotal, res.Goals[0].Reached)
				return
			}
			require.NotNil(t, res.Violation)
			assert.Equal(t, "counts at most what was sent", res.Violation.Invariant)
			if tc.pathLen > 0 {
				assert.Len(t, res.Violation.Path, tc.pathLen, "%v", res.Violation)
			}
		})
	}
}

// The BFS state count of the toy is small enough to count by hand: two
// messages in flight, delivered in either order.
func TestStateCount(t *testing.T) {
	res, err := search.Check(countModel(2, false, search.Bounds{}), search.Options{})
	require.NoError(t, err)
	// init; {deliver 1}, {deliver 2}; {both}: 4 states, 4 transitions.
	assert.Equal(t, 4, res.Stats.Unique)
	assert.Equal(t, 4, res.Stats.States)
	assert.Equal(t, 2, res.Stats.Depth)
}

// timed sets two timers at Start, the longer first, and logs their order.
type timed struct {
	env   node.Env
	fired []string
	at    []time.Duration
}

func (n *timed) Start(env node.Env) {
	n.env = env
	env.SetTimer(10*time.Millisecond, "long")
	env.SetTimer(5*time.Millisecond, "short")
	id := env.SetTimer(7*time.Millisecond, "cancelled")
	env.CancelTimer(id)
}
func (n *timed) HandleMessage(node.ID, node.Message) {}
func (n *timed) HandleTimer(v any) {
	n.fired = append(n.fired, v.(string))
	n.at = append(n.at, n.env.Now())
}

func TestTimersFireInDueOrder(t *testing.T) {
	c, err := search.New(&search.Model{Name: "timers", Nodes: 1, Factory: func(node.ID, *search.World) node.Node { return &timed{} }})
	require.NoError(t, err)
	s, err := c.Initial()
	require.NoError(t, err)
	for range 2 {
		evs := c.Enabled(s)
		require.Len(t, evs, 1, "one node: only its next timer may fire")
		s, err = c.Apply(s, evs[0])
		require.NoError(t, err)
	}
	assert.Empty(t, c.Enabled(s))
	n := s.Node(1).(*timed)
	assert.Equal(t, []string{"short", "long"}, n.fired)
	assert.Equal(t, []time.Duration{5 * time.Millisecond, 10 * time.Millisecond}, n.at, "the clock moves to each timer's due time")
}

// disky saves "synced" and syncs, then saves "unsynced"; a restarted
// incarnation records what it finds.
type disky struct {
	found []string
}

func (d *disky) Start(env node.Env) {
	for _, k := range []string{"synced", "unsynced"} {
		if _, ok := env.Storage().Load(k); ok {
			d.found = append(d.found, k)
		}
	}
	if len(d.found) == 0 {
		env.Storage().Save("synced", []byte("1"))
		env.Storage().Sync()
		env.Storage().Save("unsynced", []byte("2"))
	}
}
func (d *disky) HandleMessage(node.ID, node.Message) {}
func (d *disky) HandleTimer(any)                     {}

func TestRestartKeepsSyncedStorage(t *testing.T) {
	c, err := search.New(&search.Model{Name: "disk", Nodes: 1, Bounds: search.Bounds{Crashes: 1},
		Factory: func(node.ID, *search.World) node.Node { return &disky{} }})
	require.NoError(t, err)
	s, err := c.Initial()
	require.NoError(t, err)
	evs := c.Enabled(s)
	require.Len(t, evs, 1)
	require.Equal(t, search.Restart, evs[0].Kind)
	s2, err := c.Apply(s, evs[0])
	require.NoError(t, err)
	assert.Equal(t, []string{"synced"}, s2.Node(1).(*disky).found)
	assert.Equal(t, 1, s2.Incarnation(1))
	assert.Empty(t, c.Enabled(s2), "the crash bound is spent")
	assert.Empty(t, s.Node(1).(*disky).found, "the parent state is unchanged")
}

// bad holds what the checker cannot copy, made in a handler.
type bad struct {
	env  node.Env
	kind string
	Hook func()
	Ch   chan int
	ok   func(int) string // a plain function: allowed
}

func (b *bad) Start(env node.Env) {
	b.env = env
	b.ok = strconv.Itoa
	env.SetTimer(time.Millisecond, 0)
}
func (b *bad) HandleMessage(node.ID, node.Message) {}
func (b *bad) HandleTimer(any) {
	switch b.kind {
	case "closure":
		b.Hook = func() { b.kind = "" }
	case "chan":
		b.Ch = make(chan int)
	}
	b.env.SetTimer(time.Millisecond, 0)
}

func TestUncopyableStateNamesTheField(t *testing.T) {
	cases := []struct{ kind, field, why string }{
		{"closure", "Hook", "closure"},
		{"chan", "Ch", "channel"},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			res, err := search.Check(&search.Model{Name: "bad", Nodes: 1,
				Factory: func(node.ID, *search.World) node.Node { return &bad{kind: tc.kind} }}, search.Options{Depth: 3})
			require.NoError(t, err)
			require.NotNil(t, res.Violation)
			assert.Equal(t, search.NodeContract, res.Violation.Invariant)
			var re *search.RefusedError
			require.True(t, errors.As(res.Violation.Err, &re), "%v", res.Violation.Err)
			assert.Equal(t, "n1", re.Node)
			assert.Contains(t, re.Path, "."+tc.field)
			assert.Contains(t, re.Why, tc.why)
		})
	}
}

// shared keeps two pointers to one value: copies keep them one.
type shared struct {
	a, b *box
	env  node.Env
}
type box struct{ n int }

func (s *shared) Start(env node.Env) {
	s.env = env
	env.SetTimer(time.Millisecond, 0)
}
func (s *shared) HandleMessage(node.ID, node.Message) {}
func (s *shared) HandleTimer(any) {
	s.a.n++
	if s.a.n < 3 {
		s.env.SetTimer(time.Millisecond, 0)
	}
}

func TestCopyKeepsAliasing(t *testing.T) {
	c, err := search.New(&search.Model{Name: "alias", Nodes: 1, Factory: func(node.ID, *search.World) node.Node {
		x := &box{}
		return &shared{a: x, b: x}
	}})
	require.NoError(t, err)
	s, err := c.Initial()
	require.NoError(t, err)
	var states []*search.State
	for len(c.Enabled(s)) > 0 {
		states = append(states, s)
		s, err = c.Apply(s, c.Enabled(s)[0])
		require.NoError(t, err)
	}
	n := s.Node(1).(*shared)
	assert.Equal(t, 3, n.b.n, "a and b still point to one box")
	for i, st := range states {
		assert.Equal(t, i, st.Node(1).(*shared).a.n, "state %d was not changed by its successors", i)
	}
}

func TestReplayAndTrace(t *testing.T) {
	m := countModel(2, false, search.Bounds{Duplicates: 1})
	res, err := search.Check(m, search.Options{})
	require.NoError(t, err)
	require.NotNil(t, res.Violation)
	c, err := search.New(m)
	require.NoError(t, err)
	var buf trace.Buffer
	require.NoError(t, c.WriteTrace(&buf, trace.Header{Lab: "toy"}, res.Violation.Path, res.Violation))
	var out bytes.Buffer
	w := trace.NewWriter(&out)
	for _, r := range buf.Records {
		w.Record(&r)
	}
	path, err := search.ReadPath(&buf)
	require.NoError(t, err)
	assert.Len(t, path.Keys, len(res.Violation.Path))
	s, err := c.Replay(path.Keys)
	require.NoError(t, err)
	assert.Equal(t, res.Violation.State.Hash(), s.Hash(), "the replay reaches the violating state")
	assert.Error(t, m.Invariants[0].Check(s))
	_, err = c.Replay([]string{"deliver/9/9/0000000000000000"})
	assert.ErrorContains(t, err, "not enabled")
}

// An input of any node is made once, at one of the nodes its When
// allows; Observe's ghost is the new state's.
func TestAnyNodeInputsAndObserve(t *testing.T) {
	type seen struct{ Calls int }
	var calledAt []node.ID
	m := &search.Model{Name: "any", Nodes: 3, Ghost: &seen{},
		Factory: func(node.ID, *search.World) node.Node { return &counter{seen: map[int]bool{}} },
		Inputs: []search.Input{{Name: "poke", When: func(_ *search.State, id node.ID) bool { return id != 2 },
			Call: func(n node.Node, w *search.World) {
				n.(*counter).count++
				w.Ghost().(*seen).Calls++
			}}},
		Observe: func(s *search.State) any {
			for i := 1; i <= s.Nodes(); i++ {
				if s.Node(node.ID(i)).(*counter).count > 0 && s.Ghost().(*seen).Calls == 1 {
					calledAt = append(calledAt, node.ID(i))
				}
			}
			return nil
		},
	}
	c, err := search.New(m)
	require.NoError(t, err)
	s, err := c.Initial()
	require.NoError(t, err)
	evs := c.Enabled(s)
	require.Len(t, evs, 2, "at n1 and n3, not n2")
	assert.Equal(t, []node.ID{1, 3}, []node.ID{evs[0].Node, evs[1].Node})
	s, err = c.Apply(s, evs[1])
	require.NoError(t, err)
	assert.Empty(t, c.Enabled(s), "the input is made once")
	assert.Equal(t, []node.ID{3}, calledAt)
	assert.Equal(t, 1, s.Ghost().(*seen).Calls)
}

// Eventually is checked in terminal states only: a sender whose second
// message is lost ends with n2 short of a count, which is a violation of
// "all counted eventually"; without drops there is none.
func TestEventuallyInTerminalStates(t *testing.T) {
	for _, drops := range []int{0, 1} {
		m := countModel(2, true, search.Bounds{Drops: drops})
		m.Eventually = []search.Invariant{{Name: "all counted", Check: func(s *search.State) error {
			if n := s.Node(2).(*counter).count; n != 2 {
				return fmt.Errorf("n2 counted %d", n)
			}
			return nil
		}}}
		res, err := search.Check(m, search.Options{})
		require.NoError(t, err)
		if drops == 0 {
			assert.Nil(t, res.Violation)
			continue
		}
		require.NotNil(t, res.Violation)
		assert.Equal(t, "all counted", res.Violation.Invariant)
		assert.Len(t, res.Violation.Path, 2, "%v", res.Violation)
	}
}

// selfBound keeps a method value of its own (as a kvraft server hands
// s.apply to its Raft): a copy's must call the copy.
type selfBound struct {
	env  node.Env
	hook func()
	n    int
}

func (b *selfBound) Start(env node.Env) {
	b.env = env
	b.hook = b.tick
	env.SetTimer(time.Millisecond, 0)
}
func (b *selfBound) tick()                               { b.n++ }
func (b *selfBound) HandleMessage(node.ID, node.Message) {}
func (b *selfBound) HandleTimer(any) {
	b.hook()
	if b.n < 3 {
		b.env.SetTimer(time.Millisecond, 0)
	}
}

func TestMethodValueBoundToTheCopy(t *testing.T) {
	c, err := search.New(&search.Model{Name: "bound", Nodes: 1, Factory: func(node.ID, *search.World) node.Node { return &selfBound{} }})
	require.NoError(t, err)
	s, err := c.Initial()
	require.NoError(t, err)
	states := []*search.State{s}
	for len(c.Enabled(s)) > 0 {
		s, err = c.Apply(s, c.Enabled(s)[0])
		require.NoError(t, err)
		states = append(states, s)
	}
	for i, st := range states {
		assert.Equal(t, i, st.Node(1).(*selfBound).n, "state %d", i)
	}
}

// ticker is noise for a walk: it fires a timer ten times.
type ticker struct {
	env   node.Env
	ticks int
}

func (k *ticker) Start(env node.Env)                  { k.env = env; env.SetTimer(time.Millisecond, "tick") }
func (k *ticker) HandleMessage(node.ID, node.Message) {}
func (k *ticker) HandleTimer(any) {
	if k.ticks++; k.ticks < 10 {
		k.env.SetTimer(time.Millisecond, "tick")
	}
}

// TestShrink: a random walk over the counter without dedup (two sends,
// one duplicate) beside a node that only ticks wanders through ticks the
// violation does not need; its path is shrunk to the duplicate and the
// three deliveries, which replay to the same violation. NoShrink keeps
// the walk's path.
func TestShrink(t *testing.T) {
	cases := []struct {
		name     string
		noShrink bool
	}{
		{name: "shrunk"},
		{name: "as walked", noShrink: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := countModel(2, false, search.Bounds{Duplicates: 1})
			m.Nodes = 3
			count := m.Factory
			m.Factory = func(id node.ID, w *search.World) node.Node {
				if id == 3 {
					return &ticker{}
				}
				return count(id, w)
			}
			res, err := search.Check(m, search.Options{Strategy: search.Walk, Depth: 30, Seed: 3, NoShrink: tc.noShrink})
			require.NoError(t, err)
			require.NotNil(t, res.Violation)
			v := res.Violation
			assert.Equal(t, "counts at most what was sent", v.Invariant)
			if tc.noShrink {
				assert.Zero(t, res.Unshrunk)
				assert.Greater(t, len(v.Path), 4, "the walk's own path, with ticks")
				return
			}
			assert.Greater(t, res.Unshrunk, len(v.Path), "the walk's path was longer")
			assert.Len(t, v.Path, 4, "%v", v)
			// The shrunk path is a real one: replayed by its keys, it
			// reaches a state that breaks the same invariant.
			c, err := search.New(m)
			require.NoError(t, err)
			var keys []string
			for _, ev := range v.Path {
				keys = append(keys, ev.Key())
			}
			s, err := c.Replay(keys)
			require.NoError(t, err)
			got := c.Violated(s)
			require.NotNil(t, got)
			assert.Equal(t, v.Invariant, got.Invariant)
		})
	}
}

// TestVisitedSetAcrossGrowth: a search of thousands of states (the
// visited table grows from 4,096 slots several times) counts the same
// unique states with BFS and DFS, and the same as a smaller search's
// count plus what the deeper level adds: no state is lost in a growth.
func TestVisitedSetAcrossGrowth(t *testing.T) {
	m := countModel(7, true, search.Bounds{Duplicates: 2, Drops: 1})
	bfs, err := search.Check(m, search.Options{Strategy: search.BFS})
	require.NoError(t, err)
	dfs, err := search.Check(m, search.Options{Strategy: search.DFS, Depth: 100})
	require.NoError(t, err)
	require.True(t, bfs.Exhausted)
	require.True(t, dfs.Exhausted)
	assert.Greater(t, bfs.Stats.Unique, 10_000)
	assert.Equal(t, bfs.Stats.Unique, dfs.Stats.Unique)
}

// TestWalksStopWhenNothingIsNew: random walks over a space smaller than
// Options.States stop once a thousand walks in a row find nothing new (a
// Raft that never sends, graded by walks, must not walk forever).
func TestWalksStopWhenNothingIsNew(t *testing.T) {
	cases := []struct {
		name      string
		states    int
		saturated bool
	}{
		{name: "a space smaller than the limit", states: 1_000_000, saturated: true},
		{name: "a limit reached first", states: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := search.Check(countModel(2, true, search.Bounds{}), search.Options{Strategy: search.Walk, Depth: 10, States: tc.states})
			require.NoError(t, err)
			assert.Nil(t, res.Violation)
			assert.Equal(t, tc.saturated, res.Saturated)
			assert.Equal(t, !tc.saturated, res.Limit)
			assert.LessOrEqual(t, res.Stats.Unique, 4)
		})
	}
}
