package gradertest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/gradertest"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/workspace"
	_ "github.com/faultline-dev/faultline/labs/all"
	"github.com/faultline-dev/faultline/labs/node"
)

// The references pass their own suites when graded exactly as students are.
func TestPingpongReference(t *testing.T) { gradertest.Run(t, "pingpong", "solution") }
func TestRaftReference(t *testing.T)     { gradertest.Run(t, "raft", "solution") }

// The benchmarks below measure, per lab, the same default runs three ways:
// bare (each run called directly, nothing else), graded in-process, and
// graded in runner processes (the runner built before timing), next to the
// engine alone (BenchmarkEngine: two nodes volleying one message). All use
// one worker (Parallel: 1) so that wall time tracks CPU time, and each
// reports CPU milliseconds (this process and its children, from getrusage),
// runs and events per CPU-second, and nanoseconds of CPU per event. They
// run with the collector set as grading sets it (run.TuneGC), so that bare
// and graded runs compare; GOGC=100 in the environment measures Go's
// default instead:
//
//	go test ./grader/gradertest -run '^$' -bench . -benchtime 3x
//
// docs/performance.md has the figures.

func TestMain(m *testing.M) {
	run.TuneGC()
	os.Exit(m.Run())
}

func BenchmarkEngine(b *testing.B)        { benchEngine(b) }
func BenchmarkBare(b *testing.B)          { eachLab(b, benchBare) }
func BenchmarkGrade(b *testing.B)         { eachLab(b, benchGrade(false)) }
func BenchmarkGradeIsolated(b *testing.B) { eachLab(b, benchGrade(true)) }

func eachLab(b *testing.B, fn func(b *testing.B, lab *suite.Lab)) {
	for _, lab := range suite.Labs() {
		b.Run(lab.Name, func(b *testing.B) { fn(b, lab) })
	}
}

// cpu returns the CPU time used so far by this process and its waited-for
// children.
func cpu() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}

func report(b *testing.B, used time.Duration, runs, events int64) {
	per := float64(b.N)
	b.ReportMetric(float64(used.Milliseconds())/per, "cpu-ms/op")
	b.ReportMetric(float64(runs)/used.Seconds(), "runs/cpu-s")
	b.ReportMetric(float64(events)/used.Seconds(), "events/cpu-s")
	if events > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(events), "cpu-ns/event")
	}
}

// volley answers every message with the message it got, so that a run of
// two nodes measures the engine's dispatch and nothing of a lab's.
type volley struct{ env node.Env }

type ball struct{ N int }

func (v *volley) Start(env node.Env) {
	v.env = env
	if env.ID() == 1 {
		env.Send(2, ball{})
	}
}
func (v *volley) HandleMessage(from node.ID, m node.Message) { v.env.Send(from, m) }
func (v *volley) HandleTimer(any)                            {}

// benchEngine dispatches a million events per op between two volleying
// nodes on a reliable network: the engine's own cost per event, in the same
// units as the labs' runs.
func benchEngine(b *testing.B) {
	const events = 1_000_000
	b.ReportAllocs()
	start := cpu()
	for range b.N {
		s, err := sim.New(sim.Config{Nodes: 2, Seed: 1, Factory: func(node.ID) node.Node { return &volley{} }, Faults: faults.Reliable()})
		if err != nil {
			b.Fatal(err)
		}
		for range events {
			if _, ok := s.Step(); !ok {
				b.Fatal("ran out of events")
			}
		}
	}
	report(b, cpu()-start, int64(b.N), int64(b.N)*events)
}

func benchBare(b *testing.B, lab *suite.Lab) {
	b.ReportAllocs()
	var runs, events int64
	start := cpu()
	for range b.N {
		for i := range lab.Tests {
			test := &lab.Tests[i]
			for k := range max(test.Seeds, 1) {
				o := suite.NewT(suite.Options{Lab: lab, Test: test, Seed: run.SeedFor(lab.Name, test.Name, k), Impl: lab.Solution, ImplName: "solution"}).Run()
				if !o.Passed() {
					b.Fatalf("%s/%s: %s", lab.Name, test.Name, o.Describe())
				}
				runs++
				events += o.Events
			}
		}
	}
	report(b, cpu()-start, runs, events)
}

func benchGrade(isolated bool) func(b *testing.B, lab *suite.Lab) {
	return func(b *testing.B, lab *suite.Lab) {
		o := run.Options{Lab: lab, Impl: "solution", Parallel: 1, TraceDir: b.TempDir()}
		if isolated {
			b.Setenv("FAULTLINE_CACHE", b.TempDir())
			if os.Getenv("FAULTLINE_GOCACHE") == "" {
				// go test's own Go build cache: the benchmark measures
				// grading, not a cold compilation of the platform.
				out, err := exec.Command("go", "env", "GOCACHE").Output()
				if err != nil {
					b.Fatal(err)
				}
				b.Setenv("FAULTLINE_GOCACHE", strings.TrimSpace(string(out)))
			}
			built, err := workspace.BuildPlatform(context.Background(), lab)
			if err != nil {
				b.Fatal(err)
			}
			o.Runner = built.Runner
		}
		b.ReportAllocs()
		var runs, events int64
		start := cpu()
		for range b.N {
			res, err := run.Grade(context.Background(), o)
			if err != nil || res.Status != result.Pass {
				b.Fatalf("%v %v", err, res.Status)
			}
			for _, t := range res.Tests {
				runs += int64(t.Seeds)
			}
		}
		used := cpu() - start
		// Events of the graded runs: the bare count, which the grading runs
		// exactly (the determinism re-runs are the grader's overhead).
		for i := range lab.Tests {
			test := &lab.Tests[i]
			for k := range max(test.Seeds, 1) {
				events += suite.NewT(suite.Options{Lab: lab, Test: test, Seed: run.SeedFor(lab.Name, test.Name, k), Impl: lab.Solution, ImplName: "solution"}).Run().Events
			}
		}
		report(b, used, runs, events*int64(b.N))
	}
}
