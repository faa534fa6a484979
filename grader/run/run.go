package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

// Options say what to grade and how.
type Options struct {
	Lab  *suite.Lab
	Impl string // "solution", "starter" or "mutant:<name>"
	// Run selects tests by name; nil means all.
	Run *regexp.Regexp
	// Seed, when not zero, runs exactly this seed for each selected test.
	Seed uint64
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
	// Watchdog is the wall time one run may take; 0 means 10 s.
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
}

type outcome struct {
	out  suite.Outcome
	hung string // set when the watchdog fired
	wall time.Duration
	sim  struct{ misuses []string }
}

func (o *outcome) passed() bool { return o.hung == "" && o.out.Passed() }

// signature names how a run failed, for shrinking: a candidate must fail the
// same way.
func (o *outcome) signature() string {
	switch {
	case o.hung != "":
		return "hang"
	case o.out.Failure != nil:
		return "check:" + o.out.Failure.Check
	case o.out.Panic != nil:
		return "panic"
	case o.out.Limit != nil:
		return "limit:" + o.out.Limit.What
	case o.out.Err != nil:
		return "error"
	}
	return "pass"
}

func (o *Options) defaults() error {
	if o.Lab == nil {
		return errors.New("run: no lab")
	}
	if o.Impl == "" {
		o.Impl = "solution"
	}
	if _, err := o.Lab.Impl(o.Impl); err != nil {
		return err
	}
	if o.Parallel <= 0 {
		o.Parallel = runtime.GOMAXPROCS(0)
	}
	if o.TraceDir == "" {
		o.TraceDir = "traces"
	}
	if o.MaxShrinkRuns == 0 {
		o.MaxShrinkRuns = 150
	}
	if o.Watchdog == 0 {
		o.Watchdog = 10 * time.Second
	}
	if o.ShardCount == 0 {
		o.ShardIndex, o.ShardCount = 1, 1
	}
	if o.ShardIndex < 1 || o.ShardIndex > o.ShardCount {
		return fmt.Errorf("run: shard %d/%d: want i/n with 1 <= i <= n", o.ShardIndex, o.ShardCount)
	}
	return nil
}

// runOne runs one seed of one test with a wall-clock watchdog. A run whose
// handler never returns is abandoned: its goroutine leaks, the grader goes on.
func (o *Options) runOne(test *suite.Test, seed uint64, drop map[suite.Item]bool, sink trace.Sink) outcome {
	impl, _ := o.Lab.Impl(o.Impl)
	t := suite.NewT(suite.Options{Lab: o.Lab, Test: test, Seed: seed, Impl: impl, ImplName: o.Impl, Trace: sink, Watch: true, Drop: drop, MaxEvents: o.MaxEvents})
	start := time.Now()
	done := make(chan suite.Outcome, 1)
	go func() { done <- t.Run() }()
	timer := time.NewTimer(o.Watchdog)
	defer timer.Stop()
	var res outcome
	select {
	case res.out = <-done:
	case <-timer.C:
		// Is a handler stuck, or is the run busy? Look twice.
		s := t.Sim()
		var last []string
		var before, after int64
		if s != nil {
			before = s.Dispatched()
			select {
			case res.out = <-done:
				res.wall = time.Since(start)
				return res
			case <-time.After(50 * time.Millisecond):
			}
			after = s.Dispatched()
			last = s.LastEvents()
		}
		if after > before {
			res.hung = fmt.Sprintf("the run did not finish within %v of wall time although events kept coming (%d dispatched so far): "+
				"a message or timer storm? the last events were:\n    %s", o.Watchdog, after, strings.Join(last, "\n    "))
		} else {
			res.hung = fmt.Sprintf("a handler did not return within %v of wall time (an infinite loop, or a blocking call?); the last events were:\n    %s",
				o.Watchdog, strings.Join(last, "\n    "))
		}
	}
	res.wall = time.Since(start)
	if s := t.Sim(); s != nil && res.hung == "" {
		res.sim.misuses = s.Misuses()
	}
	return res
}

// Grade runs the lab's selected tests and returns the result. The error is
// for problems with the options; test failures are in the result.
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
	// The work: every (test, seed), in order; this shard keeps every n-th.
	var items []item
	g := 0
	for _, ti := range tests {
		t := &lab.Tests[ti]
		n := max(t.Seeds, 1)
		if o.Seeds > 0 {
			n = o.Seeds
		}
		for i := range n {
			seed := SeedFor(lab.Name, t.Name, i)
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
	outs := make([]outcome, len(items))
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range min(o.Parallel, max(1, len(items))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				it := items[i]
				outs[i] = o.runOne(&lab.Tests[it.test], it.seed, nil, nil)
				if o.Progress != nil {
					mu.Lock()
					done++
					o.Progress(done, len(items))
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := range items {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("grading interrupted: %w", err)
	}

	res := &result.Result{Version: result.Version, Lab: lab.Name, Impl: o.Impl}
	if o.ShardCount > 1 {
		res.Shard = fmt.Sprintf("%d/%d", o.ShardIndex, o.ShardCount)
	}
	for _, ti := range tests {
		t := &lab.Tests[ti]
		tr := result.Test{Name: t.Name, Part: t.Part, Points: t.Points, Description: t.Description, Status: result.Pass}
		first := -1
		last := -1
		for i, it := range items {
			if it.test != ti {
				continue
			}
			tr.Seeds++
			tr.WallMS += outs[i].wall.Milliseconds()
			last = i
			if first < 0 && !outs[i].passed() {
				first = i
			}
		}
		res.MaxScore += t.Points
		if last < 0 {
			tr.Status = result.Pass // another shard runs this test
			res.Tests = append(res.Tests, tr)
			continue
		}
		report := last
		if first >= 0 {
			report = first
		}
		it, out := items[report], outs[report]
		tr.Seed = it.seed
		tr.VirtualMS = out.out.Virtual.Milliseconds()
		tr.Replay = fmt.Sprintf("faultline grade %s --impl %s --run '^%s$' --seed %d", lab.Name, o.Impl, t.Name, it.seed)
		o.judge(t, it.seed, &out, &tr)
		if tr.Status == result.Pass {
			tr.Score = t.Points
		}
		res.Score += tr.Score
		res.Tests = append(res.Tests, tr)
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
	return res, nil
}

// judge fills in a test's status, message, trace and shrink from its
// reported run, re-running it to check determinism.
func (o *Options) judge(t *suite.Test, seed uint64, out *outcome, tr *result.Test) {
	if out.hung != "" {
		tr.Status = result.Fail
		tr.Message = fmt.Sprintf("seed %d: %s", seed, out.hung)
		return // re-running a hung handler would only hang again
	}
	// Determinism: the same seed twice must give the same trace.
	w1, w2 := trace.NewWriter(io.Discard), trace.NewWriter(io.Discard)
	r1 := o.runOne(t, seed, nil, w1)
	r2 := o.runOne(t, seed, nil, w2)
	tr.TraceHash = w1.Hash()
	if w1.Hash() != w2.Hash() || r1.passed() != out.passed() || r2.passed() != out.passed() {
		tr.Status = result.Error
		tr.Message = fmt.Sprintf("seed %d gave different runs when repeated (trace hashes %s and %s): the implementation is nondeterministic. "+
			"Look for iteration over a map deciding what to send, the global math/rand source instead of env.Rand(), "+
			"the wall clock instead of env.Now(), goroutines, or state shared between nodes through package variables.", seed, w1.Hash(), w2.Hash())
		return
	}
	if out.passed() {
		return
	}
	tr.Status = result.Fail
	if out.out.Err != nil {
		tr.Status = result.Error
	}
	tr.Message = fmt.Sprintf("seed %d: %s", seed, describe(out))
	if o.NoTraces {
		return
	}
	path, err := o.writeTrace(t, seed, nil, "")
	if err != nil {
		tr.Message += fmt.Sprintf(" (could not write the trace: %v)", err)
	} else {
		tr.Trace = path
	}
	if !o.NoShrink && len(out.out.Items) > 0 {
		tr.Shrink = o.shrink(t, seed, out)
	}
}

func (o *Options) writeTrace(t *suite.Test, seed uint64, drop map[suite.Item]bool, suffix string) (string, error) {
	if err := os.MkdirAll(o.TraceDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(o.TraceDir, fmt.Sprintf("%s-%s-%d%s.jsonl", o.Lab.Name, t.Name, seed, suffix))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	w := trace.NewWriter(f)
	o.runOne(t, seed, drop, w)
	if err := w.Flush(); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// describe explains a failed run in words a student can act on.
func describe(o *outcome) string {
	var msg string
	switch {
	case o.out.Failure != nil:
		f := o.out.Failure
		msg = f.Error()
		if len(f.Nodes) > 0 {
			var ns []string
			for _, n := range f.Nodes {
				ns = append(ns, n.String())
			}
			msg += " [nodes " + strings.Join(ns, ", ") + "]"
		}
	case o.out.Panic != nil:
		p := o.out.Panic
		msg = p.Error() + "\n" + stackTop(p.Stack, 10)
	case o.out.Limit != nil:
		msg = "message storm: " + o.out.Limit.Error()
	case o.out.Err != nil:
		msg = "the test itself failed (a bug in the lab, not your code; please report it): " + o.out.Err.Error()
	}
	if n := len(o.sim.misuses); n > 0 {
		msg += fmt.Sprintf(" (the implementation also misused its Env %d times; first: %s)", n, o.sim.misuses[0])
	}
	return msg
}

// stackTop keeps the frames that matter: those after the panic itself.
func stackTop(stack string, n int) string {
	lines := strings.Split(stack, "\n")
	start := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			start = i
			break
		}
	}
	end := min(len(lines), start+2*n)
	return "    " + strings.Join(lines[start:end], "\n    ")
}
