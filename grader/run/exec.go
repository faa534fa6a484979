package run

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// A trace file keeps at most the first traceHead and the last traceTail
// records of a run (about 40 MB): a storm's trace shows how it began and
// where it was stopped, and says what was cut between.
const (
	traceHead = 200_000
	traceTail = 100_000
)

// request asks for one run of one test with one seed. It travels from the
// grader to a runner process as one JSON line.
type request struct {
	ID   int64        `json:"id"`
	Test string       `json:"test"`
	Seed uint64       `json:"seed,string"`
	Impl string       `json:"impl"`
	Drop []suite.Item `json:"drop,omitempty"`
	// Trace, if set, is the file the run's trace is written to.
	Trace string `json:"trace,omitempty"`
	// Twice runs the test twice in the same process and compares the
	// runs event by event: the determinism check.
	Twice bool `json:"twice,omitempty"`
	// Digest fingerprints the run (outcome.Hash), so that the determinism
	// check needs one re-run instead of two: worth it for a test with a
	// single long run, where the re-runs are most of its cost.
	Digest bool `json:"digest,omitempty"`
	// Watchdog is how long a run may go without dispatching an event.
	Watchdog time.Duration `json:"watchdog"`
	// MaxEvents bounds the run; 0 means the suite's default.
	MaxEvents int `json:"max_events,omitempty"`
	// Reference lists the labs this lab builds on (Student.Uses) whose
	// reference to use instead of the student's own (--raft reference).
	Reference []string `json:"reference,omitempty"`
	// Flush asks the runner to write its waiting outcomes after this run.
	Flush bool `json:"flush,omitempty"`
}

// Status of one run, as an outcome reports it.
const (
	runPass  = "pass"
	runFail  = "fail"  // a check failed
	runPanic = "panic" // a handler panicked
	runLimit = "limit" // a storm: an event or rate bound was exceeded
	runError = "error" // the test itself is broken
	runHung  = "hung"  // a handler made no progress
	runCrash = "crash" // the runner process died
)

// outcome is how one run ended. The runner process sends it back as one
// JSON line; the grader builds every verdict from it.
type outcome struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
	// Kind and Subject name the failure for shrinking: a shrunk run must
	// fail with the same kind (STYLE.md: failures are typed values).
	Kind    string        `json:"kind,omitempty"`
	Message string        `json:"message,omitempty"`
	Nodes   []node.ID     `json:"nodes,omitempty"`
	Items   []suite.Item  `json:"items,omitempty"`
	Events  int64         `json:"events"`
	Virtual time.Duration `json:"virtual"`
	Wall    time.Duration `json:"wall"`
	Misuses []string      `json:"misuses,omitempty"`
	// Hash fingerprints the run's events (set by a Twice or Digest request).
	Hash string `json:"hash,omitempty"`
	// Differs, for a Twice request, names the first event where the two
	// runs parted; "" when they agreed.
	Differs string `json:"differs,omitempty"`
	// Output is what the implementation printed during the run.
	Output string `json:"output,omitempty"`
	// TraceErr says why the trace could not be written.
	TraceErr string `json:"trace_err,omitempty"`
}

func (o *outcome) passed() bool { return o.Status == runPass }

// signature names how a run failed: a shrunk run must fail the same way.
func (o *outcome) signature() string { return o.Status + ":" + o.Kind }

// runner runs requests for one lab in the current process. It is what a
// runner process executes, and what Grade uses when it runs in-process.
type runner struct {
	lab *suite.Lab
	// student is the implementation named "student", if any; deps are the
	// student's implementations of the labs it builds on, by lab name.
	student any
	deps    map[string]any
	// inflight is the simulator of the run in progress, for the watchdog.
	inflight func() *sim.Sim
}

func (r *runner) impl(name string) (any, error) {
	if name == "student" {
		if r.student == nil {
			return nil, fmt.Errorf("this runner has no student implementation")
		}
		return r.student, nil
	}
	return r.lab.Impl(name)
}

// tracePath is the trace file of a run that writes one.
func tracePath(sink trace.Sink, req request) string {
	if sink == nil {
		return ""
	}
	return req.Trace
}

// depsFor returns the implementations of other labs a run of req builds
// on: the student's own, for a student's run, unless req asks for the
// reference. Platform implementations always build on references.
func (r *runner) depsFor(req request) map[string]any {
	if req.Impl != "student" || len(r.deps) == 0 {
		return nil
	}
	out := map[string]any{}
	for name, impl := range r.deps {
		if !slices.Contains(req.Reference, name) {
			out[name] = impl
		}
	}
	return out
}

// exec runs req once (twice for the determinism check) and reports how it
// ended. set is told the run's T as soon as it exists, so that a watchdog
// can look at its simulator.
func (r *runner) exec(req request, set func(*suite.T)) outcome {
	test, ok := r.lab.Test(req.Test)
	if !ok {
		return outcome{ID: req.ID, Status: runError, Message: fmt.Sprintf("lab %s has no test %q", r.lab.Name, req.Test)}
	}
	impl, err := r.impl(req.Impl)
	if err != nil {
		return outcome{ID: req.ID, Status: runError, Message: err.Error()}
	}
	drop := make(map[suite.Item]bool, len(req.Drop))
	for _, it := range req.Drop {
		drop[it] = true
	}
	one := func(sink trace.Sink, d *digester) outcome {
		t := suite.NewT(suite.Options{Lab: r.lab, Test: test, Seed: req.Seed, Impl: impl, ImplName: req.Impl,
			Trace: sink, Watch: req.Watchdog > 0, Drop: drop, MaxEvents: req.MaxEvents, Deps: r.depsFor(req), TracePath: tracePath(sink, req)})
		if d != nil {
			t.OnSim(func(s *sim.Sim) { s.OnEvent(d.hook) })
		}
		if set != nil {
			set(t)
		}
		start := time.Now()
		out := fromSuite(t.Run())
		out.Wall = time.Since(start)
		if s := t.Sim(); s != nil {
			out.Misuses = s.Misuses()
		}
		out.ID = req.ID
		if out.passed() {
			out.Items = nil // only a failing run is shrunk: keep nothing else
		}
		return out
	}
	if req.Twice {
		d1, d2 := newDigester(), newDigester()
		first := one(nil, d1)
		second := one(nil, d2)
		second.Hash = d1.sum()
		second.Differs = firstDifference(d1.events, d2.events)
		if second.Differs == "" && first.signature() != second.signature() {
			second.Differs = fmt.Sprintf("the first run ended %q and the second %q", first.Status, second.Status)
		}
		return second
	}
	if req.Digest {
		d := newDigester()
		out := one(nil, d)
		out.Hash = d.sum()
		return out
	}
	if req.Trace == "" {
		return one(nil, nil)
	}
	f, err := os.Create(req.Trace)
	if err != nil {
		out := one(nil, nil)
		out.TraceErr = err.Error()
		return out
	}
	w := trace.NewWriter(f)
	bounded := &trace.Bounded{Sink: w, Head: traceHead, Tail: traceTail}
	out := one(bounded, nil)
	bounded.Close()
	if err := w.Flush(); err != nil {
		out.TraceErr = err.Error()
	}
	if err := f.Close(); err != nil && out.TraceErr == "" {
		out.TraceErr = err.Error()
	}
	return out
}

// fromSuite turns a suite outcome into a run outcome with its explanation.
func fromSuite(o suite.Outcome) outcome {
	out := outcome{Status: runPass, Items: o.Items, Events: o.Events, Virtual: o.Virtual}
	switch {
	case o.Failure != nil:
		f := o.Failure
		out.Status, out.Kind, out.Nodes = runFail, f.Check+"/"+f.Kind, f.Nodes
		out.Message = f.Error()
		if len(f.Nodes) > 0 {
			var ns []string
			for _, n := range f.Nodes {
				ns = append(ns, n.String())
			}
			out.Message += " [nodes " + strings.Join(ns, ", ") + "]"
		}
	case o.Panic != nil:
		p := o.Panic
		out.Status, out.Kind, out.Nodes = runPanic, fmt.Sprint(p.Value), []node.ID{p.Node}
		out.Message = p.Error() + "\n" + stackTop(p.Stack, 10)
	case o.Limit != nil:
		out.Status, out.Kind = runLimit, o.Limit.What
		out.Message = "message storm: " + o.Limit.Error()
	case o.Err != nil:
		out.Status, out.Kind = runError, "error"
		out.Message = "the test itself failed (a bug in the lab, not your code; please report it): " + o.Err.Error()
	}
	return out
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
