package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/report"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/vet"
	"github.com/faultline-dev/faultline/internal/progress"
)

func init() {
	register(&command{
		name:    "grade",
		args:    "<lab> [flags]",
		summary: "grade an implementation of a lab in the simulator",
		help: `Runs the lab's tests, each over its seeds, under simulated faults, and prints
the score. Every failure names the check that failed, the virtual time and
nodes, the seed, and a command that replays that exact run; its trace is
written to the trace directory, and the run is shrunk to the fewest faults
and workload steps that still fail the same way.

Flags:
  --impl NAME        solution (default), starter, or mutant:<name> (see 'faultline labs').
                     Grading a student workspace arrives with the workspace release.
  --run REGEX        only the tests whose names match
  --seed S           run exactly seed S of each selected test (replay)
  --seeds N          run N seeds per test instead of each test's default
  --parallel P       runs at once (default: the number of CPUs)
  --shard i/n        run the i-th of n shares of the work (a CI matrix)
  --format F         text (default), json, junit or github
  --out FILE         write the report to FILE instead of standard output
  --trace-dir DIR    where failing runs' traces go (default traces/)
  --no-shrink        do not shrink failing runs
  --mutants          grade every mutant and print the mutation score
  --watchdog D       wall time one run may take before it counts as hung (default 10s)

Exit status: 0 when every test passed, 1 when a test failed (or a mutant
survived), 2 on an error (bad arguments, unknown lab, nondeterminism,
code that breaks the lab's rules).`,
		run: runGrade,
	})
	register(&command{
		name:    "labs",
		args:    "[--json]",
		summary: "list the labs, their parts, tests, points and mutants",
		run:     runLabs,
	})
}

func runGrade(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("grade")
	impl := fs.String("impl", "solution", "")
	runRe := fs.String("run", "", "")
	seed := fs.String("seed", "", "")
	seeds := fs.Int("seeds", 0, "")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "")
	shard := fs.String("shard", "", "")
	format := fs.String("format", "text", "")
	out := fs.String("out", "", "")
	traceDir := fs.String("trace-dir", "traces", "")
	noShrink := fs.Bool("no-shrink", false, "")
	mutants := fs.Bool("mutants", false, "")
	watchdog := fs.Duration("watchdog", 10*time.Second, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("grade", "want one lab name ('faultline labs' lists them)")
	}
	lab, err := suite.Lookup(pos[0])
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	o := run.Options{Lab: lab, Impl: *impl, Seeds: *seeds, Parallel: *parallel, TraceDir: *traceDir, NoShrink: *noShrink, Watchdog: *watchdog}
	if _, err := lab.Impl(*impl); err != nil {
		return &exitError{code: 2, err: err}
	}
	if *runRe != "" {
		if o.Run, err = regexp.Compile(*runRe); err != nil {
			return usageError("grade", "--run %q is not a regular expression: %v", *runRe, err)
		}
	}
	if *seed != "" {
		if o.Seed, err = strconv.ParseUint(*seed, 10, 64); err != nil || o.Seed == 0 {
			return usageError("grade", "--seed wants a positive integer, not %q", *seed)
		}
		if *seeds != 0 {
			return usageError("grade", "give --seed or --seeds, not both")
		}
	}
	if *shard != "" {
		i, n, ok := strings.Cut(*shard, "/")
		o.ShardIndex, _ = strconv.Atoi(i)
		o.ShardCount, _ = strconv.Atoi(n)
		if !ok || o.ShardCount < 1 || o.ShardIndex < 1 || o.ShardIndex > o.ShardCount {
			return usageError("grade", "--shard wants i/n with 1 <= i <= n, such as 2/4, not %q", *shard)
		}
	}
	switch *format {
	case "text", "json", "junit", "github":
	default:
		return usageError("grade", "--format wants text, json, junit or github, not %q", *format)
	}
	if *impl == "starter" && lab.StudentDir != "" {
		if err := vetBeforeGrading(env, lab); err != nil {
			return err
		}
	}
	w, color := env.stdout, env.isTerminal && env.getenv("NO_COLOR") == "" && *out == ""
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		defer f.Close()
		w = f
	}
	if *mutants {
		m, err := run.Mutants(ctx, o)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		if *format == "json" {
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
	res, err := run.Grade(ctx, o)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if err := render(w, env, *format, res, color); err != nil {
		return err
	}
	if env.isTerminal && o.Seed == 0 && res.Status != result.Error {
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

// vetBeforeGrading checks the student's code for rule breaking first: a
// run that uses goroutines or the wall clock would not replay.
func vetBeforeGrading(env *cliEnv, lab *suite.Lab) error {
	if _, err := os.Stat(lab.StudentDir); err != nil {
		return nil // not in a checkout: nothing to check
	}
	findings, err := vet.Check(lab.StudentDir, lab.Imports)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if len(findings) == 0 {
		return nil
	}
	for _, f := range findings {
		fmt.Fprintln(env.stderr, f)
	}
	return &exitError{code: 2, err: fmt.Errorf("%s breaks the lab's rules (above); fix these first: a run that breaks them would not replay from its seed", lab.StudentDir)}
}

func runLabs(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("labs")
	asJSON := fs.Bool("json", false, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	type testJSON struct {
		Name        string `json:"name"`
		Part        string `json:"part"`
		Points      int    `json:"points"`
		Seeds       int    `json:"seeds"`
		Description string `json:"description"`
	}
	type partJSON struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Points int    `json:"points"`
	}
	type labJSON struct {
		Name     string     `json:"name"`
		Title    string     `json:"title"`
		Summary  string     `json:"summary"`
		Lesson   string     `json:"lesson"`
		MaxScore int        `json:"max_score"`
		Parts    []partJSON `json:"parts"`
		Tests    []testJSON `json:"tests"`
		Mutants  []string   `json:"mutants"`
	}
	var labs []labJSON
	for _, l := range suite.Labs() {
		lj := labJSON{Name: l.Name, Title: l.Title, Summary: l.Summary, Lesson: l.Lesson, MaxScore: l.MaxScore(), Mutants: l.MutantNames()}
		for _, p := range l.Parts {
			pj := partJSON{ID: p.ID, Title: p.Title}
			for _, t := range l.Tests {
				if t.Part == p.ID {
					pj.Points += t.Points
				}
			}
			lj.Parts = append(lj.Parts, pj)
		}
		for _, t := range l.Tests {
			lj.Tests = append(lj.Tests, testJSON{t.Name, t.Part, t.Points, max(t.Seeds, 1), t.Description})
		}
		labs = append(labs, lj)
	}
	if *asJSON {
		return writeJSON(env.stdout, labs)
	}
	for _, l := range labs {
		fmt.Fprintf(env.stdout, "%s — %s (%d points)\n  %s\n", l.Name, l.Title, l.MaxScore, l.Summary)
		for _, p := range l.Parts {
			fmt.Fprintf(env.stdout, "\n  Part %s: %s (%d points)\n", p.ID, p.Title, p.Points)
			for _, t := range l.Tests {
				if t.Part == p.ID {
					fmt.Fprintf(env.stdout, "    %-26s %2d pts  %3d seeds  %s\n", t.Name, t.Points, t.Seeds, t.Description)
				}
			}
		}
		fmt.Fprintf(env.stdout, "\n  mutants: %s\n  grade with: faultline grade %s\n\n", strings.Join(l.Mutants, ", "), l.Name)
	}
	return nil
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
