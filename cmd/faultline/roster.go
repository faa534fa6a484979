package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/faultline-dev/faultline/grader/roster"
	"github.com/faultline-dev/faultline/grader/suite"
)

func init() {
	register(&command{
		name:    "roster",
		args:    "grade DIR --labs LAB[,LAB...] [flags] | merge OUT IN...",
		summary: "grade a whole class into a roster, or merge the rosters of shards",
		help: `faultline roster grade DIR --labs raft,kvraft [--out roster]
  Grades every submission folder in DIR (each a workspace made by
  'faultline init', or a git checkout of one; hidden folders are left out)
  for each lab, several submissions at once, with a progress bar on a
  terminal and a line per submission otherwise. Each grading is exactly
  'faultline grade LAB --workspace DIR/NAME --name NAME --format json':
  the student's code is vetted and built into a pristine runner, runs in
  runner processes of their own, and a submission that does not build or
  breaks the rules gets a report with status error and the reason.

  Writes, in the output folder:
    NAME/LAB.json    each submission's report (the JSON of 'faultline grade')
    NAME/traces/     the traces of its failing runs
    roster.csv       submission, lab, score, max_score, status, reason,
    roster.json      first_failing, replay, report: one row per grading
  The roster is rewritten after every grading. Run the same command again
  (after an interruption, or when some students resubmit): a submission
  whose code, platform and options are those of its roster entry is not
  graded again.

  --labs L,L       the labs to grade (required; 'faultline labs' lists them)
  --out DIR        the output folder (default: roster)
  --jobs N         submissions graded at once (default: the number of CPUs,
                   fewer if their runners' --memory would not fit in the
                   memory available)
  --parallel P     runs at once within one submission (default: CPUs / jobs)
  --force          grade every submission again
  --seeds N, --run REGEX, --memory SIZE, --watchdog D, --no-shrink
                   as for 'faultline grade', for every submission
  --raft R         for the labs built on Raft: student (default) or reference

  Exit status: 0 when every submission was graded (whatever its score),
  2 when some could not be graded on the grader's side (run again: only
  those are graded), 130 when interrupted (the roster holds what was
  finished).

faultline roster merge OUT IN...
  Merges the roster.json files of shards (CI jobs that each graded some of
  the submissions) into OUT: a .json or a .csv file by its name. Report
  paths are made relative to OUT's folder. A submission's lab found in two
  rosters, or rosters graded by different builds of faultline, are
  refused with the files named.`,
		run: runRoster,
	})
}

func runRoster(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usageError("roster", "want a subcommand: grade or merge")
	}
	switch args[0] {
	case "grade":
		return runRosterGrade(ctx, env, args[1:])
	case "merge":
		return runRosterMerge(env, args[1:])
	}
	return usageError("roster", "unknown subcommand %q: want grade or merge", args[0])
}

func parseClassFlags(env *cliEnv, args []string) (*classFlags, error) {
	fs := newFlags("roster")
	labs := fs.String("labs", "", "")
	out := fs.String("out", "roster", "")
	jobs := fs.Int("jobs", 0, "")
	parallel := fs.Int("parallel", 0, "")
	force := fs.Bool("force", false, "")
	memory := fs.String("memory", "2GiB", "")
	raftImpl := fs.String("raft", "", "")
	// Handed to 'faultline grade' as they are, which checks them.
	fs.String("seeds", "", "")
	fs.String("run", "", "")
	fs.String("watchdog", "", "")
	fs.Bool("no-shrink", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		return nil, usageError("roster", "roster grade wants one folder of submissions, not %d arguments (%s)", len(pos), strings.Join(pos, " "))
	}
	c := &classFlags{dir: pos[0], force: *force, raft: *raftImpl}
	if st, err := os.Stat(c.dir); err != nil || !st.IsDir() {
		return nil, usageError("roster", "%s is not a folder of submissions", c.dir)
	}
	if c.out, err = filepath.Abs(*out); err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "seeds", "run", "watchdog", "memory":
			c.gradeArgs = append(c.gradeArgs, "--"+f.Name, f.Value.String())
		case "no-shrink":
			if f.Value.String() == "true" {
				c.gradeArgs = append(c.gradeArgs, "--no-shrink")
			}
		}
	})
	if *labs == "" {
		return nil, usageError("roster", "--labs names the labs to grade, such as --labs raft or --labs raft,kvraft (one of %s)", strings.Join(labNames(), ", "))
	}
	for _, name := range strings.Split(*labs, ",") {
		lab, err := suite.Lookup(strings.TrimSpace(name))
		if err != nil {
			return nil, &exitError{code: 2, err: err}
		}
		c.labs = append(c.labs, lab)
	}
	usesRaft := false
	for _, lab := range c.labs {
		// Every grading's flags are checked once, here, as 'faultline
		// grade' checks them: a typo would otherwise cost every
		// submission a build and report each as an error.
		if _, err := parseGradeFlags(env, append([]string{lab.Name}, c.argsFor(lab)...)); err != nil {
			return nil, err
		}
		usesRaft = usesRaft || slices.Contains(lab.Student.Uses, "raft")
	}
	if c.raft != "" && !usesRaft {
		return nil, usageError("roster", "--raft chooses the Raft a lab builds on; none of %s builds on Raft", *labs)
	}
	if *jobs < 0 || *parallel < 0 {
		return nil, usageError("roster", "--jobs and --parallel want positive numbers")
	}
	mem, err := parseBytes(*memory)
	if err != nil {
		return nil, usageError("roster", "--memory: %v", err)
	}
	if c.jobs, c.parallel, err = concurrency(*jobs, *parallel, runtimeCPUs(), mem, memAvailable()); err != nil {
		return nil, usageError("roster", "%v", err)
	}
	return c, nil
}

func runRosterGrade(ctx context.Context, env *cliEnv, args []string) error {
	c, err := parseClassFlags(env, args)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "grading %s for %s: %d submissions at once (--jobs), %d runs at once in each (--parallel)\n", c.dir, labList(c.labs), c.jobs, c.parallel)
	return gradeClass(ctx, env, c)
}

func labList(labs []*suite.Lab) string {
	var names []string
	for _, l := range labs {
		names = append(names, l.Name)
	}
	return strings.Join(names, ", ")
}

func runRosterMerge(env *cliEnv, args []string) error {
	fs := newFlags("roster")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usageError("roster", "roster merge wants the merged roster's file and at least one roster.json to merge: faultline roster merge OUT.csv shard-*/roster.json")
	}
	out, ins := pos[0], pos[1:]
	ext := filepath.Ext(out)
	if ext != ".json" && ext != ".csv" {
		return usageError("roster", "the merged roster %s must end in .json or .csv (which says how to write it)", out)
	}
	var sources []roster.Source
	for _, in := range ins {
		if sameFile(in, out) {
			return usageError("roster", "%s is both the merged roster and one to merge", in)
		}
		r, err := roster.ReadFile(in)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		sources = append(sources, roster.Source{Path: in, Roster: r})
	}
	merged, err := roster.Merge(filepath.Dir(out), sources)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	write := merged.WriteJSON
	if ext == ".csv" {
		write = merged.WriteCSV
	}
	f, err := os.Create(out)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	fmt.Fprintf(env.stderr, "%s: %d gradings from %d rosters\n", out, len(merged.Entries), len(sources))
	return nil
}
