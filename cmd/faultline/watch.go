package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/faultline-dev/faultline/grader/report"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
)

// watchGrade re-grades the student's package every time one of its files
// is saved, and prints a short summary: the score, the first failure, how
// to replay it and where to read about it.
func watchGrade(ctx context.Context, env *cliEnv, g *gradeFlags) error {
	ws, err := findWorkspace(env, g.workspace)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	dir := ws.LabDir(g.lab)
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("watch %s: %w", dir, err)}
	}
	fmt.Fprintf(env.stdout, "watching %s: every save re-grades %s (Ctrl-C stops)\n", dir, g.lab.Name)
	for {
		gradeAndSummarize(ctx, env, g)
		// Wait for a change to a .go file, then let a burst of saves settle.
		if !waitForChange(ctx, w) {
			return nil
		}
	}
}

func waitForChange(ctx context.Context, w *fsnotify.Watcher) bool {
	changed := false
	var settle <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return false
		case ev, ok := <-w.Events:
			if !ok {
				return false
			}
			if strings.HasSuffix(ev.Name, ".go") && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename|fsnotify.Remove) != 0 {
				changed = true
				settle = time.After(200 * time.Millisecond)
			}
		case <-w.Errors:
		case <-settle:
			if changed {
				return true
			}
		}
	}
}

func gradeAndSummarize(ctx context.Context, env *cliEnv, g *gradeFlags) {
	fmt.Fprintf(env.stdout, "\n── %s ── grading %s\n", time.Now().Format("15:04:05"), g.lab.Name)
	gg := *g
	if err := gg.prepare(ctx, env); err != nil {
		var ee *exitError
		if errors.As(err, &ee) && ee.err != nil {
			err = ee.err
		}
		fmt.Fprintln(env.stdout, report.Printable(err.Error()))
		return
	}
	res, err := gradeOnce(ctx, env, &gg)
	if err != nil && !errors.Is(err, run.ErrInterrupted) {
		fmt.Fprintln(env.stdout, report.Printable(err.Error()))
		return
	}
	gg.completeReplays(res)
	fmt.Fprint(env.stdout, summary(res))
}

// summary is the watch mode's few lines about a result. Student text is
// shown through report.PrintableLine, as in the full report.
func summary(res *result.Result) string {
	var b strings.Builder
	passed := 0
	var first *result.Test
	for i := range res.Tests {
		t := &res.Tests[i]
		if t.Status == result.Pass {
			passed++
		} else if first == nil && t.Status != result.Skipped {
			first = t
		}
	}
	fmt.Fprintf(&b, "score %d/%d: %d of %d tests pass\n", res.Score, res.MaxScore, passed, len(res.Tests))
	if first == nil {
		return b.String()
	}
	msg, _, _ := strings.Cut(first.Message, "\n")
	fmt.Fprintf(&b, "first failure: %s (part %s)\n  %s\n", first.Name, first.Part, report.PrintableLine(msg))
	if first.Replay != "" {
		fmt.Fprintf(&b, "  replay: %s\n", report.PrintableLine(first.Replay))
	}
	if first.Trace != "" {
		fmt.Fprintf(&b, "  trace:  faultline trace view %s\n", report.PrintableLine(filepath.ToSlash(first.Trace)))
	}
	if first.Hint != "" {
		fmt.Fprintf(&b, "  hint:   %s\n", report.PrintableLine(first.Hint))
	}
	return b.String()
}
