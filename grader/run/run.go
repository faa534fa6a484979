package run

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
)

// Options say what to grade and how.
type Options struct {
	Lab *suite.Lab
	// Impl names the implementation: "solution", "starter",
	// "mutant:<name>", or "student" for the one a Runner was built with
	// (or that Student holds).
	Impl string
	// Runner, when set, runs every run in runner processes built with the
	// implementation under test; nil runs them in this process.
	Runner *Runner
	// Student is the "student" implementation when grading in-process
	// (go test in a workspace), and StudentDeps the student's
	// implementations of the labs it builds on.
	Student     any
	StudentDeps map[string]any
	// Reference names labs this lab builds on whose reference to use
	// instead of the student's own (--raft reference).
	Reference []string
	// ReplayImpl is the --impl flag that Replay commands name; "" means
	// Impl.
	ReplayImpl string
	// Run selects tests by name; nil means all.
	Run *regexp.Regexp
	// Seed, when not zero, runs exactly this seed for each selected test.
	Seed uint64
	// Drop, with Seed, replays a shrunk run: these items are left out.
	Drop []suite.Item
	// Seeds, when positive, overrides each test's default number of seeds.
	Seeds int
	// Parallel is the number of runs at once; 0 means GOMAXPROCS.
	Parallel int
	// ShardIndex (1-based) and ShardCount split the work across machines.
	ShardIndex, ShardCount int
	// TraceDir receives failing runs' traces; "" means "traces".
	TraceDir string
	// NoTraces writes no trace files.
	NoTraces bool
	// NoShrink skips shrinking.
	NoShrink bool
	// MaxShrinkRuns bounds shrinking; 0 means 150.
	MaxShrinkRuns int
	// Watchdog is the CPU time a run may use without dispatching a single
	// event before its handler counts as hung; 0 means 5 s. CPU time, not
	// wall time: a loaded machine slows the run and its watchdog alike, so
	// the verdict is the same on any machine, and a run that makes
	// progress, however slowly, is never judged. (Wall time only ends a run
	// that makes no progress at all, not even in CPU time, for
	// max(60 s, 12 × Watchdog): an error of the grading, not a verdict.)
	Watchdog time.Duration
	// MaxEvents bounds one run's events (a storm guard); 0 means the suite's default.
	MaxEvents int
	// Charts keeps the series of every test's reported run that recorded
	// any (suite.T.Record), passing or not, beside the reference's for the
	// same seed; without it, only a failing test's (charts.go).
	Charts bool
	// Progress, if set, is told as runs finish.
	Progress func(done, total int)
}

type item struct {
	test  int
	seed  uint64
	index int // position among the test's seeds
	// digest: the run is fingerprinted as it runs, as one the
	// determinism check may run again (markChecks).
	digest bool
}

// ErrInterrupted is returned with a partial result when the context ends
// before grading does.
var ErrInterrupted = errors.New("run: grading interrupted")

func (o *Options) defaults() error {
	if o.Lab == nil {
		return errors.New("run: no lab")
	}
	if o.Impl == "" {
		o.Impl = "solution"
	}
	if o.Impl == "student" {
		if o.Runner == nil && o.Student == nil {
			return errors.New("run: grading a student's code needs a runner built from it")
		}
	} else if _, err := o.Lab.Impl(o.Impl); err != nil {
		return err
	}
	switch {
	case o.Parallel < 0:
		return fmt.Errorf("run: parallel is %d; want a positive number of runs at once", o.Parallel)
	case o.Seeds < 0:
		return fmt.Errorf("run: seeds is %d; want a positive number of seeds per test", o.Seeds)
	case o.Watchdog < 0:
		return fmt.Errorf("run: watchdog is %v; want a positive duration", o.Watchdog)
	}
	if o.Parallel == 0 {
		o.Parallel = runtime.GOMAXPROCS(0)
	}
	if o.TraceDir == "" {
		o.TraceDir = "traces"
	}
	if o.MaxShrinkRuns == 0 {
		o.MaxShrinkRuns = 150
	}
	if o.Watchdog == 0 {
		o.Watchdog = 5 * time.Second
	}
	if len(o.Drop) > 0 && o.Seed == 0 {
		return errors.New("run: a drop set replays one run: give its seed too")
	}
	if len(o.Drop) > 0 {
		o.NoShrink = true
	}
	if o.ReplayImpl == "" {
		o.ReplayImpl = o.Impl
	}
	if o.ShardCount == 0 {
		o.ShardIndex, o.ShardCount = 1, 1
	}
	if o.ShardIndex < 1 || o.ShardIndex > o.ShardCount {
		return fmt.Errorf("run: shard %d/%d: want i/n with 1 <= i <= n", o.ShardIndex, o.ShardCount)
	}
	return nil
}

// newExecutor makes an executor named name: a runner process of its own,
// or, in-process, a runner of its own (which shares the process's package
// variables with every other: only a runner process isolates them).
func (o *Options) newExecutor(name string) executor {
	if o.Runner != nil {
		return newProcess(o.Runner, o.Lab.Name, name)
	}
	return inProcess{r: &runner{lab: o.Lab, student: o.Student, deps: o.StudentDeps}, name: name}
}

func (o *Options) request(test *suite.Test, seed uint64) request {
	return request{Test: test.Name, Seed: seed, Impl: o.Impl, Watchdog: o.Watchdog, MaxEvents: o.MaxEvents, Drop: o.Drop, Reference: o.Reference}
}

// pool is Parallel executors shared by the phases of a grading.
type pool struct {
	free chan executor
	all  []executor
}

// newPool makes n executors named prefix1, prefix2, ...
func (o *Options) newPool(prefix string, n int) *pool {
	p := &pool{free: make(chan executor, n)}
	for i := range n {
		e := o.newExecutor(fmt.Sprintf("%s%d", prefix, i+1))
		p.all = append(p.all, e)
		p.free <- e
	}
	return p
}

// each calls fn(ex, i) for i in [0, n) on the pool's executors until ctx
// ends; it reports which i ran.
func (p *pool) each(ctx context.Context, n int, fn func(ex executor, i int)) []bool {
	ran := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		var ex executor
		select {
		case ex = <-p.free:
		case <-ctx.Done():
		}
		if ex == nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(ex, i)
			p.free <- ex
		}()
		ran[i] = true
	}
	wg.Wait()
	return ran
}

func (p *pool) close() {
	for _, e := range p.all {
		e.close()
	}
}

// stops reports a run that ended its runner, or that the grader gave up
// on: its test runs no more seeds, and it is not run again.
func (o *outcome) stops() bool { return o.Status.stops() }

// replay is the command that runs seed of test again exactly: every flag
// that changes the run.
func (o *Options) replay(t *suite.Test, seed uint64) string {
	cmd := "faultline grade " + o.Lab.Name
	if o.ReplayImpl != "student" {
		cmd += " --impl " + o.ReplayImpl
	}
	cmd += fmt.Sprintf(" --run '^%s$' --seed %d", t.Name, seed)
	return cmd + o.referenceFlags()
}

// referenceFlags are the flags that choose the platform's reference for
// the labs this lab builds on (--raft reference).
func (o *Options) referenceFlags() string {
	refs := slices.Clone(o.Reference)
	slices.Sort(refs)
	var b strings.Builder
	for _, name := range refs {
		fmt.Fprintf(&b, " --%s reference", name)
	}
	return b.String()
}

// TraceRun runs one seed of the named test as o describes and writes its
// trace to path: the TUI's replay, through the same executors as Grade.
func TraceRun(ctx context.Context, o Options, test string, seed uint64, path string) error {
	if err := o.defaults(); err != nil {
		return err
	}
	t, ok := o.Lab.Test(test)
	if !ok {
		return fmt.Errorf("lab %s has no test %q", o.Lab.Name, test)
	}
	ex := o.newExecutor("trace")
	defer ex.close()
	req := o.request(t, seed)
	req.Trace = path
	out := ex.exec(ctx, req)
	if out.TraceErr != "" {
		return errors.New(out.TraceErr)
	}
	if out.stops() {
		return fmt.Errorf("the run did not finish: %s", out.Message)
	}
	return nil
}
