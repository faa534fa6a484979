package run

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/suite"
)

// verdict fills in a test's status and message from its reported run
// alone.
func (o *Options) verdict(t *suite.Test, seed uint64, out *outcome, tr *result.Test) {
	tr.Output = out.Output
	if out.passed() {
		tr.Status = result.Pass
		return
	}
	tr.Status = result.Fail
	if out.Status == runError || out.Status == runGaveUp {
		tr.Status = result.Error
	}
	tr.Message = fmt.Sprintf("seed %d: %s", seed, out.Message)
	if out.Status == runGaveUp {
		tr.Message += "; replay: " + tr.Replay
	}
	tr.Kind = out.signature()
	if n := max(out.MisuseCount, len(out.Misuses)); n > 0 {
		tr.Message += fmt.Sprintf(" (the implementation also misused its Env %d times; first: %s)", n, out.Misuses[0])
	}
	tr.Hint = hint(o.Lab, t, out)
}

// judge fills in a test's status, message, trace and shrink from its
// reported run and the determinism check's re-runs.
func (o *Options) judge(ctx context.Context, ex executor, j *reported) {
	t, seed, out, tr := j.t, j.it.seed, &j.out, j.tr
	o.verdict(t, seed, out, tr)
	tr.TraceHash = cmp.Or(out.Hash, j.hash)
	d := j.diff
	if d == nil {
		o.traceAndShrink(ctx, ex, t, seed, out, tr)
		return
	}
	if d.again.Status == runGaveUp {
		// The re-run's machine gave up: no verdict on determinism.
		tr.Status, tr.Kind, tr.Hint = result.Error, d.again.signature(), ""
		tr.Seed, tr.Replay = d.seed, o.replay(t, d.seed)
		tr.Message = fmt.Sprintf("seed %d: %s; replay: %s", d.seed, d.again.Message, tr.Replay)
		return
	}
	tr.Status, tr.Kind, tr.Hint, tr.Score = result.Error, "nondeterministic", "", 0
	tr.Seed, tr.Replay = d.seed, o.replay(t, d.seed)
	tr.Message = fmt.Sprintf("seed %d gave different runs when run again in another runner: %s. The implementation is nondeterministic. "+
		"Look for iteration over a map deciding what to send, the global math/rand source instead of env.Rand(), "+
		"the wall clock instead of env.Now(), goroutines, or state kept between runs in package variables.", d.seed, o.explain(ctx, ex, t, d))
}

// traceAndShrink writes a failing run's trace and shrinks it.
func (o *Options) traceAndShrink(ctx context.Context, ex executor, t *suite.Test, seed uint64, out *outcome, tr *result.Test) {
	if out.passed() || o.NoTraces {
		return
	}
	// The trace is of the run reported: with the items a replay of a
	// shrunk run leaves out.
	path, err := o.writeTrace(ctx, ex, t, seed, o.Drop, "")
	if err != nil {
		tr.Message += fmt.Sprintf(" (could not write the trace: %v)", err)
	} else {
		tr.Trace = path
		tr.Artifacts, _ = filepath.Glob(strings.TrimSuffix(path, ".jsonl") + "-*.html")
		if len(o.Drop) > 0 {
			// No flag names a drop set; the trace's header does.
			tr.Replay = "faultline grade --replay " + path + o.referenceFlags()
		}
	}
	if !o.NoShrink && len(out.Items) > 0 {
		tr.Shrink = o.shrink(ctx, ex, t, seed, out)
	}
}

func (o *Options) writeTrace(ctx context.Context, ex executor, t *suite.Test, seed uint64, drop []suite.Item, suffix string) (string, error) {
	if err := os.MkdirAll(o.TraceDir, 0o755); err != nil {
		return "", err
	}
	path, err := filepath.Abs(filepath.Join(o.TraceDir, fmt.Sprintf("%s-%s-%d%s.jsonl", o.Lab.Name, t.Name, seed, suffix)))
	if err != nil {
		return "", err
	}
	req := o.request(t, seed)
	req.Drop, req.Trace = drop, path
	out := ex.exec(ctx, req)
	if out.TraceErr != "" {
		return "", errors.New(out.TraceErr)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
			path = rel
		}
	}
	return path, nil
}
