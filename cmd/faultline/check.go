package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/search/models"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/tui"
)

func init() {
	register(&command{
		name:    "check",
		args:    "<lab> [--bfs|--dfs|--walk] [--depth N] [--states N] [--impl NAME] [--explore] | --replay TRACE",
		summary: "model-check a lab: explore every order of events up to a bound",
		help: `check explores every order in which a small cluster of the lab's nodes can
deliver its messages and fire its timers, with the drops, duplicates and
crash-restarts its search model allows, and checks the lab's invariants in
every state (grader/search). Random testing samples schedules; the search
covers them all up to the bound.

  --bfs          breadth first (the default): a violation found has a
                 shortest path
  --dfs          depth first, to --depth
  --walk         random walks of --depth events, seeded by --seed (a
                 path found by --walk or --dfs is shrunk to the events the
                 violation needs)
  --depth N      the longest path explored (default: the lab's graded bound)
  --states N     stop after N unique states (default: the lab's bound)
  --model NAME   one of the lab's search models (default: its first)
  --impl NAME    solution, starter or mutant:<name> (default: solution)
  --seed N       the random walks' seed
  --trace FILE   where a counterexample is written
                 (default: check-<lab>.trace.jsonl)
  --replay TRACE runs the path in a trace written by check again, exactly,
                 and checks the state it reaches
  --explore      opens the explorer (on a terminal): at the counterexample
                 if the search found one, else at the initial state; with
                 --replay, at the end of the trace's path

Progress (states, unique states, depth, states/s) goes to stderr. Ctrl-C stops
the search and keeps what was found. A violation exits 1, prints the path and
writes it as a trace that 'faultline trace view' opens.`,
		run: runCheck,
	})
}

func runCheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("check")
	bfs := fs.Bool("bfs", false, "")
	dfs := fs.Bool("dfs", false, "")
	walk := fs.Bool("walk", false, "")
	depth := fs.Int("depth", 0, "")
	states := fs.Int("states", 0, "")
	model := fs.String("model", "", "")
	implName := fs.String("impl", "solution", "")
	seed := fs.Uint64("seed", 1, "")
	out := fs.String("trace", "", "")
	replay := fs.String("replay", "", "")
	explore := fs.Bool("explore", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *replay != "" {
		if len(pos) != 0 {
			return usageError("check", "--replay takes the trace alone, not a lab")
		}
		return replayCheck(env, *replay, *explore)
	}
	if len(pos) != 1 {
		return usageError("check", "want one lab, such as 'faultline check pingpong'")
	}
	if *depth < 0 || *states < 0 {
		return usageError("check", "--depth and --states count events and states: want 0 (the model's own bound) or more, not %d", min(*depth, *states))
	}
	n := 0
	for _, b := range []bool{*bfs, *dfs, *walk} {
		if b {
			n++
		}
	}
	if n > 1 {
		return usageError("check", "choose one of --bfs, --dfs and --walk")
	}
	spec, impl, err := checkSpec(pos[0], *model, *implName)
	if err != nil {
		return err
	}
	m, err := spec.Build(impl)
	if err != nil {
		return fmt.Errorf("%s %s: %w", spec.Lab, spec.Name, err)
	}
	opt := spec.Options
	switch {
	case *dfs:
		opt.Strategy = search.DFS
	case *walk:
		opt.Strategy = search.Walk
	case *bfs:
		opt.Strategy = search.BFS
	}
	if *depth > 0 {
		opt.Depth = *depth
	}
	if *states > 0 {
		opt.States = *states
	}
	opt.Seed = *seed
	// A search allocates a copy of a node per event and keeps every state
	// of its frontier: the grader's collector target saves about a fifth
	// of its CPU here too.
	run.TuneGC()
	start := time.Now()
	p := &checkProgress{w: env.stderr, tty: env.isTerminal, start: start}
	opt.Progress = p.show
	opt.ProgressEvery = 1 << 14
	opt.Stop = func() bool { return ctx.Err() != nil }
	depthText := "no depth bound"
	if opt.Depth > 0 {
		depthText = fmt.Sprintf("depth %d", opt.Depth)
	}
	fmt.Fprintf(env.stdout, "%s %s (%s): %s, %s, %v\n", spec.Lab, spec.Name, *implName, strings.ToUpper(opt.Strategy.String()), depthText, boundsText(m.Bounds))
	c, err := search.New(m)
	if err != nil {
		return err
	}
	if *explore && *depth == 0 && *states == 0 && !*bfs && !*dfs && !*walk {
		// Exploring a lab by hand: no search first.
		return runExplorer(env, c, spec, *implName, nil)
	}
	res, err := c.Run(opt)
	if err != nil {
		return err
	}
	p.done()
	st := res.Stats
	fmt.Fprintf(env.stdout, "%d states, %d unique, deepest %d, in %v\n", st.States, st.Unique, st.Depth, time.Since(start).Round(time.Millisecond))
	switch {
	case res.Stopped:
		fmt.Fprintln(env.stdout, "stopped (Ctrl-C): the states above were explored; nothing is proven beyond them")
	case res.Limit:
		fmt.Fprintf(env.stdout, "stopped at %d unique states (--states): the space within the bounds was not exhausted\n", opt.States)
	case res.Exhausted:
		fmt.Fprintln(env.stdout, "every state within the bounds was explored")
	case res.Saturated:
		fmt.Fprintln(env.stdout, "the random walks stopped finding new states (1,000 walks in a row found none): the space is smaller than --states and has probably all been seen")
	}
	for _, g := range res.Goals {
		if g.Reached {
			fmt.Fprintf(env.stdout, "goal %q reached in %d events\n", g.Name, len(g.Path))
		} else {
			fmt.Fprintf(env.stdout, "goal %q not reached: the bounds may be too tight to say much\n", g.Name)
		}
	}
	v := res.Violation
	if v == nil {
		fmt.Fprintln(env.stdout, "no violation")
		if *explore {
			return runExplorer(env, c, spec, *implName, nil)
		}
		return nil
	}
	if res.Unshrunk > 0 {
		fmt.Fprintf(env.stdout, "(the %s found a path of %d events; shrunk to the %d events that still break %s)\n", opt.Strategy, res.Unshrunk, len(v.Path), v.Invariant)
	}
	fmt.Fprintln(env.stdout, v.Error())
	file := *out
	if file == "" {
		file = fmt.Sprintf("check-%s.trace.jsonl", spec.Lab)
	}
	if err := writeCheckTrace(c, file, trace.Header{Lab: spec.Lab, Test: spec.Name, Impl: *implName}, v); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "trace: %s (view: faultline trace view %s; replay: faultline check --replay %s)\n", file, file, file)
	if *explore {
		if err := runExplorer(env, c, spec, *implName, v.Path); err != nil {
			return err
		}
	}
	return &exitError{code: 1}
}

// runExplorer opens the explorer at the end of path, on a terminal.
func runExplorer(env *cliEnv, c *search.Checker, spec models.Spec, implName string, path []search.Event) error {
	if !env.isTerminal {
		fmt.Fprintln(env.stdout, "not a terminal, so the explorer did not open")
		return nil
	}
	title := fmt.Sprintf("%s %s (%s)", spec.Lab, spec.Name, implName)
	e, err := tui.NewExplorer(c, title, trace.Header{Lab: spec.Lab, Test: spec.Name, Impl: implName}, path)
	if err != nil {
		return err
	}
	_, err = tea.NewProgram(e, tea.WithAltScreen()).Run()
	return err
}

// checkSpec finds lab's search model and the implementation to check.
func checkSpec(lab, model, implName string) (models.Spec, any, error) {
	l, err := suite.Lookup(lab)
	if err != nil {
		return models.Spec{}, nil, err
	}
	spec, err := models.Lookup(l.Name, model)
	if err != nil {
		return models.Spec{}, nil, err
	}
	impl, err := l.Impl(implName)
	if errors.Is(err, edition.ErrNoReference) {
		// check explores the platform's implementations, never a
		// workspace's: the starter is the one a student edition has.
		return models.Spec{}, nil, fmt.Errorf("%w\nfaultline check explores the platform's own implementations only; --impl starter explores the starter", err)
	}
	if err != nil {
		return models.Spec{}, nil, err
	}
	if impl == nil {
		return models.Spec{}, nil, fmt.Errorf("lab %s has no %s in this edition of faultline", l.Name, implName)
	}
	return spec, impl, nil
}

func boundsText(b search.Bounds) string {
	return fmt.Sprintf("up to %d drops, %d duplicates, %d crashes", b.Drops, b.Duplicates, b.Crashes)
}

func writeCheckTrace(c *search.Checker, file string, h trace.Header, v *search.Violation) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("write the counterexample: %w", err)
	}
	w := trace.NewWriter(f)
	err = c.WriteTrace(w, h, v.Path, v)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write the counterexample to %s: %w", file, err)
	}
	return nil
}

// replayCheck runs the path a check trace holds and checks where it ends.
func replayCheck(env *cliEnv, file string, explore bool) error {
	buf, err := trace.ReadFile(file)
	if err != nil {
		return err
	}
	path, err := search.ReadPath(buf)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	h := buf.Head
	spec, impl, err := checkSpec(h.Lab, h.Test, h.Impl)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	m, err := spec.Build(impl)
	if err != nil {
		return err
	}
	c, err := search.New(m)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "replaying %d events of %s %s (%s)\n", len(path.Keys), spec.Lab, spec.Name, h.Impl)
	for i, e := range path.Events {
		fmt.Fprintf(env.stdout, "  %2d. %s\n", i+1, e)
	}
	if explore {
		var evs []search.Event
		s, err := c.Initial()
		for _, k := range path.Keys {
			if err != nil {
				break
			}
			for _, ev := range c.Enabled(s) {
				if ev.Key() == k {
					evs = append(evs, ev)
					s, err = c.Apply(s, ev)
					break
				}
			}
		}
		return runExplorer(env, c, spec, h.Impl, evs)
	}
	s, err := c.Replay(path.Keys)
	if err != nil {
		fmt.Fprintf(env.stdout, "the path ends in a broken node contract: %v\n", err)
		return &exitError{code: 1}
	}
	if v := c.Violated(s); v != nil {
		fmt.Fprintf(env.stdout, "%s violated: %v\n", v.Invariant, v.Err)
		return &exitError{code: 1}
	}
	fmt.Fprintln(env.stdout, "the state reached breaks no invariant")
	return nil
}

// checkProgress prints a search's progress: one line rewritten on a terminal,
// a line per report otherwise.
type checkProgress struct {
	w     io.Writer
	tty   bool
	start time.Time
	shown bool
}

func (p *checkProgress) show(st search.Stats) {
	secs := time.Since(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(st.States) / secs
	}
	line := fmt.Sprintf("states %d  unique %d  depth %d  frontier %d  %.0f states/s", st.States, st.Unique, st.Depth, st.Frontier, rate)
	if p.tty {
		fmt.Fprintf(p.w, "\r%-80s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
	p.shown = true
}

func (p *checkProgress) done() {
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}
