package sim

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a node that remembers what it received and does what the test
// tells it to at Start.
type recorder struct {
	env     node.Env
	got     []node.Message
	timers  []any
	onStart func(env node.Env)
	onMsg   func(env node.Env, from node.ID, m node.Message)
}

func (r *recorder) Start(env node.Env) {
	r.env = env
	if r.onStart != nil {
		r.onStart(env)
	}
}
func (r *recorder) HandleMessage(from node.ID, m node.Message) {
	r.got = append(r.got, m)
	if r.onMsg != nil {
		r.onMsg(r.env, from, m)
	}
}
func (r *recorder) HandleTimer(t any) { r.timers = append(r.timers, t) }

func newSim(t *testing.T, cfg Config, build func(id node.ID) *recorder) (*Sim, []*recorder) {
	t.Helper()
	nodes := make([]*recorder, cfg.Nodes+1)
	cfg.Factory = func(id node.ID) node.Node {
		r := &recorder{}
		if build != nil {
			r = build(id)
		}
		nodes[id] = r
		return r
	}
	s, err := New(cfg)
	require.NoError(t, err)
	return s, nodes
}

type Batch struct {
	Items []int
	Tags  map[string][]byte
	Next  *Batch
	inner []string
}

func TestSendCopiesMessage(t *testing.T) {
	sent := &Batch{Items: []int{1, 2, 3}, Tags: map[string][]byte{"a": []byte("x")}, Next: &Batch{Items: []int{9}}, inner: []string{"p"}}
	s, nodes := newSim(t, Config{Nodes: 2, Faults: faults.Reliable()}, func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) {
			if id == 1 {
				env.Send(2, sent)
				env.Send(2, *sent)
				// The sender changes everything it can reach after sending.
				sent.Items[0] = 100
				sent.Tags["a"][0] = 'y'
				sent.Tags["b"] = nil
				sent.Next.Items[0] = 0
				sent.inner[0] = "changed"
			}
		}}
	})
	s.RunFor(time.Second)
	require.Len(t, nodes[2].got, 2)
	for i, m := range nodes[2].got {
		var b *Batch
		switch v := m.(type) {
		case *Batch:
			b = v
			assert.NotSame(t, sent, v, "message %d: receiver got the sender's pointer", i)
		case Batch:
			b = &v
		}
		assert.Equal(t, []int{1, 2, 3}, b.Items, "message %d", i)
		assert.Equal(t, map[string][]byte{"a": []byte("x")}, b.Tags, "message %d", i)
		assert.Equal(t, []int{9}, b.Next.Items, "message %d", i)
		assert.Equal(t, []string{"p"}, b.inner, "message %d", i)
	}
}

func TestMessageSizes(t *testing.T) {
	type Fixed struct {
		A int64
		B int32
		C bool
	}
	type Named struct{ Name string }
	for _, tc := range []struct {
		name string
		msg  any
		want int
	}{
		{"fixed struct", Fixed{}, 13},
		{"string", Named{Name: "hello"}, 5},
		{"byte slice", []byte("0123456789"), 10},
		{"nested", Batch{Items: []int{1, 2}, Tags: map[string][]byte{"k": []byte("vv")}}, 16 + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, n, err := copyMessage(planFor(typeOf(tc.msg)), tc.msg, testWalk())
			require.NoError(t, err)
			assert.Equal(t, tc.want, n)
		})
	}
}

func TestStatsCountPerLinkAndType(t *testing.T) {
	s, _ := newSim(t, Config{Nodes: 3, Faults: faults.Reliable()}, func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) {
			if id == 1 {
				env.Send(2, "ab")
				env.Send(2, "cde")
				env.Send(3, 7)
			}
		}}
	})
	s.RunFor(time.Second)
	st := s.Stats()
	assert.Equal(t, int64(3), st.Sent)
	assert.Equal(t, []LinkStats{{From: 1, To: 2, Messages: 2, Bytes: 5}, {From: 1, To: 3, Messages: 1, Bytes: 8}}, st.Links)
	assert.Equal(t, []TypeStats{{Type: "int", Messages: 1, Bytes: 8}, {Type: "string", Messages: 2, Bytes: 5}}, st.Types)
	assert.Equal(t, int64(3), s.SentBy(1))
}

func TestMisuseIsRecordedNotFatal(t *testing.T) {
	var buf trace.Buffer
	s, nodes := newSim(t, Config{Nodes: 2, Faults: faults.Reliable(), Trace: &buf}, func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) {
			if id == 1 {
				env.Send(9, "x")
				env.Send(1, "x")
				env.Send(2, nil)
				env.Send(2, make(chan int))
				env.SetTimer(-time.Second, "late")
				env.Send(2, "ok")
			}
		}}
	})
	s.RunFor(time.Second)
	require.Len(t, s.Misuses(), 5)
	assert.Equal(t, 5, s.MisuseCount())
	assert.Contains(t, s.Misuses()[0], "unknown node 9")
	assert.Contains(t, s.Misuses()[3], "cannot be sent")
	assert.Equal(t, []node.Message{"ok"}, nodes[2].got)
	assert.Equal(t, []any{"late"}, nodes[1].timers)
	misuses := 0
	for _, r := range buf.Records {
		if r.Kind == trace.Misuse {
			misuses++
		}
	}
	assert.Equal(t, 5, misuses)
}

// TestMisusesAreBounded: a flood of misuses keeps its count and only the
// first MaxMisuseNotes descriptions, in the order they happened.
func TestMisusesAreBounded(t *testing.T) {
	for _, sends := range []int{0, 3, MaxMisuseNotes, MaxMisuseNotes + 1, 200_000} {
		t.Run(fmt.Sprint(sends), func(t *testing.T) {
			s, _ := newSim(t, Config{Nodes: 2, Faults: faults.Reliable()}, func(id node.ID) *recorder {
				return &recorder{onStart: func(env node.Env) {
					if id == 1 {
						for i := range sends {
							env.Send(node.ID(100+i), "x")
						}
					}
				}}
			})
			s.RunFor(time.Second)
			assert.Equal(t, sends, s.MisuseCount())
			require.Len(t, s.Misuses(), min(sends, MaxMisuseNotes))
			for i, m := range s.Misuses() {
				assert.Contains(t, m, fmt.Sprintf("unknown node %d", 100+i))
			}
		})
	}
}

func TestTimersFireInOrderAndCancel(t *testing.T) {
	var cancel node.TimerID
	s, nodes := newSim(t, Config{Nodes: 1}, func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) {
			env.SetTimer(30*time.Millisecond, "c")
			env.SetTimer(10*time.Millisecond, "a")
			cancel = env.SetTimer(20*time.Millisecond, "b")
			env.SetTimer(10*time.Millisecond, "a2")
			env.CancelTimer(cancel)
			env.CancelTimer(cancel) // twice is harmless
		}}
	})
	s.RunFor(time.Second)
	assert.Equal(t, []any{"a", "a2", "c"}, nodes[1].timers)
}

func TestFaults(t *testing.T) {
	ping := func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) {
			if id == 1 {
				for to := node.ID(2); to <= 3; to++ {
					env.Send(to, "hello")
				}
			}
		}}
	}
	delivered := func(nodes []*recorder) []int { return []int{len(nodes[2].got), len(nodes[3].got)} }
	t.Run("loss 1 drops everything", func(t *testing.T) {
		s, nodes := newSim(t, Config{Nodes: 3, Faults: faults.Model{Loss: 1}}, ping)
		s.RunFor(time.Second)
		assert.Equal(t, []int{0, 0}, delivered(nodes))
		assert.Equal(t, int64(2), s.Stats().Dropped)
	})
	t.Run("duplicate 1 delivers twice", func(t *testing.T) {
		s, nodes := newSim(t, Config{Nodes: 3, Faults: faults.Model{Duplicate: 1}}, ping)
		s.RunFor(time.Second)
		assert.Equal(t, []int{2, 2}, delivered(nodes))
	})
	t.Run("per-link rule", func(t *testing.T) {
		one := 1.0
		s, nodes := newSim(t, Config{Nodes: 3, Faults: faults.Model{Links: []faults.LinkRule{{From: 1, To: 3, Loss: &one}}}}, ping)
		s.RunFor(time.Second)
		assert.Equal(t, []int{1, 0}, delivered(nodes))
	})
	t.Run("partition at send", func(t *testing.T) {
		s, nodes := newSim(t, Config{Nodes: 3, Schedule: faults.Schedule{{Kind: faults.Partition, Groups: [][]node.ID{{1, 2}}}}}, ping)
		s.RunFor(time.Second)
		assert.Equal(t, []int{1, 0}, delivered(nodes))
	})
	t.Run("one-way block", func(t *testing.T) {
		s, nodes := newSim(t, Config{Nodes: 3, Schedule: faults.Schedule{{Kind: faults.OneWay, Nodes: []node.ID{1, 3}}}}, ping)
		s.RunFor(time.Second)
		assert.Equal(t, []int{1, 0}, delivered(nodes))
		assert.True(t, s.Reachable(3, 1))
		assert.False(t, s.Reachable(1, 3))
	})
	t.Run("partition in flight drops at delivery", func(t *testing.T) {
		s, nodes := newSim(t, Config{Nodes: 3, Faults: faults.Model{Latency: faults.Fixed(10 * time.Millisecond)},
			Schedule: faults.Schedule{{At: faults.Duration(5 * time.Millisecond), Kind: faults.Isolate, Nodes: []node.ID{3}}}}, ping)
		s.RunFor(time.Second)
		assert.Equal(t, []int{1, 0}, delivered(nodes))
	})
	t.Run("heal restores", func(t *testing.T) {
		s, nodes := newSim(t, Config{Nodes: 3}, nil)
		s.RunFor(time.Millisecond)
		s.Isolate(2)
		s.Call(1, func() string { return "send" }, func(n node.Node) string { n.(*recorder).env.Send(2, "lost"); return "" })
		s.Heal()
		s.Call(1, func() string { return "send" }, func(n node.Node) string { n.(*recorder).env.Send(2, "got"); return "" })
		s.RunFor(time.Second)
		assert.Equal(t, []node.Message{"got"}, nodes[2].got)
	})
}

// durable saves "a" and syncs it, then saves "b" without syncing.
type durable struct{ recorder }

func (d *durable) Start(env node.Env) {
	d.env = env
	if _, ok := env.Storage().Load("a"); !ok {
		env.Storage().Save("a", []byte("synced"))
		env.Storage().Sync()
		env.Storage().Save("b", []byte("unsynced"))
	}
	env.SetTimer(time.Hour, "never")
}

func TestCrashLosesUnsyncedStateAndTimers(t *testing.T) {
	var incarnations []*durable
	s, err := New(Config{Nodes: 1, Factory: func(node.ID) node.Node {
		d := &durable{}
		incarnations = append(incarnations, d)
		return d
	}})
	require.NoError(t, err)
	s.RunFor(time.Millisecond)
	v, ok := s.Storage(1).Load("b")
	require.True(t, ok)
	assert.Equal(t, "unsynced", string(v))
	s.Crash(1)
	assert.Nil(t, s.Node(1))
	s.Restart(1)
	require.Len(t, incarnations, 2)
	_, ok = s.Storage(1).Load("b")
	assert.False(t, ok, "unsynced write survived a crash")
	v, _ = s.Storage(1).Load("a")
	assert.Equal(t, "synced", string(v))
	s.RunFor(2 * time.Hour)
	assert.Empty(t, incarnations[0].timers, "a timer of the crashed incarnation fired")
	assert.Equal(t, []any{"never"}, incarnations[1].timers)
}

func TestPauseDefersEvents(t *testing.T) {
	s, nodes := newSim(t, Config{Nodes: 2, Faults: faults.Model{Latency: faults.Fixed(time.Millisecond)}}, func(id node.ID) *recorder {
		return &recorder{onStart: func(env node.Env) {
			if id == 2 {
				env.SetTimer(5*time.Millisecond, "t")
			}
		}}
	})
	s.RunFor(0)
	s.Pause(2)
	s.Call(1, func() string { return "send" }, func(n node.Node) string { n.(*recorder).env.Send(2, "m"); return "" })
	s.RunFor(100 * time.Millisecond)
	assert.Empty(t, nodes[2].got)
	assert.Empty(t, nodes[2].timers)
	assert.ErrorIs(t, s.Call(2, func() string { return "x" }, func(node.Node) string { return "" }), ErrPaused)
	s.Resume(2)
	s.RunFor(time.Millisecond)
	assert.Equal(t, []node.Message{"m"}, nodes[2].got)
	assert.Equal(t, []any{"t"}, nodes[2].timers)
}

func TestClockSkewAndDrift(t *testing.T) {
	var fired time.Duration
	s, nodes := newSim(t, Config{Nodes: 2, Faults: faults.Model{Clocks: []faults.Clock{{Node: 2, Skew: faults.Duration(time.Second), Drift: 1}}}},
		func(id node.ID) *recorder {
			return &recorder{onStart: func(env node.Env) { env.SetTimer(100*time.Millisecond, "t") }}
		})
	s.OnEvent(func(ev *Event) {
		if ev.Kind == EventTimer && ev.Node == 2 {
			fired = ev.Time
		}
	})
	s.RunFor(10 * time.Millisecond)
	assert.Equal(t, 10*time.Millisecond, nodes[1].env.Now())
	assert.Equal(t, time.Second+20*time.Millisecond, nodes[2].env.Now(), "skew 1s, running twice as fast")
	s.RunFor(time.Second)
	assert.Equal(t, 50*time.Millisecond, fired, "a 100ms timer on a clock twice as fast fires after 50ms")
	s.SetClock(2, -time.Second, 0)
	assert.Equal(t, s.Now()-time.Second, nodes[2].env.Now())
}

// Messages in flight wait in slots of their own, outside the queue: each
// slot is emptied when its delivery is handled, dropped, or lost with a
// paused node that crashes.
func TestMessagesInFlightAreReleased(t *testing.T) {
	s, _ := newSim(t, Config{Nodes: 3, Faults: faults.Model{Latency: faults.Fixed(time.Millisecond)}}, func(id node.ID) *recorder {
		return &recorder{}
	})
	s.RunFor(0)
	send := func(to node.ID) {
		s.Call(1, func() string { return "send" }, func(n node.Node) string { n.(*recorder).env.Send(to, "m"); return "" })
	}
	s.Pause(2)
	send(2) // deferred, then lost when 2 crashes
	send(3) // delivered
	s.Crash(3)
	send(3) // dropped: 3 is down when it arrives
	s.RunFor(10 * time.Millisecond)
	s.Crash(2)
	s.RunFor(10 * time.Millisecond)
	inFlight := 0
	for _, m := range s.msgs {
		if m != nil {
			inFlight++
		}
	}
	assert.Zero(t, inFlight)
	assert.Len(t, s.freeMsgs, len(s.msgs))
}

type panicker struct{ recorder }

func (p *panicker) HandleMessage(node.ID, node.Message) { panic("boom") }

func TestPanicBecomesPanicError(t *testing.T) {
	s, err := New(Config{Nodes: 2, Factory: func(id node.ID) node.Node {
		if id == 2 {
			return &panicker{}
		}
		return &recorder{onStart: func(env node.Env) { env.Send(2, "x") }}
	}})
	require.NoError(t, err)
	defer func() {
		v := recover()
		var pe *PanicError
		require.True(t, errors.As(v.(error), &pe), "recovered %v", v)
		assert.Equal(t, node.ID(2), pe.Node)
		assert.Equal(t, "boom", pe.Value)
		assert.Contains(t, pe.Event, "deliver string from n1")
		assert.Contains(t, pe.Stack, "HandleMessage")
	}()
	s.RunFor(time.Second)
	t.Fatal("the panic did not stop the run")
}

func TestEventLimitStopsStorm(t *testing.T) {
	s, _ := newSim(t, Config{Nodes: 2, MaxEvents: 1000}, func(id node.ID) *recorder {
		return &recorder{
			onStart: func(env node.Env) { env.Send(env.Peers()[0], "storm") },
			onMsg: func(env node.Env, from node.ID, m node.Message) {
				env.Send(from, "storm")
				env.Send(from, "storm")
			},
		}
	})
	defer func() {
		le, ok := recover().(*LimitError)
		require.True(t, ok)
		assert.Contains(t, le.Error(), "string×")
	}()
	s.RunFor(time.Hour)
	t.Fatal("the storm was not stopped")
}

func TestInvalidConfigNamesField(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"loss", Config{Faults: faults.Model{Loss: 1.5}}, "loss: 1.5 is outside [0, 1]"},
		{"latency", Config{Faults: faults.Model{Latency: faults.Fixed(-time.Millisecond)}}, "latency.min: -1ms is negative"},
		{"link node", Config{Faults: faults.Model{Links: []faults.LinkRule{{From: 7}}}}, "links[0].from: unknown node 7"},
		{"schedule node", Config{Schedule: faults.Schedule{{Kind: faults.Crash, Nodes: []node.ID{4}}}}, "schedule[0].nodes[0]: unknown node 4"},
		{"schedule kind", Config{Schedule: faults.Schedule{{Kind: "explode"}}}, `unknown fault "explode"`},
		{"dist kind", Config{Faults: faults.Model{Latency: faults.Dist{Kind: "gauss"}}}, `latency.kind: unknown distribution "gauss"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Nodes = 3
			tc.cfg.Factory = func(node.ID) node.Node { return &recorder{} }
			_, err := New(tc.cfg)
			require.Error(t, err)
			assert.True(t, strings.Contains(err.Error(), tc.want), "got %q, want it to contain %q", err, tc.want)
		})
	}
}

// replier saves "k", answers, then syncs: correct only if no crash can
// strike between the answer and the Sync.
type replier struct{ env node.Env }

func (r *replier) Start(env node.Env) { r.env = env }
func (r *replier) HandleTimer(any)    {}
func (r *replier) HandleMessage(from node.ID, m node.Message) {
	st := r.env.Storage()
	st.Save("a", []byte("1"))
	st.Save("b", []byte("2"))
	r.env.Send(from, "ack")
	st.Sync()
}

type asker struct {
	env  node.Env
	acks *int
}

func (a *asker) Start(env node.Env) {
	a.env = env
	if env.ID() == 1 {
		env.Send(2, "req")
	}
}
func (a *asker) HandleTimer(any) {}
func (a *asker) HandleMessage(node.ID, node.Message) {
	*a.acks++
}

// TestCrashWithinAHandler: a crash that strikes inside a handler keeps
// what was done before it and drops what came after; across seeds it
// strikes at every point, including between the answer and the Sync, and
// a Sync it tears keeps some writes and loses others.
func TestCrashWithinAHandler(t *testing.T) {
	outcomes := map[string]int{}
	for seed := uint64(1); seed <= 200; seed++ {
		acks := 0
		m := faults.Reliable()
		m.TornSync = true
		s, err := New(Config{Nodes: 2, Seed: seed, Faults: m,
			Schedule: faults.Schedule{{At: 0, Kind: faults.Crash, Nodes: []node.ID{2}, Within: true}},
			Factory: func(id node.ID) node.Node {
				if id == 2 {
					return &replier{}
				}
				return &asker{acks: &acks}
			}})
		require.NoError(t, err)
		s.RunFor(time.Second)
		require.False(t, s.Up(2), "the crash struck in the first handler n2 ran")
		_, a := s.Storage(2).Load("a")
		_, b := s.Storage(2).Load("b")
		outcomes[fmt.Sprintf("ack=%d a=%v b=%v", acks, a, b)]++
	}
	assert.Contains(t, outcomes, "ack=0 a=false b=false", "struck before the answer")
	assert.Contains(t, outcomes, "ack=1 a=false b=false", "answered, then crashed before the Sync: the bug this fault exists to show")
	assert.Contains(t, outcomes, "ack=1 a=true b=true", "struck after the Sync, or never inside the handler")
	torn := outcomes["ack=1 a=true b=false"] + outcomes["ack=1 a=false b=true"]
	assert.Positive(t, torn, "a torn Sync keeps some writes: %v", outcomes)
}

// TestCutOff: the simulator says which nodes the partitions in force cut
// off from the rest: isolated ones and those of a partition's named
// groups, until a heal; a one-way cut cuts no node off.
func TestCutOff(t *testing.T) {
	for _, tc := range []struct {
		name  string
		apply func(s *Sim)
		want  []node.ID
	}{
		{"nothing", func(*Sim) {}, nil},
		{"isolate", func(s *Sim) { s.Isolate(2, 4) }, []node.ID{2, 4}},
		{"partition", func(s *Sim) { s.Partition([]node.ID{1, 5}) }, []node.ID{1, 5}},
		{"one way", func(s *Sim) { s.Block(1, 2) }, nil},
		{"healed", func(s *Sim) { s.Isolate(3); s.Heal() }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Config{Nodes: 5, Seed: 1, Faults: faults.Reliable(), Factory: func(node.ID) node.Node { return &replier{} }})
			require.NoError(t, err)
			tc.apply(s)
			var got []node.ID
			for _, id := range s.IDs() {
				if s.CutOff(id) {
					got = append(got, id)
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
