package sim

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTimersSaturate: a timer whose due time is past the end of time, on
// the node's clock or once a slow clock stretches it, never fires, rather
// than firing at once when the sum overflows.
func TestTimersSaturate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		clock faults.Clock
		after time.Duration
	}{
		{"the longest duration", faults.Clock{Node: 1}, math.MaxInt64},
		{"the longest duration on a clock ahead", faults.Clock{Node: 1, Skew: faults.Duration(time.Hour)}, math.MaxInt64},
		{"half of it on a clock at half speed", faults.Clock{Node: 1, Drift: -0.5}, math.MaxInt64/2 + time.Hour},
		{"the longest on a fast clock", faults.Clock{Node: 1, Drift: 9}, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, nodes := newSim(t, Config{Nodes: 1, Faults: faults.Model{Clocks: []faults.Clock{tc.clock}}}, func(id node.ID) *recorder {
				return &recorder{onStart: func(env node.Env) {
					env.SetTimer(time.Hour, "first")
					env.SetTimer(tc.after, "never")
					env.SetTimer(2*time.Hour, "second")
				}}
			})
			s.RunFor(24 * time.Hour)
			assert.Equal(t, []any{"first", "second"}, nodes[1].timers)
			assert.Equal(t, 1, s.Pending(), "the long timer waits")
			at, ok := s.NextTime()
			require.True(t, ok)
			assert.Greater(t, at, 10*365*24*time.Hour)
		})
	}
}

func TestDueAtSaturates(t *testing.T) {
	for _, tc := range []struct{ now, d, want int64 }{
		{0, 5, 5},
		{10, math.MaxInt64, math.MaxInt64},
		{math.MaxInt64 - 1, 1, math.MaxInt64},
		{math.MaxInt64 - 1, 2, math.MaxInt64},
		{1, math.MaxInt64 - 1, math.MaxInt64},
	} {
		assert.Equal(t, tc.want, dueAt(tc.now, tc.d), "%d+%d", tc.now, tc.d)
	}
	c := newClock(0, -0.5)
	assert.Equal(t, int64(math.MaxInt64), c.trueDelay(math.MaxInt64))
}

// stopped runs fn and returns the *LimitError it stopped the run with.
func stopped(t *testing.T, fn func()) (le *LimitError) {
	t.Helper()
	defer func() {
		v := recover()
		var ok bool
		le, ok = v.(*LimitError)
		require.True(t, ok, "stopped with %T %v, not a *LimitError", v, v)
	}()
	fn()
	return nil
}

// TestEndlessHandlersAreStoppedByCount: a handler that calls its Env in a
// loop that queues nothing (sends to a node cut off or unknown, logs) is
// stopped after MaxCallsPerHandler calls, in that handler, on any machine.
func TestEndlessHandlersAreStoppedByCount(t *testing.T) {
	for _, tc := range []struct {
		name, call string
		loop       func(env node.Env)
	}{
		{"sends to a node cut off", "Send", func(env node.Env) {
			for {
				env.Send(2, "x")
			}
		}},
		{"sends to an unknown node", "Send", func(env node.Env) {
			for {
				env.Send(7, "x")
			}
		}},
		{"logs", "Logf", func(env node.Env) {
			for {
				env.Logf("still here")
			}
		}},
		{"reads its clock", "Now", func(env node.Env) {
			for env.Now() >= 0 {
			}
		}},
		{"sets timers", "SetTimer", func(env node.Env) {
			for {
				env.SetTimer(time.Second, "t")
			}
		}},
		{"loads a key", "Storage().Load", func(env node.Env) {
			disk := env.Storage()
			for {
				disk.Load("k")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newSim(t, Config{Nodes: 2, Faults: faults.Reliable(), MaxCallsPerHandler: 1000,
				Schedule: faults.Schedule{{At: faults.Duration(time.Second), Kind: faults.Isolate, Nodes: []node.ID{1}}}},
				func(id node.ID) *recorder {
					r := &recorder{}
					r.onStart = func(env node.Env) {
						if id == 1 {
							env.SetTimer(2*time.Second, "go")
						}
					}
					return r
				})
			s.OnEvent(func(ev *Event) {
				if ev.Kind == EventTimer && ev.Node == 1 {
					tc.loop(s.nodes[1].env) // stands for the handler: the same Env, the same count
				}
			})
			le := stopped(t, func() { s.RunFor(time.Minute) })
			assert.Equal(t, LimitCalls, le.What)
			assert.Equal(t, 1000, le.Limit)
			assert.Equal(t, node.ID(1), le.Node)
			assert.Equal(t, 2*time.Second, le.Time)
			assert.Contains(t, le.Error(), "more than 1000 Env calls")
			assert.Equal(t, tc.call, le.Call)
		})
	}
}

// loopy calls its Env n times in each handler.
type loopy struct {
	env node.Env
	n   int
}

func (l *loopy) Start(env node.Env) {
	l.env = env
	env.SetTimer(time.Millisecond, nil)
}
func (l *loopy) HandleMessage(node.ID, node.Message) {}
func (l *loopy) HandleTimer(any) {
	for range l.n - 1 {
		l.env.Now()
	}
	l.env.SetTimer(time.Millisecond, nil)
}

// TestCallsAreCountedPerHandler: many handlers each within the bound
// never add up to it.
func TestCallsAreCountedPerHandler(t *testing.T) {
	s, err := New(Config{Nodes: 1, MaxCallsPerHandler: 10, Factory: func(node.ID) node.Node { return &loopy{n: 10} }})
	require.NoError(t, err)
	s.RunFor(time.Second)
	assert.Greater(t, s.Dispatched(), int64(900))

	s, err = New(Config{Nodes: 1, MaxCallsPerHandler: 10, Factory: func(node.ID) node.Node { return &loopy{n: 11} }})
	require.NoError(t, err)
	le := stopped(t, func() { s.RunFor(time.Second) })
	assert.Equal(t, "timer <nil>", le.Event)
}

// TestLogsAreBounded: a line is cut at MaxLogLine bytes; past MaxLogBytes
// no line is passed on, and the run goes on.
func TestLogsAreBounded(t *testing.T) {
	var buf trace.Buffer
	huge := strings.Repeat("é", MaxLogLine) // two bytes a rune: cut at a rune boundary
	s, _ := newSim(t, Config{Nodes: 1, Trace: &buf, MaxLogBytes: 3 * MaxLogLine}, func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) {
			env.Logf("short")
			for range 5 {
				env.Logf("%s", huge)
			}
			env.SetTimer(time.Second, "after")
		}}
	})
	var lines []string
	s.OnLog(func(_ node.ID, line string) { lines = append(lines, line) })
	s.RunFor(time.Minute)
	require.Len(t, lines, 4, "short, then three long lines reach the bound")
	assert.Equal(t, "short", lines[0])
	for _, l := range lines[1:] {
		assert.LessOrEqual(t, len(l), MaxLogLine+200)
		assert.Contains(t, l, "more bytes)")
		assert.True(t, strings.HasPrefix(l, "éé"))
	}
	assert.Contains(t, lines[3], "later lines are not kept")
	assert.Equal(t, 2, s.LogsCut())
	assert.Equal(t, []any{"after"}, s.nodes[1].inst.(*recorder).timers, "the run went on")
}

type hugeError struct{}

func (hugeError) Error() string { return strings.Repeat("x", 1<<20) }

type stuck struct{ b []int }

// TestPanicValuesAreCapped: a huge panic value is kept as the start of its
// text, once, not copied whole into every report.
func TestPanicValuesAreCapped(t *testing.T) {
	big := strings.Repeat("y", 10<<20)
	for _, tc := range []struct {
		name  string
		value any
		keep  any    // the value kept, when it is kept as it is
		start string // else the start of its text
	}{
		{"a short string", "boom", "boom", ""},
		{"a number", 42, 42, ""},
		{"a huge string", big, nil, "yyyy"},
		{"an error with a huge text", hugeError{}, nil, "xxxx"},
		{"a huge struct", stuck{b: make([]int, 1<<20)}, nil, "sim.stuck {"},
		{"a runtime error", func() any { var m map[int]int; defer func() { _ = recover() }(); m[0]++; return nil }, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newSim(t, Config{Nodes: 1}, func(id node.ID) *recorder {
				return &recorder{onStart: func(env node.Env) { panic(tc.value) }}
			})
			defer func() {
				pe, ok := recover().(*PanicError)
				require.True(t, ok)
				if tc.keep != nil {
					assert.Equal(t, tc.keep, pe.Value)
					return
				}
				if tc.start == "" {
					return
				}
				text, ok := pe.Value.(string)
				require.True(t, ok, "kept as text, not %T", pe.Value)
				assert.LessOrEqual(t, len(text), maxPanicText+64)
				assert.True(t, strings.HasPrefix(text, tc.start), text[:20])
				assert.Contains(t, text, "more bytes)")
				assert.Less(t, len(pe.Error()), maxPanicText+1000)
			}()
			s.RunFor(time.Second)
		})
	}
	var re error
	s, _ := newSim(t, Config{Nodes: 1}, func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) {
			var m map[int]int
			m[0] = 1
		}}
	})
	defer func() {
		pe := recover().(*PanicError)
		re, _ = pe.Value.(error)
		assert.True(t, errors.As(re, new(interface{ RuntimeError() })), "a runtime error is kept as it is")
	}()
	s.RunFor(time.Second)
}

// keeper is a node that tries to keep state where only the disk should.
type keeper struct {
	env     node.Env
	onStart func(k *keeper, env node.Env)
}

func (k *keeper) Start(env node.Env)                  { k.env = env; k.onStart(k, env) }
func (k *keeper) HandleMessage(node.ID, node.Message) {}
func (k *keeper) HandleTimer(any)                     {}

// parked is what a keeper parks: a *rand.Rand whose stream it knows.
func parked() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// TestNothingANodeReceivesOutlivesIt (DESIGN decision 13): state parked in
// the random source, the peers slice or the Env of one incarnation is gone
// in the next and never reaches another node; only the disk keeps state.
func TestNothingANodeReceivesOutlivesIt(t *testing.T) {
	type seen struct {
		env   node.Env
		rng   *rand.Rand
		peers []node.ID
		draw  uint64
		park  uint64 // what a parked source would draw
	}
	var seenBy [4][]seen // by node, one per incarnation
	s, err := New(Config{Nodes: 3, Seed: 9, Factory: func(id node.ID) node.Node {
		return &keeper{onStart: func(k *keeper, env node.Env) {
			r, peers := env.Rand(), env.Peers()
			seenBy[id] = append(seenBy[id], seen{env: env, rng: r, peers: append([]node.ID(nil), peers...), draw: r.Uint64(), park: parked().Uint64()})
			// Park: the random source becomes one this node knows,
			// the peers slice says "I was here", a key is saved unsynced.
			*r = *parked()
			peers[0] = 99
			env.Storage().Save("unsynced", []byte("x"))
			v := []byte("synced")
			env.Storage().Save("synced", v)
			env.Storage().Sync()
			v[0] = 'S' // after Save: the disk keeps its own copy
			got, _ := env.Storage().Load("synced")
			got[0] = 'Z' // and Load returns a copy
		}}
	}})
	require.NoError(t, err)
	s.RunFor(time.Second)
	s.Crash(1)
	s.Restart(1)
	s.Crash(1)
	s.Restart(1)
	s.RunFor(time.Second)

	require.Len(t, seenBy[1], 3)
	for i, inc := range seenBy[1] {
		assert.Equal(t, []node.ID{2, 3}, inc.peers, "incarnation %d sees its own peers", i+1)
		assert.NotEqual(t, inc.park, inc.draw, "incarnation %d draws from its own source", i+1)
		assert.Equal(t, Stream(9, nodeStream(1, uint32(i+1))).Uint64(), inc.draw, "seeded from (seed, node, incarnation)")
		for j, other := range seenBy[1][:i] {
			assert.NotSame(t, other.rng, inc.rng, "incarnations %d and %d share a source", j+1, i+1)
			assert.NotEqual(t, other.draw, inc.draw)
			assert.NotSame(t, &other.peers[0], &inc.peers[0])
			assert.NotEqual(t, other.env, inc.env)
		}
	}
	for _, id := range []node.ID{2, 3} {
		require.Len(t, seenBy[id], 1)
		assert.NotContains(t, seenBy[id][0].peers, node.ID(99), "n%d saw what n1 parked", id)
		assert.NotSame(t, seenBy[1][0].rng, seenBy[id][0].rng)
	}
	got, ok := s.Storage(1).Load("synced")
	require.True(t, ok)
	assert.Equal(t, "synced", string(got))

	// The Env of a past incarnation does nothing: its sends and timers
	// are not the node's.
	sent := s.Stats().Sent
	old := seenBy[1][0].env
	old.Send(2, "from the past")
	assert.Zero(t, old.SetTimer(time.Millisecond, "past"))
	old.Storage().Save("past", []byte("x"))
	s.RunFor(time.Second)
	assert.Equal(t, sent, s.Stats().Sent)
	_, ok = s.Storage(1).Load("past")
	assert.False(t, ok)
}

// TestRestartsDrawFromTheirOwnStreams: a run without restarts draws as
// it did before incarnations had streams of their own (traces keep their
// hashes); a restarted node draws from a new stream.
func TestRestartsDrawFromTheirOwnStreams(t *testing.T) {
	assert.Equal(t, "node/3", nodeStream(3, 1))
	assert.Equal(t, "node/3/incarnation/2", nodeStream(3, 2))
	assert.NotEqual(t, Stream(1, nodeStream(3, 1)).Uint64(), Stream(1, nodeStream(3, 2)).Uint64())
}

// TestOnlyTheGradersStopsPassThrough: a value with a StopRun method that a
// node panics with is the node's panic; the grader's own stop passes.
func TestOnlyTheGradersStopsPassThrough(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  reflect.Type
		want bool
	}{
		{"a sim type", reflect.TypeFor[LimitError](), true},
		{"a pointer to a grader type", reflect.TypeFor[*trace.Buffer](), true},
		{"a lab's type", reflect.TypeFor[node.ID](), false},
		{"an unnamed type", reflect.TypeFor[[]int](), false},
		{"a pointer to an unnamed type", reflect.TypeFor[*struct{ X int }](), false},
	} {
		assert.Equal(t, tc.want, definedInGrader(tc.typ), tc.name)
	}
	assert.True(t, strings.HasSuffix(graderPkgs, "/grader/"), graderPkgs)

	s, _ := newSim(t, Config{Nodes: 1}, func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) { panic(testStop{}) }}
	})
	defer func() { assert.Equal(t, testStop{}, recover(), "the test's stop passes through") }()
	s.RunFor(time.Second)
}

type testStop struct{}

func (testStop) StopRun() {}
