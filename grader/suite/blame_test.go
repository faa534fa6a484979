package suite

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stack builds a traceback as runtime/debug.Stack prints it, from
// "function file:line" frames.
func stack(frames ...string) string {
	var b strings.Builder
	b.WriteString("goroutine 1 [running]:\n")
	for _, f := range frames {
		fn, loc, _ := strings.Cut(f, " ")
		b.WriteString(fn + "(0x1, 0x2)\n\t" + loc + " +0x1f\n")
	}
	return b.String()
}

const (
	student  = "example.com/ws/raft"
	platform = "github.com/faultline-dev/faultline"
)

func TestBlameFindsTheDeepestFrameThatIsNotTheRuntimes(t *testing.T) {
	impl := func(pkg string) bool { return pkg == student }
	for _, tc := range []struct {
		name  string
		stack string
		site  string
		impl  bool
	}{
		{"a handler's panic", stack("runtime/debug.Stack /go/debug/stack.go:26", platform+"/grader/sim.(*Sim).rescue /p/sim.go:590",
			"panic /go/runtime/panic.go:860", "runtime.mapassign_faststr /go/runtime/map.go:1", student+".(*Raft).handleVote /ws/raft/raft.go:42",
			platform+"/grader/sim.(*Sim).deliver /p/sim.go:570"), "raft.(*Raft).handleVote:42", true},
		{"a value with StopRun let through and panicked again", stack(platform+"/grader/suite.(*T).Run.func1 /p/t.go:400", "panic /go/runtime/panic.go:860",
			platform+"/grader/sim.(*Sim).rescue /p/sim.go:590", "panic /go/runtime/panic.go:860", student+".(*Raft).State /ws/raft/raft.go:7",
			platform+"/labs/raft/raftlab.checkLeaders /p/check.go:10"), "raft.(*Raft).State:7", true},
		{"the standard library called by the student", stack("panic /go/runtime/panic.go:860", "strings.Repeat /go/strings/strings.go:600",
			student+".pad /ws/raft/log.go:3"), "raft.pad:3", true},
		{"the platform's own code", stack("panic /go/runtime/panic.go:860", platform+"/labs/raft/raftlab.checkLeaders /p/check.go:10",
			student+".(*Raft).HandleMessage /ws/raft/raft.go:9"), "raftlab.checkLeaders:10", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site, isImpl, ok := Blame(tc.stack, impl)
			require.True(t, ok)
			assert.Equal(t, tc.site, site.Site())
			assert.Equal(t, tc.impl, isImpl)
		})
	}
}

// TestPanicKindIgnoresTheText: a panic at index 5 and one at index 7 on
// the same line are the same failure.
func TestPanicKindIgnoresTheText(t *testing.T) {
	impl := func(pkg string) bool { return pkg == student }
	site, _, _ := Blame(stack("panic /go/runtime/panic.go:860", student+".(*Raft).apply /ws/raft/raft.go:88"), impl)
	type boundsError struct{ index int }
	assert.Equal(t, PanicKind(boundsError{5}, site), PanicKind(boundsError{7}, site))
	assert.Equal(t, "suite.boundsError at raft.(*Raft).apply:88", PanicKind(boundsError{5}, site))
}

// fakeStop has the suite's stop method, but is not the suite's stop.
type fakeStop struct{}

func (fakeStop) StopRun() {}

// TestOnlyTheSuitesStopStopsARun: T.Run blames a panic by its frames, and
// honours a StopRun method only on the suite's own type; a panic in the
// implementation outside any handler is the implementation's, in the
// platform a bug in the lab.
func TestOnlyTheSuitesStopStopsARun(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *T)
		impl any
		want func(t *testing.T, o Outcome)
	}{
		{"the implementation, called by a check", func(t *T) { t.Impl().(func(string, int) string)("x", -1) }, strings.Repeat,
			func(t *testing.T, o Outcome) {
				require.NotNil(t, o.Panic, o.Describe())
				assert.Contains(t, o.PanicKind, "at strings.Repeat:")
				assert.Contains(t, o.Panic.Event, "outside any handler")
			}},
		{"the lab's own code", func(t *T) { panic(fakeStop{}) }, strings.Repeat,
			func(t *testing.T, o Outcome) {
				require.Error(t, o.Err)
				assert.Nil(t, o.Panic)
				assert.Contains(t, o.Err.Error(), "test panicked")
			}},
		{"the suite's stop", func(t *T) { t.Fatalf("stop") }, strings.Repeat,
			func(t *testing.T, o Outcome) {
				require.NotNil(t, o.Failure)
				assert.Equal(t, "stop", o.Failure.Msg)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lab := &Lab{Name: "blame", Tests: []Test{{Name: "T", Run: tc.run}}}
			tt := NewT(Options{Lab: lab, Test: &lab.Tests[0], Impl: tc.impl, ImplName: "student"})
			tc.want(t, tt.Run())
		})
	}
}

// TestAStopRunMethodIsNoAlibi: a panic value of the implementation's with
// a StopRun method, let through by the simulator as a stop, is still the
// implementation's panic, at its own site.
func TestAStopRunMethodIsNoAlibi(t *testing.T) {
	lab := &Lab{Name: "blame", Tests: []Test{{Name: "T"}}}
	tt := NewT(Options{Lab: lab, Test: &lab.Tests[0], ImplName: "student"})
	tt.implPkgs = map[string]bool{student: true}
	var out Outcome
	tt.blame(&out, fakeStop{}, stack(platform+"/grader/suite.(*T).Run.func1 /p/t.go:400", "panic /go/runtime/panic.go:860",
		platform+"/grader/sim.(*Sim).rescue /p/sim.go:590", "panic /go/runtime/panic.go:860", student+".misbehave /ws/raft/misbehave.go:9"), nil)
	require.NotNil(t, out.Panic)
	assert.Nil(t, out.Err)
	assert.Equal(t, "suite.fakeStop at raft.misbehave:9", out.PanicKind)
}
