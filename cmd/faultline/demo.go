package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/tui"
	"github.com/faultline-dev/faultline/tui/viewer"
)

func init() {
	register(&command{
		name:    "demo",
		args:    "[scenario] [--seed S] [--trace FILE]",
		summary: "run a built-in scenario with a reference solution and step through it",
		help: `With no scenario, lists the scenarios. With one, runs it in the simulator
and opens the space-time viewer on the run: every message, drop, timer,
crash and partition, one row per event. A demo that measures time series
(such as backoff-storm) opens on their charts instead; c toggles between the
charts and the diagram. Press ? in the viewer for its keys.

--seed S     run with seed S instead of the scenario's default
--trace FILE write the run's trace to FILE instead of opening the viewer`,
		run: runDemo,
	})
}

func runDemo(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("demo")
	seedFlag := fs.String("seed", "", "seed")
	out := fs.String("trace", "", "write the trace to FILE")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fmt.Fprintln(env.stdout, "Demo scenarios (run one with 'faultline demo NAME'):")
		for _, d := range suite.Demos() {
			fmt.Fprintf(env.stdout, "\n  %s — %s\n", d.Name, d.Title)
			for _, l := range tui.WrapWords(d.Description, 72) {
				fmt.Fprintf(env.stdout, "      %s\n", l)
			}
		}
		return nil
	}
	if len(pos) > 1 {
		return usageError("demo", "one scenario at a time")
	}
	d, err := suite.LookupDemo(pos[0])
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	seed := d.Seed
	if *seedFlag != "" {
		seed, err = strconv.ParseUint(*seedFlag, 10, 64)
		if err != nil || seed == 0 {
			return usageError("demo", "--seed wants a positive integer, not %q", *seedFlag)
		}
	}
	var buf trace.Buffer
	if err := d.Run(seed, &buf); err != nil {
		return err
	}
	if *out != "" {
		if err := trace.WriteFile(*out, &buf); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "wrote %d records to %s (hash %s); open it with: faultline trace view %s\n", len(buf.Records), *out, buf.Hash(), *out)
		return nil
	}
	charts, err := tui.DemoCharts(d, seed)
	if err != nil {
		return err
	}
	if len(charts) == 0 {
		return view(env, &buf, viewer.Title(buf.Head))
	}
	title := viewer.Title(buf.Head)
	if !env.isTerminal {
		notViewed(env, title, len(buf.Records))
		for _, c := range charts {
			fmt.Fprintf(env.stdout, "\n%s\n", chart.Terminal(c, 80, 12, chart.Styles{}))
		}
		return nil
	}
	m := viewer.New(&buf, title, true)
	m.SetCharts(charts, true)
	_, err = viewer.ProgramOf(m).Run()
	return err
}
