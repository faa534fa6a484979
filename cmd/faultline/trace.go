package main

import (
	"context"
	"fmt"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/tui/viewer"
)

func init() {
	register(&command{
		name:    "trace",
		args:    "view FILE | check FILE",
		summary: "step through a recorded run, or validate a trace file",
		help: `view    opens FILE (a trace written by 'faultline grade' or 'faultline demo --trace')
        in the space-time viewer. Press ? in the viewer for its keys.
check   reads FILE, reports the first malformed line if any, and prints the
        number of records and the trace hash.

A malformed file is reported with its line number and what was wrong; see
docs/trace-format.md for the format.`,
		run: runTrace,
	})
}

func runTrace(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("trace")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || (pos[0] != "view" && pos[0] != "check") {
		return usageError("trace", "want 'view FILE' or 'check FILE'")
	}
	if pos[0] == "check" || !env.isTerminal {
		// Streamed: checking keeps no records, so its memory does not
		// grow with the trace.
		sum, err := trace.ValidateFile(pos[1])
		if err != nil {
			return err
		}
		if pos[0] == "view" {
			notViewed(env, viewer.Title(sum.Head), sum.Records)
			return nil
		}
		fmt.Fprintf(env.stdout, "%s: %d records, nodes %v, seed %d, hash %s\n", pos[1], sum.Records, sum.Head.Nodes, sum.Head.Seed, sum.Hash)
		return nil
	}
	// The viewer reads the file itself, showing how far it has come.
	m, err := viewer.ProgramFile(pos[1]).Run()
	if err != nil {
		return err
	}
	return viewer.LoadErr(m)
}

// view opens the viewer on a terminal, or prints a summary when stdout is
// not one (a pipe, CI).
func view(env *cliEnv, buf *trace.Buffer, title string) error {
	if !env.isTerminal {
		notViewed(env, title, len(buf.Records))
		return nil
	}
	_, err := viewer.Program(buf, title).Run()
	return err
}

func notViewed(env *cliEnv, title string, records int) {
	fmt.Fprintf(env.stdout, "%s: %d records. Not a terminal, so the viewer did not open: run this in a terminal, or write the trace with --trace FILE (for a file: faultline trace check FILE).\n", title, records)
}
