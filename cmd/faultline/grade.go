package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/report"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/grader/workspace"
	"github.com/faultline-dev/faultline/internal/progress"
)

func init() {
	register(&command{
		name:    "grade",
		args:    "<lab> [flags]",
		summary: "grade an implementation of a lab in the simulator",
		help: `Grades your code: inside a workspace made by 'faultline init', the lab's
package (for raft, DIR/raft). It checks the lab's rules (faultline vet),
builds your package into a pristine copy of the suites, and runs the tests
in separate runner processes, each over its seeds, under simulated faults,
then prints the score. A crash, an endless loop or a runaway allocation
fails only the run it happened in. Every failure names the check that
failed, the virtual time and nodes, the seed, and a command that replays
that exact run; its trace is written to the trace directory, and the run
is shrunk to the fewest faults and workload steps that still fail the same
way (with its own trace and replay command). A failing overload or
hot-shard test draws your run's curves (goodput, attempts, queue length,
latency, throughput by groups) beside the reference's for the same seed,
with the bounds its checks judged marked; the JSON report carries them,
and --out or --json writes each chart as SVG in the same folder, named by
lab, test, seed and metric.

Flags:
  --impl NAME        grade the platform's own code instead of yours: solution,
                     starter, or mutant:<name> (see 'faultline labs')
  --workspace DIR    the workspace to grade (default: the one you are in)
  --watch            re-grade every time you save a file of the lab's package
  --run REGEX        only the tests whose names match
  --seed S           run exactly seed S of each selected test (replay)
  --seeds N          run N seeds per test instead of each test's default
  --parallel P       runs at once (default: the number of CPUs)
  --shard i/n        run the i-th of n shares of the work (a CI matrix)
  --format F         text (default), json, junit or github
  --out FILE         write the report to FILE instead of standard output; it
                     is written even when nothing could be graded (status
                     error, with the reason: code that does not build or
                     breaks the rules, a missing workspace or package)
  --name NAME        the submission's name in the report (default: the
                     workspace folder's name, or the --impl name)
  --trace-dir DIR    where failing runs' traces go (default traces/)
  --charts           draw the series of every overload and hot-shard test's
                     reported run, passing or not, beside the reference's run
                     of the same seed (a failing one is always drawn); with
                     --out or --json they are also written as SVG beside it
  --no-shrink        do not shrink failing runs
  --mutants          grade every mutant and print the mutation score
  --watchdog D       CPU time a runner may spend without dispatching any event
                     before the handler counts as hung (default 5s); a busy
                     machine does not use it up, and slow progress is never judged
  --memory SIZE      memory limit of each runner process (default 2GiB)
  --json FILE        also write the JSON report to FILE
  --junit FILE       also write the JUnit report to FILE
  --isolate          run the platform's own implementations in runner processes too
  --replay TRACE     run again exactly the run a trace recorded (its lab, test,
                     seed, implementation, and the faults and steps a shrunk
                     run left out); the lab argument may be omitted
  --raft R           for a lab built on Raft (kvraft): student (default: your
                     raft package) or reference (the platform's Raft)

Exit status: 0 when every test passed, 1 when a test failed (or a mutant
survived), 2 on an error (bad arguments, unknown lab, nondeterminism,
code that does not build or breaks the lab's rules: the reports asked for
with --out, --json, --junit or a --format other than text are still
written, with status error and the reason), 130 when interrupted (the
partial report is printed first).`,
		run: runGrade,
	})
	register(&command{
		name:    "labs",
		args:    "[--json]",
		summary: "list the labs, their parts, tests, points and mutants",
		run:     runLabs,
	})
}

// gradeFlags are grade's options once parsed.
type gradeFlags struct {
	lab       *suite.Lab
	opts      run.Options
	impl      string // as given; "" means the student's code
	workspace string
	format    string
	out       string
	jsonOut   string
	junitOut  string
	mutants   bool
	watch     bool
	isolate   bool
	memory    int64
	// name is --name; submission is what the result calls the
	// submission, settled by prepare.
	name       string
	submission string
	// replayFlags are the flags of this command line that a printed replay
	// command must repeat to run the same code under the same limits
	// (grader/run adds the ones it knows: --impl, --run, --seed, --raft).
	replayFlags string
}

func parseGradeFlags(env *cliEnv, args []string) (*gradeFlags, error) {
	fs := newFlags("grade")
	impl := fs.String("impl", "", "")
	wsDir := fs.String("workspace", "", "")
	runRe := fs.String("run", "", "")
	seed := fs.String("seed", "", "")
	seeds := fs.Int("seeds", 0, "")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "")
	shard := fs.String("shard", "", "")
	format := fs.String("format", "text", "")
	out := fs.String("out", "", "")
	jsonOut := fs.String("json", "", "")
	junitOut := fs.String("junit", "", "")
	traceDir := fs.String("trace-dir", "traces", "")
	noShrink := fs.Bool("no-shrink", false, "")
	mutants := fs.Bool("mutants", false, "")
	watchdog := fs.Duration("watchdog", 5*time.Second, "")
	watch := fs.Bool("watch", false, "")
	isolate := fs.Bool("isolate", false, "")
	memory := fs.String("memory", "2GiB", "")
	replay := fs.String("replay", "", "")
	raftImpl := fs.String("raft", "student", "")
	name := fs.String("name", "", "")
	charts := fs.Bool("charts", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	var head *trace.Header
	if *replay != "" {
		if head, err = readTraceHeader(*replay); err != nil {
			return nil, &exitError{code: 2, err: err}
		}
		if len(pos) == 0 && head.Lab != "" {
			pos = []string{head.Lab}
		}
	}
	if len(pos) != 1 {
		var names []string
		for _, l := range suite.Labs() {
			names = append(names, l.Name)
		}
		got := "none"
		if len(pos) > 1 {
			got = fmt.Sprintf("%d (%s)", len(pos), strings.Join(pos, " "))
		}
		return nil, usageError("grade", "want one lab name, not %s: one of %s ('faultline labs' describes them)", got, strings.Join(names, ", "))
	}
	lab, err := suite.Lookup(pos[0])
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	if head != nil {
		if head.Lab != lab.Name || head.Test == "" {
			return nil, usageError("grade", "%s is a trace of %q, not of a test of lab %s", *replay, head.Lab+"/"+head.Test, lab.Name)
		}
		args := []string{"--run", "^" + regexp.QuoteMeta(head.Test) + "$", "--seed", strconv.FormatUint(head.Seed, 10)}
		if head.Impl != "" && head.Impl != "student" && *impl == "" {
			args = append(args, "--impl", head.Impl)
		}
		if err := fs.Parse(args); err != nil {
			return nil, usageError("grade", "%v", err)
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["seeds"] && *seeds <= 0:
		return nil, usageError("grade", "--seeds wants a positive number of seeds per test, not %d", *seeds)
	case *parallel <= 0:
		return nil, usageError("grade", "--parallel wants a positive number of runs at once, not %d", *parallel)
	case *watchdog <= 0:
		return nil, usageError("grade", "--watchdog wants a positive duration such as 5s, not %v", *watchdog)
	}
	g := &gradeFlags{lab: lab, impl: *impl, workspace: *wsDir, format: *format, out: *out, jsonOut: *jsonOut, junitOut: *junitOut,
		mutants: *mutants, watch: *watch, isolate: *isolate, name: *name}
	if g.memory, err = parseBytes(*memory); err != nil {
		return nil, usageError("grade", "--memory: %v", err)
	}
	if set["memory"] {
		g.replayFlags += " --memory " + shellQuote(*memory)
	}
	if set["watchdog"] {
		g.replayFlags += " --watchdog " + watchdog.String()
	}
	g.opts = run.Options{Lab: lab, Impl: *impl, Seeds: *seeds, Parallel: *parallel, TraceDir: *traceDir, NoShrink: *noShrink, Watchdog: *watchdog, Charts: *charts}
	switch {
	case *raftImpl == "reference" && slices.Contains(lab.Student.Uses, "raft"):
		// Said now rather than by every test: the student edition's Raft
		// lab has no Solution (raftlab.Base).
		if rl, err := suite.Lookup("raft"); err != nil || rl.Solution == nil {
			return nil, &exitError{code: 2, err: fmt.Errorf("%w; grade with --raft student (the default), which runs your own Raft", edition.NoReference("grade "+lab.Name+" --raft reference"))}
		}
		g.opts.Reference = []string{"raft"}
	case *raftImpl != "student" && *raftImpl != "reference":
		return nil, usageError("grade", "--raft wants student or reference, not %q", *raftImpl)
	case set["raft"] && !slices.Contains(lab.Student.Uses, "raft"):
		return nil, usageError("grade", "--raft chooses the Raft a lab builds on; lab %s does not build on Raft", lab.Name)
	}
	if head != nil {
		g.impl = *impl
		for _, name := range head.Drop {
			it, err := suite.ParseItem(name)
			if err != nil {
				return nil, usageError("grade", "%s: header: %v", *replay, err)
			}
			g.opts.Drop = append(g.opts.Drop, it)
		}
	}
	if *mutants && len(lab.Mutants) == 0 {
		return nil, &exitError{code: 2, err: edition.NoReference("grade " + lab.Name + " --mutants")}
	}
	if *impl != "" {
		if _, err := lab.Impl(*impl); err != nil {
			return nil, &exitError{code: 2, err: err}
		}
	}
	if *runRe != "" {
		if g.opts.Run, err = regexp.Compile(*runRe); err != nil {
			return nil, usageError("grade", "--run %q is not a regular expression: %v", *runRe, err)
		}
		// Said now, before a build: a typo would otherwise cost every
		// submission of a class a build, and report each as an error.
		if len(g.selected()) == 0 {
			var names []string
			for _, t := range lab.Tests {
				names = append(names, t.Name)
			}
			return nil, usageError("grade", "--run %q matches no test of lab %s (its tests: %s)", *runRe, lab.Name, strings.Join(names, ", "))
		}
	}
	if *seed != "" {
		if g.opts.Seed, err = strconv.ParseUint(*seed, 10, 64); err != nil || g.opts.Seed == 0 {
			return nil, usageError("grade", "--seed wants a positive integer, not %q", *seed)
		}
		if set["seeds"] {
			return nil, usageError("grade", "give --seed or --seeds, not both")
		}
	}
	if *shard != "" {
		i, n, ok := strings.Cut(*shard, "/")
		g.opts.ShardIndex, _ = strconv.Atoi(i)
		g.opts.ShardCount, _ = strconv.Atoi(n)
		if !ok || g.opts.ShardCount < 1 || g.opts.ShardIndex < 1 || g.opts.ShardIndex > g.opts.ShardCount {
			return nil, usageError("grade", "--shard wants i/n with 1 <= i <= n, such as 2/4, not %q", *shard)
		}
	}
	switch *format {
	case "text", "json", "junit", "github":
	default:
		return nil, usageError("grade", "--format wants text, json, junit or github, not %q", *format)
	}
	if g.watch && (g.mutants || g.impl != "") {
		return nil, usageError("grade", "--watch grades your own code as you save it; it does not go with --impl or --mutants")
	}
	if g.watch && (g.out != "" || g.jsonOut != "" || g.junitOut != "" || set["name"]) {
		return nil, usageError("grade", "--watch prints a short summary after every save and writes no report; it does not go with --out, --json, --junit or --name")
	}
	if set["name"] && strings.TrimSpace(*name) == "" {
		return nil, usageError("grade", "--name wants the submission's name, not an empty string")
	}
	// Two reports of different formats in one file: the second would
	// silently replace the first.
	files := []struct{ flag, path, format string }{{"--out", g.out, g.format}, {"--json", g.jsonOut, "json"}, {"--junit", g.junitOut, "junit"}}
	for i, a := range files {
		for _, b := range files[i+1:] {
			if a.path != "" && b.path != "" && filepath.Clean(a.path) == filepath.Clean(b.path) && a.format != b.format {
				return nil, usageError("grade", "%s and %s both write %s, as %s and as %s: give them different files", a.flag, b.flag, a.path, a.format, b.format)
			}
		}
	}
	return g, nil
}

// selected returns the tests --run selects (all without it).
func (g *gradeFlags) selected() []*suite.Test {
	var out []*suite.Test
	for i := range g.lab.Tests {
		if t := &g.lab.Tests[i]; g.opts.Run == nil || g.opts.Run.MatchString(t.Name) {
			out = append(out, t)
		}
	}
	return out
}

// parseBytes reads a size such as 2GiB, 512MiB, 1G or a number of bytes.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseFloat(num, 64)
			if err != nil || n <= 0 {
				break
			}
			return int64(n * float64(u.mult)), nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a size such as 2GiB or 512MiB, not %q", s)
	}
	return n, nil
}

// prepare settles what is graded: the student's package of the workspace
// (the default inside one), built into a runner after vet; or one of the
// platform's implementations, in this process unless --isolate.
//
// An error it returns is a *notGraded: the reason the result will give.
func (g *gradeFlags) prepare(ctx context.Context, env *cliEnv) error {
	if g.impl == "" || g.impl == "student" {
		g.submission = g.name
		if g.submission == "" {
			g.submission = workspaceName(env, g.workspace)
		}
		ws, err := findWorkspace(env, g.workspace)
		if err != nil {
			return &notGraded{kind: result.ReasonWorkspace, err: fmt.Errorf("%w\nTo grade the platform's own code instead, say --impl solution (or starter, or mutant:NAME).", err)}
		}
		if g.name == "" {
			g.submission = filepath.Base(ws.Dir)
		}
		if g.workspace != "" {
			// Replayed from elsewhere, the command would grade another
			// workspace's code (or none).
			g.replayFlags += " --workspace " + shellQuote(ws.Dir)
		}
		if g.lab.Student.Package == "" {
			return &notGraded{kind: result.ReasonGrader, err: fmt.Errorf("lab %s has no student package yet", g.lab.Name)}
		}
		if env.isTerminal {
			fmt.Fprintf(env.stderr, "building %s from %s …", g.lab.Name, report.PrintableLine(ws.LabDir(g.lab)))
		}
		b, err := workspace.BuildStudent(ctx, ws, g.lab)
		if env.isTerminal {
			fmt.Fprint(env.stderr, "\r\033[K")
		}
		if err != nil {
			return buildRefusal(err)
		}
		b.Runner.MemoryLimit = g.memory
		g.opts.Impl, g.opts.ReplayImpl, g.opts.Runner = "student", "student", b.Runner
		return nil
	}
	g.opts.Impl = g.impl
	g.submission = g.name
	if g.submission == "" {
		g.submission = g.impl
	}
	if g.isolate {
		b, err := workspace.BuildPlatform(ctx, g.lab)
		if err != nil {
			return &notGraded{kind: result.ReasonGrader, err: err}
		}
		b.Runner.MemoryLimit = g.memory
		g.opts.Runner = b.Runner
	}
	return nil
}

// readTraceHeader reads the header line of a trace file.
func readTraceHeader(path string) (*trace.Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := trace.NewReader(f, path)
	if err != nil {
		return nil, err
	}
	return &rd.Head, nil
}

// workspaceName is the name of the workspace folder that would be graded,
// for a result that has to name it before (or without) finding it: the
// named one, else the one dir is in, else dir itself.
func workspaceName(env *cliEnv, dir string) string {
	dir = cmp.Or(dir, env.getenv("FAULTLINE_WORKSPACE"))
	if dir == "" {
		dir = "."
		if root, err := workspace.Root(dir); err == nil {
			dir = root
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Base(dir)
	}
	return filepath.Base(abs)
}

func findWorkspace(env *cliEnv, dir string) (*workspace.Workspace, error) {
	if dir != "" {
		return workspace.Open(dir)
	}
	if d := env.getenv("FAULTLINE_WORKSPACE"); d != "" {
		return workspace.Open(d)
	}
	return workspace.Find(".")
}

func runGrade(ctx context.Context, env *cliEnv, args []string) error {
	g, err := parseGradeFlags(env, args)
	if err != nil {
		return err
	}
	run.TuneGC() // from here this process grades, and only grades
	if g.watch {
		return watchGrade(ctx, env, g)
	}
	if g.mutants {
		return gradeMutants(ctx, env, g)
	}
	if err := g.prepare(ctx, env); err != nil {
		return g.refuse(ctx, env, err)
	}
	res, err := gradeOnce(ctx, env, g)
	if err != nil && !errors.Is(err, run.ErrInterrupted) {
		return g.refuse(ctx, env, &notGraded{kind: result.ReasonGrader, err: err})
	}
	res.Submission = g.submission
	g.completeReplays(res)
	if dir := g.chartDir(); dir != "" && hasCharts(res) {
		if err := writeChartSVGs(dir, res); err != nil {
			fmt.Fprintf(env.stderr, "faultline: %v (the report is written without them)\n", err)
		}
	}
	if err := g.report(env, res, true); err != nil {
		return err
	}
	if res.Interrupted {
		return &exitError{code: 130, err: fmt.Errorf("interrupted: the report above is partial (%d of %d points graded so far)", res.Score, res.MaxScore)}
	}
	if env.isTerminal && g.opts.Seed == 0 && res.Status != result.Error {
		recordProgress(env, res)
	}
	switch res.Status {
	case result.Error:
		return &exitError{code: 2}
	case result.Fail:
		return &exitError{code: 1}
	}
	return nil
}

// gradeOnce grades with a progress line on a terminal.
func gradeOnce(ctx context.Context, env *cliEnv, g *gradeFlags) (*result.Result, error) {
	o := g.opts
	if env.isTerminal {
		var mu sync.Mutex
		last := time.Time{}
		o.Progress = func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			if now := time.Now(); now.Sub(last) > 100*time.Millisecond || done == total {
				last = now
				fmt.Fprintf(env.stderr, "\r\033[Kgrading %s: %d/%d runs", g.lab.Name, done, total)
			}
		}
		defer fmt.Fprint(env.stderr, "\r\033[K")
	}
	return run.Grade(ctx, o)
}

// report writes the result in the chosen format (unless main is false),
// and the extra JSON and JUnit files.
func (g *gradeFlags) report(env *cliEnv, res *result.Result, main bool) error {
	if main {
		w, color, done, err := g.output(env)
		if err != nil {
			return err
		}
		err = render(w, env, g.format, res, color)
		if err == nil && g.format == "text" {
			writeOwnCharts(w, res, color, g.opts.Charts)
		}
		if cerr := done(); err == nil {
			err = cerr
		}
		if err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	for _, extra := range []struct{ path, format string }{{g.jsonOut, "json"}, {g.junitOut, "junit"}} {
		if extra.path == "" {
			continue
		}
		f, err := os.Create(extra.path)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		err = render(f, env, extra.format, res, false)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	return nil
}

// chartDir is where the charts' SVG files go: beside the --out report,
// else beside the --json one; "" when neither is written.
func (g *gradeFlags) chartDir() string {
	switch {
	case g.out != "":
		return filepath.Dir(g.out)
	case g.jsonOut != "":
		return filepath.Dir(g.jsonOut)
	}
	return ""
}

// output opens where the report goes (--out, else standard output) and
// says whether to color it; done closes it, and says whether the file
// was written whole.
func (g *gradeFlags) output(env *cliEnv) (w io.Writer, color bool, done func() error, err error) {
	if g.out == "" {
		return env.stdout, env.isTerminal && env.getenv("NO_COLOR") == "", func() error { return nil }, nil
	}
	f, err := os.Create(g.out)
	if err != nil {
		return nil, false, nil, &exitError{code: 2, err: err}
	}
	return f, false, f.Close, nil
}

// completeReplays adds the flags of this command line that change the
// run to every replay command of res.
func (g *gradeFlags) completeReplays(res *result.Result) {
	if g.replayFlags == "" {
		return
	}
	for i := range res.Tests {
		t := &res.Tests[i]
		if t.Replay != "" {
			t.Replay += g.replayFlags
		}
		if t.Shrink != nil && t.Shrink.Replay != "" {
			t.Shrink.Replay += g.replayFlags
		}
	}
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// notGraded is an error that stopped grading before any test ran; kind
// is the result.Reason kind it is reported as.
type notGraded struct {
	kind string
	err  error
}

func (e *notGraded) Error() string { return e.err.Error() }
func (e *notGraded) Unwrap() error { return e.err }

// buildRefusal classifies an error of building the student's code.
func buildRefusal(err error) *notGraded {
	var be *workspace.BuildError
	switch {
	case errors.As(err, &be) && be.Vet:
		return &notGraded{kind: result.ReasonRules, err: err}
	case errors.As(err, &be):
		return &notGraded{kind: result.ReasonBuild, err: err}
	case errors.Is(err, workspace.ErrNotFound), errors.Is(err, workspace.ErrNoPackage):
		return &notGraded{kind: result.ReasonWorkspace, err: err}
	}
	return &notGraded{kind: result.ReasonGrader, err: err}
}

// refuse reports a submission that could not be graded, so that a roster
// built from --out, --json or --junit files never silently drops it: the
// result has status error, no tests, and the reason (with each problem of
// a build or rule refusal). On standard output only a machine format is
// written; a person reads the reason on standard error. The exit status
// stays 2 (130 when interrupted).
func (g *gradeFlags) refuse(ctx context.Context, env *cliEnv, err error) error {
	ng := &notGraded{kind: result.ReasonGrader, err: err}
	errors.As(err, &ng)
	why := &result.Reason{Kind: ng.kind, Message: ng.err.Error()}
	var be *workspace.BuildError
	if errors.As(err, &be) {
		why.Problems = be.Problems
	}
	res := &result.Result{Version: result.Version, Lab: g.lab.Name, Impl: cmp.Or(g.opts.Impl, g.impl, "student"),
		Submission: g.submission, Status: result.Error, Tests: []result.Test{}, Reason: why, Interrupted: ctx.Err() != nil}
	for _, t := range g.selected() {
		res.MaxScore += t.Points
	}
	code := 2
	if res.Interrupted {
		code, err = 130, fmt.Errorf("interrupted before grading began: %w", err)
	}
	if rerr := g.report(env, res, g.out != "" || g.format != "text"); rerr != nil {
		return fmt.Errorf("%w\n(and the report could not be written: %v)", err, rerr)
	}
	return &exitError{code: code, err: err}
}

func gradeMutants(ctx context.Context, env *cliEnv, g *gradeFlags) error {
	w, color, done, err := g.output(env)
	if err != nil {
		return err
	}
	defer done()
	m, err := run.Mutants(ctx, g.opts)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if g.format == "json" {
		err = report.JSON(w, m)
	} else {
		err = report.Mutation(w, m, color)
	}
	if err != nil {
		return err
	}
	if m.Caught < m.Total {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d mutants survived: the suite does not catch them", m.Total-m.Caught, m.Total)}
	}
	return nil
}

func render(w io.Writer, env *cliEnv, format string, res *result.Result, color bool) error {
	switch format {
	case "json":
		return report.JSON(w, res)
	case "junit":
		return report.JUnit(w, res)
	case "github":
		var summary io.Writer
		if path := env.getenv("GITHUB_STEP_SUMMARY"); path != "" {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return err
			}
			defer f.Close()
			summary = f
		}
		return report.GitHub(w, summary, res)
	}
	return report.Text(w, res, color)
}

// recordProgress keeps a terminal grade as the student's progress, for the
// course map and the lab screen of the TUI. A replay (--seed) is one run,
// not a grade, and CI jobs (no terminal) leave no trace in a home
// directory. A progress file that cannot be written is a warning, never a
// failed grade.
func recordProgress(env *cliEnv, res *result.Result) {
	path, err := progress.DefaultPath(env.getenv)
	if err == nil {
		now := time.Now()
		err = progress.Update(path, func(s *progress.Store) {
			for _, t := range res.Tests {
				if t.Status != result.Pass && t.Status != result.Fail {
					continue // an error says nothing about the student's code
				}
				s.SetTest(res.Lab, res.Impl, t.Name, progress.Test{Passed: t.Status == result.Pass, Points: t.Score,
					Seed: t.Seed, Seeds: t.Seeds, Message: t.Message, At: now})
			}
		})
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "faultline: grade not recorded as progress: %v\n", err)
	}
}
