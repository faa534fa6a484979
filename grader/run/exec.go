package run

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/result"
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
	ID int64 `json:"id"`
	// Key is drawn by the grader for each request (crypto/rand) and
	// echoed in its outcome: a runner cannot answer a request it was not
	// sent.
	Key  uint64       `json:"key,string"`
	Test string       `json:"test"`
	Seed uint64       `json:"seed,string"`
	Impl string       `json:"impl"`
	Drop []suite.Item `json:"drop,omitempty"`
	// Trace, if set, is the file the run's trace is written to.
	Trace string `json:"trace,omitempty"`
	// Digest fingerprints the run (outcome.Hash) for the determinism
	// check, which runs some seeds again in another process.
	Digest bool `json:"digest,omitempty"`
	// Watchdog is the CPU time a run may use without dispatching an event.
	Watchdog time.Duration `json:"watchdog"`
	// MaxEvents bounds the run; 0 means the suite's default.
	MaxEvents int `json:"max_events,omitempty"`
	// Reference lists the labs this lab builds on (Student.Uses) whose
	// reference to use instead of the student's own (--raft reference).
	Reference []string `json:"reference,omitempty"`
	// Flush asks the runner to write its waiting outcomes after this run.
	Flush bool `json:"flush,omitempty"`
	// Charts asks for the series the run recorded (suite.T.Record):
	// chartsFailed of a run that fails, chartsAlways of any (charts.go).
	Charts chartsWanted `json:"charts,omitempty"`
}

// maxMisuseNotes bounds the misuse notes an outcome carries (sim keeps as
// many; MisuseCount counts them all).
const maxMisuseNotes = sim.MaxMisuseNotes

// outcome is how one run ended. The runner process sends it back as one
// JSON line; the grader builds every verdict from it.
type outcome struct {
	ID     int64     `json:"id"`
	Key    uint64    `json:"key,string"`
	Status runStatus `json:"status"`
	// Kind and Subject name the failure for shrinking: a shrunk run must
	// fail with the same kind (STYLE.md: failures are typed values).
	Kind    failKind      `json:"kind,omitempty"`
	Message string        `json:"message,omitempty"`
	Nodes   []node.ID     `json:"nodes,omitempty"`
	Items   []suite.Item  `json:"items,omitempty"`
	Events  int64         `json:"events"`
	Virtual time.Duration `json:"virtual"`
	Wall    time.Duration `json:"wall"`
	// Misuses are the first misuse notes of the run; MisuseCount counts
	// them all.
	Misuses     []string `json:"misuses,omitempty"`
	MisuseCount int      `json:"misuse_count,omitempty"`
	// Hash fingerprints the run's events (set by a Digest request).
	Hash string `json:"hash,omitempty"`
	// runner names the runner (process, or in-process runner) that ran it,
	// for the determinism check's re-runs elsewhere. Set by the grader.
	runner string
	// Output is what the implementation printed during the run.
	Output string `json:"output,omitempty"`
	// TraceErr says why the trace could not be written.
	TraceErr string `json:"trace_err,omitempty"`
	// Charts are the series the run recorded, when the request asked.
	Charts *result.Charts `json:"charts,omitempty"`
}

func (o *outcome) passed() bool { return o.Status == runPass }

// signature names how a run failed: a shrunk run must fail the same way.
func (o *outcome) signature() string { return string(o.Status) + ":" + string(o.Kind) }

// runner runs requests for one lab in the current process. It is what a
// runner process executes, and what Grade uses when it runs in-process.
type runner struct {
	lab *suite.Lab
	// student is the implementation named "student", if any; deps are the
	// student's implementations of the labs it builds on, by lab name.
	student any
	deps    map[string]any
	// check, if set, is called every `every` events of a run: the runner
	// process's own look at its heap.
	every int
	check func()
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

// exec runs req once and reports how it ended. set is told the run's T
// as soon as it exists, so that a watchdog can look at its simulator.
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
		if r.check != nil {
			n := 0
			t.OnSim(func(s *sim.Sim) {
				s.OnEvent(func(*sim.Event) {
					if n++; n == r.every {
						n = 0
						r.check()
					}
				})
			})
		}
		if set != nil {
			set(t)
		}
		start := time.Now()
		so := t.Run()
		out := fromSuite(so)
		out.Wall = time.Since(start)
		out.Charts = req.Charts.of(req, so, out.passed())
		if s := t.Sim(); s != nil {
			out.MisuseCount = s.MisuseCount()
			if m := s.Misuses(); len(m) > 0 {
				out.Misuses = slices.Clone(m[:min(len(m), maxMisuseNotes)])
			}
		}
		out.ID = req.ID
		if out.passed() {
			out.Items = nil // only a failing run is shrunk: keep nothing else
		}
		return out
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
		out.Status, out.Kind, out.Nodes = runFail, failKind(f.Check+"/"+f.Kind), f.Nodes
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
		out.Status, out.Kind = runPanic, failKind(o.PanicKind)
		value := suite.PanicText(p.Value)
		if p.Node == 0 {
			out.Message = fmt.Sprintf("the implementation panicked at %v in %s: %s", p.Time, p.Event, value)
		} else {
			out.Nodes = []node.ID{p.Node}
			out.Message = fmt.Sprintf("%v panicked at %v while handling %s: %s", p.Node, p.Time, p.Event, value)
		}
		out.Message += "\n" + stackTop(p.Stack, 10)
	case o.Limit != nil:
		out.Status, out.Kind = runLimit, failKind(o.Limit.What)
		out.Message = o.Limit.Error()
		if o.Limit.What.Storm() {
			out.Message = "message storm: " + out.Message
		}
	case o.Err != nil:
		out.Status, out.Kind = runError, kindError
		out.Message = "the test itself failed (a bug in the lab, not your code; please report it): " + o.Err.Error()
	}
	return out
}

// stackTop keeps the frames that matter: those from the original panic on
// (the last "panic(" of the stack: a deferred function that recovers and
// panics again adds one above it).
func stackTop(stack string, n int) string {
	lines := strings.Split(stack, "\n")
	start := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			start = i
		}
	}
	end := min(len(lines), start+2*n)
	return "    " + strings.Join(lines[start:end], "\n    ")
}
