package suite

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// Options configure one run of one test.
type Options struct {
	Lab      *Lab
	Test     *Test
	Seed     uint64
	Impl     any
	ImplName string
	// Trace, if not nil, receives the run's trace.
	Trace trace.Sink
	// Watch makes the simulator keep its last events for a watchdog.
	Watch bool
	// MaxEvents bounds the run (a storm guard); 0 means 5 million.
	MaxEvents int
	// TracePath is the trace file this run writes, if any: artifacts a
	// test writes beside it (ArtifactPath) share its name.
	TracePath string
	// Deps holds the implementations of other labs this run uses, by lab
	// name: for a student's kvraft, their own Raft ("raft"). A lab's
	// harness asks with T.Dep and falls back to the reference when absent.
	Deps map[string]any
	// Drop lists items the shrinker removed.
	Drop map[Item]bool
}

// Failure says why a run failed.
type Failure struct {
	Check string // the check or invariant that failed, if any
	// Kind names the failure within its check ("leader completeness"), so
	// that a shrunk run can be held to the same failure: a Violation's
	// Kind, else KindOf the message.
	Kind  string
	Msg   string        // what was wrong
	Time  time.Duration // virtual time of the failure
	Nodes []node.ID     // the nodes involved, if known
	Event string        // the event after which it was detected, if any
}

func (f *Failure) Error() string {
	var b strings.Builder
	if f.Check != "" {
		b.WriteString(f.Check)
		b.WriteString(": ")
	}
	b.WriteString(f.Msg)
	fmt.Fprintf(&b, " (at %v", f.Time)
	if f.Event != "" {
		b.WriteString(", after ")
		b.WriteString(f.Event)
	}
	b.WriteString(")")
	return b.String()
}

// T is one run of one test with one seed.
type T struct {
	opts Options
	sim  atomic.Pointer[sim.Sim]
	// progress counts work a test does outside the simulator (a search's
	// states), for the watchdog (Progressed).
	progress atomic.Int64
	failure  *Failure
	items    []Item
	counts   map[string]int
	logs     []string
	onSim    []func(*sim.Sim)
	// The workload steps asked about at the instant stepsAt, by kind:
	// virtual time never goes back, so earlier instants are done with.
	stepsAt time.Duration
	steps   []stepCount
	// implPkgs are the implementation's packages (isImpl), found once.
	implPkgs map[string]bool
	// ExploreCrashes: the crash point of the scenario running (nil for the
	// first run, which records Syncs when recordSyncs), and quiet while
	// runs go untraced.
	point       *sim.CrashPoint
	recordSyncs bool
	quiet       bool
	// record and guides are the run's charts (record.go).
	record func() series.Set
	guides []series.Guide
	marks  []series.Interval
}

type stepCount struct {
	kind string
	n    int
}

// OnSim arranges for fn to be called with the run's simulator as soon as
// NewSim builds it, before the test adds its own hooks: how the grader
// attaches observers (the determinism check's fingerprints) to a run.
func (t *T) OnSim(fn func(*sim.Sim)) { t.onSim = append(t.onSim, fn) }

// NewT prepares a run.
func NewT(o Options) *T { return &T{opts: o, counts: map[string]int{}} }

// Seed returns the run's seed.
func (t *T) Seed() uint64 { return t.opts.Seed }

// Rand returns the run's random source for purpose, for choices a test
// makes before or outside the simulator (a fault schedule, a workload):
// the same stream as the simulator's Rand(purpose).
func (t *T) Rand(purpose string) *rand.Rand { return sim.Stream(t.opts.Seed, "test/"+purpose) }

// Impl returns the implementation under test; the lab's test asserts the
// type it expects.
func (t *T) Impl() any { return t.opts.Impl }

// ArtifactPath returns where the test may write a file about this run
// beside its trace, named by suffix ("-porcupine.html"), or "" when the
// run writes no trace file (nothing is kept, so there is nowhere to
// write).
func (t *T) ArtifactPath(suffix string) string {
	if t.opts.TracePath == "" {
		return ""
	}
	return strings.TrimSuffix(t.opts.TracePath, ".jsonl") + suffix
}

// Dep returns the implementation of lab name this run should build on
// (Options.Deps), or nil for the lab's reference.
func (t *T) Dep(name string) any { return t.opts.Deps[name] }

// ImplName returns the implementation's name, such as "solution".
func (t *T) ImplName() string { return t.opts.ImplName }

// Name returns "lab/test".
func (t *T) Name() string { return t.opts.Lab.Name + "/" + t.opts.Test.Name }

// NewSim builds the run's simulator from cfg, filling in the seed, the trace,
// the names, the event bound and the lab's state observer, passing the
// schedule through Schedule, and enforcing the test's virtual time limit.
func (t *T) NewSim(cfg sim.Config) *sim.Sim {
	cfg.Seed = t.opts.Seed
	cfg.Trace = t.opts.Trace
	if t.quiet {
		cfg.Trace = nil
	}
	if t.point != nil {
		cfg.Crashes = append(cfg.Crashes, *t.point)
	}
	cfg.RecordSyncs = cfg.RecordSyncs || t.recordSyncs
	cfg.Lab, cfg.Test, cfg.Impl = t.opts.Lab.Name, t.opts.Test.Name, t.opts.ImplName
	cfg.Watch = t.opts.Watch
	if cfg.MaxEvents == 0 {
		cfg.MaxEvents = t.opts.MaxEvents
	}
	if cfg.MaxEvents == 0 {
		cfg.MaxEvents = 5_000_000
	}
	if cfg.MaxRate == 0 {
		cfg.MaxRate = cmp.Or(t.opts.Test.MaxRate, t.opts.Lab.MaxRate, DefaultMaxRate)
	}
	cfg.Schedule = t.Schedule(cfg.Schedule)
	for it := range t.opts.Drop {
		cfg.Drop = append(cfg.Drop, it.String())
	}
	slices.Sort(cfg.Drop)
	s, err := sim.New(cfg)
	if err != nil {
		panic(fmt.Errorf("test %s builds an invalid simulator: %w", t.Name(), err))
	}
	if obs := t.opts.Lab.Observe; obs != nil {
		s.ObserveState(func(_ node.ID, n node.Node) any { return obs(n) })
	}
	limit := t.opts.Test.Limit
	if limit == 0 {
		limit = time.Minute
	}
	s.OnEvent(func(ev *sim.Event) {
		if ev.Time > limit {
			t.Fail(Failure{Check: "time limit", Msg: fmt.Sprintf("the test ran past its virtual time limit of %v without finishing", limit)})
		}
	})
	t.sim.Store(s)
	for _, fn := range t.onSim {
		fn(s)
	}
	return s
}

// Sim returns the simulator built by NewSim, or nil. Safe from any goroutine.
func (t *T) Sim() *sim.Sim { return t.sim.Load() }

// Schedule returns s without the faults the shrinker removed, and notes
// every fault as a removable item. An undo (heal, restart, resume) is kept
// while any fault it undoes is kept, and removed with the last of them.
func (t *T) Schedule(s faults.Schedule) faults.Schedule {
	base := t.counts["fault"]
	t.counts["fault"] += len(s)
	undo := UndoOf(s)
	dropped := func(i int) bool { return t.opts.Drop[Item{Kind: "fault", Index: base + i}] }
	var out faults.Schedule
	for i, e := range s {
		if undone, ok := undo[i]; ok {
			keep := len(undone) == 0 // an undo of nothing stays as written
			for _, j := range undone {
				keep = keep || !dropped(j)
			}
			if keep {
				out = append(out, e)
			}
			continue
		}
		t.items = append(t.items, Item{Kind: "fault", Index: base + i})
		if !dropped(i) {
			out = append(out, e)
		}
	}
	return out
}

// Keep reports whether the workload step of kind the test is about to take
// should run. A test asks before each step it could do without (a client
// request, a crash of its own); the shrinker answers false to remove
// steps. Steps are named by kind and the virtual time of the question.
func (t *T) Keep(kind string) bool {
	var at time.Duration
	if s := t.Sim(); s != nil {
		at = s.Now()
	}
	if at != t.stepsAt {
		t.stepsAt, t.steps = at, t.steps[:0]
	}
	k := 0
	for k < len(t.steps) && t.steps[k].kind != kind {
		k++
	}
	if k == len(t.steps) {
		t.steps = append(t.steps, stepCount{kind: kind})
	}
	it := Item{Kind: kind, At: at, Index: t.steps[k].n}
	t.steps[k].n++
	t.items = append(t.items, it)
	return !t.opts.Drop[it]
}

// Invariant registers check to run after every event of the simulator
// (call it after NewSim). A non-nil error fails the run at that event.
func (t *T) Invariant(name string, check func() error) {
	s := t.Sim()
	if s == nil {
		panic("suite: Invariant before NewSim")
	}
	s.OnEvent(func(ev *sim.Event) {
		if err := check(); err != nil {
			f := Failure{Check: name, Msg: err.Error(), Event: describe(ev)}
			var v *Violation
			if errors.As(err, &v) {
				f.Nodes, f.Kind = v.Nodes, v.Kind
			} else if ev.Node != 0 {
				f.Nodes = []node.ID{ev.Node}
			}
			t.Fail(f)
		}
	})
}

// Violation is an error an invariant may return to name the nodes involved.
type Violation struct {
	Nodes []node.ID
	Msg   string
	// Kind names the property violated, so that a shrunk run is held to
	// the same failure whatever its numbers; "" means KindOf(Msg), the
	// words before the message's first colon.
	Kind string
}

// KindOf names a failure from its message: the words before the first
// colon (a message reads "kind: details"), or the whole first clause, with
// identifiers blanked out: numbers in quotes ("c58") and long numbers
// (seeds, nanoseconds). Small counts stay: "not applied by 1 node" and
// "by 5 nodes" are different failures.
func KindOf(msg string) string {
	head := msg
	if i := strings.IndexAny(head, ":\n"); i >= 0 {
		head = head[:i]
	}
	if i := strings.Index(head, " (at "); i >= 0 {
		head = head[:i]
	}
	var b strings.Builder
	quoted := false
	for i := 0; i < len(head); {
		c := head[i]
		if c < '0' || c > '9' {
			if c == '"' {
				quoted = !quoted
			}
			b.WriteByte(c)
			i++
			continue
		}
		j := i
		for j < len(head) && head[j] >= '0' && head[j] <= '9' {
			j++
		}
		if quoted || j-i >= 4 {
			b.WriteByte('#') // an identifier, not a count
		} else {
			b.WriteString(head[i:j])
		}
		i = j
	}
	return strings.TrimSpace(b.String())
}

func (v *Violation) Error() string { return v.Msg }

func describe(ev *sim.Event) string {
	switch ev.Kind {
	case sim.EventDeliver:
		return fmt.Sprintf("deliver %T %v->%v", ev.Msg, ev.From, ev.Node)
	case sim.EventTimer:
		return fmt.Sprintf("timer %T on %v", ev.Timer, ev.Node)
	case sim.EventFault:
		return "fault " + ev.Fault.String()
	case sim.EventCall:
		return fmt.Sprintf("call into %v", ev.Node)
	case sim.EventStart:
		return fmt.Sprintf("start %v", ev.Node)
	default:
		return ev.Kind.String()
	}
}

// failed is what Fail panics with to stop the test body.
type failed struct{}

// StopRun marks failed as the test's own stop, not a node's panic.
func (failed) StopRun() {}

// Fail records f (time and kind filled in) and stops the run.
func (t *T) Fail(f Failure) {
	if f.Kind == "" {
		f.Kind = KindOf(f.Msg)
	}
	if s := t.Sim(); s != nil {
		f.Time = s.Now()
		s.Check(f.Check, errors.New(f.Msg))
	}
	if t.failure == nil {
		t.failure = &f
	}
	panic(failed{})
}

// Fatalf fails the run with a message and stops it.
func (t *T) Fatalf(format string, args ...any) {
	t.Fail(Failure{Msg: fmt.Sprintf(format, args...)})
}

// Check records a named check's verdict in the trace and fails the run if
// err is not nil. A *Violation in err's chain names the failure's kind;
// its message is err's whole text.
func (t *T) Check(name string, err error) {
	if err != nil {
		f := Failure{Check: name, Msg: err.Error()}
		if v, ok := errors.AsType[*Violation](err); ok {
			f.Kind = v.Kind
		}
		t.Fail(f)
	}
	if s := t.Sim(); s != nil {
		s.Check(name, nil)
	}
}

// Logf adds a line to the test's log (shown with a failure) and the trace.
func (t *T) Logf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	t.logs = append(t.logs, line)
	if s := t.Sim(); s != nil {
		s.Notef("%s", line)
	}
}

// Outcome is the result of one run.
type Outcome struct {
	Failure *Failure        // the test failed a check
	Panic   *sim.PanicError // the implementation panicked
	// PanicKind names the panic by its value's type and site (PanicKind).
	PanicKind string
	Limit     *sim.LimitError // the run exceeded an event bound
	Err       error           // the test itself is broken
	Items     []Item          // the removable items the run went through
	Logs      []string
	Virtual   time.Duration
	Events    int64
	// Recording is what the run recorded for charts (T.Record, T.Guide),
	// or nil; RecordErr says why a recording was lost.
	Recording *series.Set
	RecordErr error
}

// Passed reports whether the run passed.
func (o *Outcome) Passed() bool {
	return o.Failure == nil && o.Panic == nil && o.Limit == nil && o.Err == nil
}

// Describe says in one line how the run ended: the failed check, the panic,
// the exceeded bound, the broken test, or "passed".
func (o *Outcome) Describe() string {
	switch {
	case o.Failure != nil:
		return o.Failure.Error()
	case o.Panic != nil:
		return o.Panic.Error()
	case o.Limit != nil:
		return o.Limit.Error()
	case o.Err != nil:
		return o.Err.Error()
	}
	return "passed"
}

// Run runs the test body once and reports how it ended. It never panics.
func (t *T) Run() (out Outcome) {
	defer func() {
		v := recover()
		switch v := v.(type) {
		case nil:
		case failed: // the suite's own stop, by type: a method set proves nothing
			out.Failure = t.failure
		case *sim.PanicError:
			t.blame(&out, v.Value, v.Stack, v)
		case *sim.LimitError:
			out.Limit = v
		default:
			t.blame(&out, v, string(debug.Stack()), nil)
		}
		if t.point != nil {
			out.atCrashPoint(*t.point)
		}
		out.Items, out.Logs = t.items, t.logs
		out.Recording, out.RecordErr = t.recording()
		if s := t.Sim(); s != nil {
			out.Virtual, out.Events = s.Now(), s.Dispatched()
		}
	}()
	t.opts.Test.Run(t)
	return out
}

// blame decides whose a panic with value v and stack is: the
// implementation's when its deepest frame past the runtime and the
// standard library is in the implementation's packages (whether a handler
// or the test called that code), the lab's when it is in the platform's.
// pe is the simulator's report of a panic in a handler, if it was one.
func (t *T) blame(out *Outcome, v any, stack string, pe *sim.PanicError) {
	site, impl, _ := Blame(stack, t.isImpl)
	if !impl {
		// A bug in the lab, whatever the value claims to be.
		msg := fmt.Sprintf("test panicked: %s", PanicText(v))
		if pe != nil {
			msg = fmt.Sprintf("the platform panicked while %v handled %s: %s", pe.Node, pe.Event, PanicText(v))
		}
		if site.Function != "" {
			msg += fmt.Sprintf(" (at %s, %s:%d)", site.Function, site.File, site.Line)
		}
		out.Err = errors.New(msg)
		return
	}
	if pe == nil {
		// Outside any handler: the test called into the implementation
		// (a check reading State), or a handler's panic value had a StopRun
		// method of its own and came through the simulator as a stop.
		pe = &sim.PanicError{Value: v, Stack: stack, Event: "a call from the test, outside any handler"}
		if s := t.Sim(); s != nil {
			pe.Time = s.Now()
			if ev := s.Current(); ev != nil && strings.Contains(stack, "sim.(*Sim).rescue") {
				pe.Node, pe.Event = ev.Node, describe(ev)
			}
		}
	}
	out.Panic, out.PanicKind = pe, PanicKind(v, site)
}

// isImpl reports whether pkg is one of the packages of the implementation
// under test (or of the implementations of other labs it builds on). The
// platform's own implementations also own the reference, which its
// mutants wrap.
func (t *T) isImpl(pkg string) bool {
	if t.implPkgs == nil {
		t.implPkgs = map[string]bool{}
		implPackages(t.opts.Impl, t.implPkgs)
		for _, d := range t.opts.Deps {
			implPackages(d, t.implPkgs)
		}
		if t.opts.ImplName != "student" && t.opts.Lab != nil {
			implPackages(t.opts.Lab.Solution, t.implPkgs)
		}
	}
	return t.implPkgs[pkg] || t.opts.ImplName != "student" && referenceCode(pkg)
}

// referenceCode reports whether pkg holds the platform's implementations:
// a lab's internal/reference or mutants package, the only places
// reference code lives (docs/design.md, "One layout for every lab"). A
// mutant or a Solution is often a closure of the lab's suite package
// around the reference, so the packages its value names miss the
// reference's own (a shardkv mutant's panic in internal/reference was
// blamed on the platform).
func referenceCode(pkg string) bool {
	return strings.Contains(pkg, "/labs/") && (strings.HasSuffix(pkg, "/internal/reference") || strings.HasSuffix(pkg, "/mutants"))
}

// panicTextLimit bounds how much of a panic's value a report shows.
const panicTextLimit = 4 << 10

// PanicText formats a panic's value for a report, at most 4 KiB of it. A
// value's Error or String method is the implementation's code: a panic in
// it is reported, not followed.
func PanicText(v any) (text string) {
	defer func() {
		if recover() != nil {
			text = fmt.Sprintf("a %T whose Error or String method panicked", v)
		}
	}()
	switch v := v.(type) {
	case string:
		text = v
	case error:
		text = v.Error()
	case fmt.Stringer:
		text = v.String()
	default:
		text = fmt.Sprint(v)
	}
	if len(text) > panicTextLimit {
		cut := panicTextLimit
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = fmt.Sprintf("%s… (%d more bytes not shown)", text[:cut], len(text)-cut)
	}
	return text
}

// ExploreCrashes explores the crash points of a scenario (issue 23): it
// runs scenario once with no crash point (p is nil), recording every Sync,
// then once for each point sim.CrashPoints(syncs, x) lists, each in a
// simulator of its own: scenario builds it with NewSim (which adds p to
// Config.Crashes), drives it and checks it, as a test body does. Each
// scenario should be short (an election and a few commits; a snapshot and
// its install): it runs once per point.
//
// The first failure stops the run, its message naming the point ("crash
// point n2 sync 3 torn keep {0}: ..."); its kind does not, so the shrinker
// holds a shrunk run to the same check wherever it crashes. The points are
// a pure function of the seed, so a replay of the seed explores the same
// points and fails at the same one; a traced run traces that point's run
// alone (the exploration runs untraced, and the failing point again
// traced), or the first run when every point passes. Removable items
// (Keep, Schedule) are numbered afresh in each run, and a drop set applies
// to every run.
func (t *T) ExploreCrashes(x sim.Exploration, scenario func(p *sim.CrashPoint)) {
	traced := t.opts.Trace != nil
	t.quiet = traced
	t.recordSyncs = true
	t.fresh()
	scenario(nil)
	t.recordSyncs = false
	syncs := slices.Clone(t.Sim().Syncs())
	for _, p := range sim.CrashPoints(syncs, x) {
		t.fresh()
		t.point = &p
		stop := t.explore(p, scenario)
		if stop == nil {
			continue
		}
		if traced {
			first := t.failure
			t.quiet, t.failure = false, nil
			t.fresh()
			if again := t.explore(p, scenario); again != nil {
				panic(again) // the same failure, traced
			}
			t.failure = first // the traced run passed: report the first
		}
		panic(stop)
	}
	t.point, t.quiet = nil, false
	if traced {
		t.fresh()
		scenario(nil) // the trace of a run that passed: the first
	}
}

// explore runs scenario at crash point p, returning what stopped it (nil
// when it passed).
func (t *T) explore(p sim.CrashPoint, scenario func(p *sim.CrashPoint)) (stop any) {
	defer func() { stop = recover() }()
	scenario(&p)
	return nil
}

// fresh starts a new run of an exploration: removable items are numbered
// from the start again.
func (t *T) fresh() {
	t.items, t.steps, t.stepsAt = nil, t.steps[:0], 0
	clear(t.counts)
}

// atCrashPoint names the crash point a run failed at in its report.
func (o *Outcome) atCrashPoint(p sim.CrashPoint) {
	switch {
	case o.Failure != nil:
		o.Failure.Msg = fmt.Sprintf("crash point %v: %s", p, o.Failure.Msg)
	case o.Panic != nil:
		o.Panic.Event += fmt.Sprintf(" (at crash point %v)", p)
	case o.Err != nil:
		o.Err = fmt.Errorf("crash point %v: %w", p, o.Err)
	}
}
