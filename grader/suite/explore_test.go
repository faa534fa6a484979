package suite

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pair is a node that keeps a value under two keys, "a" and "b", which
// must agree: it writes both at 10 ms and again at 20 ms. The split one
// writes them in one Sync, so a torn Sync leaves them apart; the atomic
// one keeps both in one key.
type pair struct {
	env    node.Env
	atomic bool
}

func (p *pair) Start(env node.Env) {
	p.env = env
	env.SetTimer(10*time.Millisecond, 1)
	env.SetTimer(20*time.Millisecond, 2)
}

func (p *pair) HandleTimer(v any) {
	st := p.env.Storage()
	val := []byte{byte(v.(int))}
	if p.atomic {
		st.Save("ab", append(val, val...))
	} else {
		st.Save("a", val)
		st.Save("b", val)
	}
	st.Sync()
}

func (p *pair) HandleMessage(node.ID, node.Message) {}

func pairs(atomic bool) node.Factory { return func(node.ID) node.Node { return &pair{atomic: atomic} } }

// testPairAgrees is a crash exploration: after each crash point, a and b
// must agree.
func testPairAgrees(t *T) {
	t.ExploreCrashes(sim.Exploration{Downs: []time.Duration{0, 5 * time.Millisecond}}, func(p *sim.CrashPoint) {
		s := t.NewSim(sim.Config{Nodes: 1, Factory: t.Impl().(node.Factory), Faults: faults.Reliable()})
		t.Invariant("pair", func() error {
			a, _ := s.Storage(1).Load("a")
			b, _ := s.Storage(1).Load("b")
			if string(a) != string(b) {
				return &Violation{Kind: "a and b disagree", Msg: fmt.Sprintf("a and b disagree: a=%v b=%v", a, b)}
			}
			return nil
		})
		s.RunFor(50 * time.Millisecond)
	})
}

func TestExploreCrashesFindsTheTornSync(t *testing.T) {
	lab := &Lab{Name: "explore", Tests: []Test{{Name: "PairAgrees", Run: testPairAgrees}}}
	for _, tc := range []struct {
		name   string
		atomic bool
		traced bool
		want   string // "" means the run passes
	}{
		{"split, untraced", false, false, "crash point n1 sync 1 torn keep {0}: a and b disagree"},
		{"split, traced", false, true, "crash point n1 sync 1 torn keep {0}: a and b disagree"},
		{"atomic", true, false, ""},
		{"atomic, traced", true, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf := &trace.Buffer{}
			o := Options{Lab: lab, Test: &lab.Tests[0], Seed: 1, Impl: pairs(tc.atomic), ImplName: "student"}
			if tc.traced {
				o.Trace = buf
			}
			out := NewT(o).Run()
			if tc.want == "" {
				require.True(t, out.Passed(), out.Describe())
			} else {
				require.NotNil(t, out.Failure, out.Describe())
				assert.True(t, strings.HasPrefix(out.Failure.Msg, tc.want), out.Failure.Msg)
				assert.Equal(t, "a and b disagree", out.Failure.Kind, "the kind does not name the point")
			}
			if !tc.traced {
				return
			}
			notes := 0
			starts := 0
			for _, r := range buf.Records {
				if strings.HasPrefix(r.Text, "crash point") {
					notes++
				}
				if r.Kind == trace.Start {
					starts++
				}
			}
			assert.Equal(t, 1, starts, "the trace holds one run")
			if tc.want != "" {
				assert.Equal(t, 1, notes, "the failing point's run, traced")
			} else {
				assert.Zero(t, notes, "the first run, with no crash point")
			}
		})
	}
}
