package run

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/faultline-dev/faultline/grader/result"
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

// Grade runs the lab's selected tests and returns the result. The error is
// for problems with the options; test failures are in the result. When ctx
// ends first, Grade returns what it graded so far, marked Interrupted,
// with ErrInterrupted.
func Grade(ctx context.Context, o Options) (*result.Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	lab := o.Lab
	var tests []int
	for i, t := range lab.Tests {
		if o.Run == nil || o.Run.MatchString(t.Name) {
			tests = append(tests, i)
		}
	}
	if len(tests) == 0 {
		return nil, fmt.Errorf("no test of lab %s matches %q (run 'faultline labs' to list them)", lab.Name, o.Run)
	}
	items := o.plan(tests)
	p := o.newPool("p", o.Parallel)
	defer p.close()

	// Phase 1: every run, those the determinism check may run again
	// fingerprinted as they run. A test whose run hung or crashed its
	// runner runs no more seeds: each would cost the watchdog again.
	markChecks(items)
	outs := make([]outcome, len(items))
	stopped := make([]atomic.Bool, len(lab.Tests))
	var done atomic.Int64
	ran := make([]bool, len(items))
	chunks := chunk(len(items), o.Parallel)
	p.each(ctx, len(chunks), func(ex executor, c int) {
		lo, hi := chunks[c][0], chunks[c][1]
		reqs := make([]request, hi-lo)
		for i := lo; i < hi; i++ {
			reqs[i-lo] = o.request(&lab.Tests[items[i].test], items[i].seed)
			reqs[i-lo].Digest = items[i].digest
		}
		skip := func(k int) bool {
			if !stopped[items[lo+k].test].Load() {
				return false
			}
			outs[lo+k], ran[lo+k] = outcome{Status: runSkipped}, true
			if o.Progress != nil {
				o.Progress(int(done.Add(1)), len(items))
			}
			return true
		}
		ex.execAll(ctx, reqs, skip, func(k int, out outcome) {
			i := lo + k
			outs[i], ran[i] = out, true
			if out.stops() {
				stopped[items[i].test].Store(true)
			}
			if o.Progress != nil {
				o.Progress(int(done.Add(1)), len(items))
			}
		})
	})
	interrupted := ctx.Err() != nil

	res := &result.Result{Version: result.Version, Lab: lab.Name, Impl: o.Impl}
	if o.ShardCount > 1 {
		res.Shard = fmt.Sprintf("%d/%d", o.ShardIndex, o.ShardCount)
	}
	var judged []*reported
	for _, ti := range tests {
		t := &lab.Tests[ti]
		tr := result.Test{Name: t.Name, Part: t.Part, Points: t.Points, Description: t.Description, Lesson: t.Lesson, Status: result.Pass}
		first, last := -1, -1
		var runs []int
		for i, it := range items {
			if it.test != ti || !ran[i] || outs[i].Status == runSkipped || outs[i].Kind == kindInterrupted {
				continue
			}
			tr.Seeds++
			tr.WallMS += float64(outs[i].Wall.Microseconds()) / 1000
			last = i
			runs = append(runs, i)
			if first < 0 && !outs[i].passed() {
				first = i
			}
		}
		if last < 0 {
			// Another shard runs this test, or grading stopped before it.
			if !interrupted {
				continue
			}
			tr.Status = result.Skipped
			tr.Message = "not run: grading was interrupted"
			res.MaxScore += t.Points
			res.Tests = append(res.Tests, tr)
			continue
		}
		res.MaxScore += t.Points
		report := last
		if first >= 0 {
			report = first
		}
		it := items[report]
		tr.Seed = it.seed
		tr.VirtualMS = outs[report].Virtual.Milliseconds()
		tr.Replay = o.replay(t, it.seed)
		res.Tests = append(res.Tests, tr)
		judged = append(judged, &reported{t: t, it: it, out: outs[report], checks: o.checks(report, runs, items, outs)})
	}
	k := 0
	for i := range res.Tests {
		if res.Tests[i].Status == result.Skipped {
			continue
		}
		judged[k].tr = &res.Tests[i]
		k++
	}
	if !interrupted {
		// Phase 2: the determinism check, in runners of its own: runner
		// processes that ran none of the runs they check.
		o.verify(ctx, p, judged, items, outs)
		// Phase 3: judge each test's reported run, in parallel.
		p.each(ctx, len(judged), func(ex executor, i int) {
			o.judge(ctx, ex, judged[i])
		})
		interrupted = ctx.Err() != nil
	} else {
		for _, j := range judged {
			o.verdict(j.t, j.it.seed, &j.out, j.tr)
		}
	}
	for i := range res.Tests {
		if res.Tests[i].Status == result.Pass {
			res.Tests[i].Score = res.Tests[i].Points
		}
		res.Score += res.Tests[i].Score
	}
	res.Status = result.Pass
	for _, t := range res.Tests {
		if t.Status == result.Error {
			res.Status = result.Error
			break
		}
		if t.Status == result.Fail {
			res.Status = result.Fail
		}
	}
	res.WallMS = time.Since(start).Milliseconds()
	if interrupted {
		res.Interrupted = true
		res.Status = result.Error
		return res, ErrInterrupted
	}
	return res, nil
}

// reported is a test's reported run and what the determinism check found.
type reported struct {
	t   *suite.Test
	it  item
	out outcome
	tr  *result.Test
	// checks are the runs (indexes into the grading's items) to run again
	// elsewhere, the reported one first; a seed may appear more than once
	// when the test ran fewer than minChecks seeds.
	checks []int
	// diff is the first check whose re-run differed, if any.
	diff *difference
	// hash fingerprints the reported run when it was not fingerprinted as
	// it ran (found by verify).
	hash string
}

// difference is a seed whose re-run in another runner gave another run.
type difference struct {
	seed        uint64
	orig, again outcome
}

// minChecks is how many re-runs in another runner each test gets at
// least: the reported run and two more of its seeds.
const minChecks = 3

// markChecks marks the runs of each test that the determinism check may
// run again, to be fingerprinted as they run: the first, the middle and
// the last of its seeds (the last is the run a passing test reports).
// Fingerprinting costs about as much per event as the run itself, so the
// other runs go without.
func markChecks(items []item) {
	byTest := map[int][]int{}
	var order []int
	for i, it := range items {
		if _, ok := byTest[it.test]; !ok {
			order = append(order, it.test)
		}
		byTest[it.test] = append(byTest[it.test], i)
	}
	for _, t := range order {
		runs := byTest[t]
		for _, i := range []int{runs[0], runs[len(runs)/2], runs[len(runs)-1]} {
			items[i].digest = true
		}
	}
}

// checks picks the runs of a test to run again: the reported one and the
// fingerprinted others, at least minChecks re-runs in all (the reported
// seed again when the test ran fewer seeds; once for a replay of one seed,
// Options.Seed). Runs that hung, crashed or
// were given up are not run again: they would only do it again.
func (o *Options) checks(report int, runs []int, items []item, outs []outcome) []int {
	if outs[report].stops() || outs[report].Status == runError {
		return nil
	}
	want := minChecks
	if o.Seed != 0 {
		want = 1 // a replay of one run: checked once, as it always was
	}
	checks := []int{report}
	for _, i := range runs {
		if len(checks) < want && i != report && items[i].digest && !outs[i].stops() && outs[i].Status != runError {
			checks = append(checks, i)
		}
	}
	for len(checks) < want {
		checks = append(checks, report)
	}
	return checks
}

// verify runs every test's checks again in runners that ran none of the
// grading's runs (DESIGN.md decision 13). A failing test's checks run in a
// runner of their own, the reported run first: as its replay command would
// run it, alone in a fresh process, so that a failure caused by state kept
// from earlier runs (in a package variable, or in a library's, such as
// encoding/gob's type registry) shows as a re-run that passes. A passing
// test's checks share Parallel fresh runners (a process of its own for
// each would cost a runner's warm-up per test): they run there after other
// tests' checks, in another order than they first ran. Iteration over a Go
// map, whose order differs from run to run and process to process, shows
// in any of them. In-process, a fresh runner struct is all there is:
// package state is still shared, and only runner processes isolate it.
//
// A reported failing run that was not fingerprinted is first run again,
// fingerprinted, in one of the grading's runners (p), which had run
// others before it as the original had.
func (o *Options) verify(ctx context.Context, p *pool, judged []*reported, items []item, outs []outcome) {
	var mu sync.Mutex
	sem := make(chan struct{}, o.Parallel)
	shared := o.newPool("v", o.Parallel) // a runner process starts at its first run
	defer shared.close()
	var wg sync.WaitGroup
	for n, j := range judged {
		if len(j.checks) == 0 {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			orig := func(k int) *outcome { return &outs[j.checks[k]] }
			if first := orig(0); first.Hash == "" {
				req := o.request(j.t, items[j.checks[0]].seed)
				req.Digest = true
				pex := <-p.free
				again := pex.exec(ctx, req)
				p.free <- pex
				if again.Kind == kindInterrupted {
					return
				}
				if again.signature() != first.signature() {
					mu.Lock()
					j.diff = &difference{seed: items[j.checks[0]].seed, orig: *first, again: again}
					mu.Unlock()
					return
				}
				first = &again
				j.hash = again.Hash
				orig = func(k int) *outcome {
					if k == 0 {
						return first
					}
					return &outs[j.checks[k]]
				}
			}
			var ex executor
			if j.out.passed() {
				ex = <-shared.free
				defer func() { shared.free <- ex }()
			} else {
				ex = o.newExecutor(fmt.Sprintf("f%d", n+1))
				defer ex.close()
			}
			reqs := make([]request, len(j.checks))
			for k, i := range j.checks {
				reqs[k] = o.request(j.t, items[i].seed)
				reqs[k].Digest = true
			}
			ex.execAll(ctx, reqs, func(int) bool { return false }, func(k int, again outcome) {
				orig := orig(k)
				if again.Kind == kindInterrupted || again.Hash == orig.Hash && again.signature() == orig.signature() {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if j.diff == nil {
					j.diff = &difference{seed: items[j.checks[k]].seed, orig: *orig, again: again}
				}
			})
		}()
	}
	wg.Wait()
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

// chunk cuts n runs into consecutive batches for the workers: small
// enough that every worker stays busy to the end, large enough that a
// runner process is never idle between two runs.
func chunk(n, workers int) [][2]int {
	size := max(1, min(16, n/(4*max(workers, 1))))
	var out [][2]int
	for lo := 0; lo < n; lo += size {
		out = append(out, [2]int{lo, min(lo+size, n)})
	}
	return out
}

// plan lists every (test, seed) in order; this shard keeps every n-th.
func (o *Options) plan(tests []int) []item {
	var items []item
	g := 0
	for _, ti := range tests {
		t := &o.Lab.Tests[ti]
		n := max(t.Seeds, 1)
		if o.Seeds > 0 {
			n = o.Seeds
		}
		for i := range n {
			seed := SeedFor(o.Lab.Name, t.Name, i)
			if o.Seed != 0 {
				if i > 0 {
					break
				}
				seed = o.Seed
			}
			if g%o.ShardCount == o.ShardIndex-1 {
				items = append(items, item{test: ti, seed: seed, index: i})
			}
			g++
		}
	}
	return items
}

// verdict fills in a test's status and message from its reported run
// alone.
func (o *Options) verdict(t *suite.Test, seed uint64, out *outcome, tr *result.Test) {
	tr.Output = out.Output
	if out.passed() {
		tr.Status = result.Pass
		return
	}
	tr.Status = result.Fail
	if out.Status == runError || out.Status == runGaveUp {
		tr.Status = result.Error
	}
	tr.Message = fmt.Sprintf("seed %d: %s", seed, out.Message)
	if out.Status == runGaveUp {
		tr.Message += "; replay: " + tr.Replay
	}
	tr.Kind = out.signature()
	if n := max(out.MisuseCount, len(out.Misuses)); n > 0 {
		tr.Message += fmt.Sprintf(" (the implementation also misused its Env %d times; first: %s)", n, out.Misuses[0])
	}
	tr.Hint = hint(o.Lab, t, out)
}

// judge fills in a test's status, message, trace and shrink from its
// reported run and the determinism check's re-runs.
func (o *Options) judge(ctx context.Context, ex executor, j *reported) {
	t, seed, out, tr := j.t, j.it.seed, &j.out, j.tr
	o.verdict(t, seed, out, tr)
	tr.TraceHash = cmp.Or(out.Hash, j.hash)
	d := j.diff
	if d == nil {
		o.traceAndShrink(ctx, ex, t, seed, out, tr)
		return
	}
	if d.again.Status == runGaveUp {
		// The re-run's machine gave up: no verdict on determinism.
		tr.Status, tr.Kind, tr.Hint = result.Error, d.again.signature(), ""
		tr.Seed, tr.Replay = d.seed, o.replay(t, d.seed)
		tr.Message = fmt.Sprintf("seed %d: %s; replay: %s", d.seed, d.again.Message, tr.Replay)
		return
	}
	tr.Status, tr.Kind, tr.Hint, tr.Score = result.Error, "nondeterministic", "", 0
	tr.Seed, tr.Replay = d.seed, o.replay(t, d.seed)
	tr.Message = fmt.Sprintf("seed %d gave different runs when run again in another runner: %s. The implementation is nondeterministic. "+
		"Look for iteration over a map deciding what to send, the global math/rand source instead of env.Rand(), "+
		"the wall clock instead of env.Now(), goroutines, or state kept between runs in package variables.", d.seed, o.explain(ctx, ex, t, d))
}

// traceAndShrink writes a failing run's trace and shrinks it.
func (o *Options) traceAndShrink(ctx context.Context, ex executor, t *suite.Test, seed uint64, out *outcome, tr *result.Test) {
	if out.passed() || o.NoTraces {
		return
	}
	// The trace is of the run reported: with the items a replay of a
	// shrunk run leaves out.
	path, err := o.writeTrace(ctx, ex, t, seed, o.Drop, "")
	if err != nil {
		tr.Message += fmt.Sprintf(" (could not write the trace: %v)", err)
	} else {
		tr.Trace = path
		tr.Artifacts, _ = filepath.Glob(strings.TrimSuffix(path, ".jsonl") + "-*.html")
		if len(o.Drop) > 0 {
			// No flag names a drop set; the trace's header does.
			tr.Replay = "faultline grade --replay " + path + o.referenceFlags()
		}
	}
	if !o.NoShrink && len(out.Items) > 0 {
		tr.Shrink = o.shrink(ctx, ex, t, seed, out)
	}
}

func (o *Options) writeTrace(ctx context.Context, ex executor, t *suite.Test, seed uint64, drop []suite.Item, suffix string) (string, error) {
	if err := os.MkdirAll(o.TraceDir, 0o755); err != nil {
		return "", err
	}
	path, err := filepath.Abs(filepath.Join(o.TraceDir, fmt.Sprintf("%s-%s-%d%s.jsonl", o.Lab.Name, t.Name, seed, suffix)))
	if err != nil {
		return "", err
	}
	req := o.request(t, seed)
	req.Drop, req.Trace = drop, path
	out := ex.exec(ctx, req)
	if out.TraceErr != "" {
		return "", errors.New(out.TraceErr)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
			path = rel
		}
	}
	return path, nil
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
