package run_test

import (
	"context"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	_ "github.com/faultline-dev/faultline/labs/all"
)

// TestShrunkRunsKeepTheirFailure: for every mutant of every lab, the run
// that catches it is shrunk to a run that fails the same way (the same
// status and failure kind), in no more events, that the reference passes,
// and that `--replay` of its trace runs again exactly.
func TestShrunkRunsKeepTheirFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("shrinks a run per mutant")
	}
	ctx := context.Background()
	// Shrinking is what the test checks the result of, not how far it
	// goes: under the race detector, a shorter search keeps the test
	// within go test's ten minutes.
	maxShrink := 60
	if raceEnabled {
		maxShrink = 15
	}
	for _, lab := range suite.Labs() {
		m, err := run.Mutants(ctx, run.Options{Lab: lab})
		require.NoError(t, err)
		for _, mu := range m.Mutants {
			if !mu.Caught {
				continue
			}
			t.Run(lab.Name+"/"+mu.Name, func(t *testing.T) {
				one := regexp.MustCompile("^" + regexp.QuoteMeta(mu.CaughtBy) + "$")
				dir := t.TempDir()
				res, err := run.Grade(ctx, run.Options{Lab: lab, Impl: "mutant:" + mu.Name, Run: one, Seed: mu.Seed, TraceDir: dir, MaxShrinkRuns: maxShrink})
				require.NoError(t, err)
				tr := res.Tests[0]
				require.NotEqual(t, result.Pass, tr.Status, "run.Mutants said %s catches it at seed %d: %s", mu.CaughtBy, mu.Seed, mu.Message)
				s := tr.Shrink
				if s == nil || s.Trace == "" {
					t.Skipf("nothing to shrink: %s fails before any removable item", mu.CaughtBy)
				}
				assert.LessOrEqual(t, s.ShrunkEvents, s.OriginalEvents, "a shrunk run is never longer")

				f, err := os.Open(s.Trace)
				require.NoError(t, err)
				rd, err := trace.NewReader(f, s.Trace)
				require.NoError(t, err)
				f.Close()
				var drop []suite.Item
				for _, name := range rd.Head.Drop {
					it, err := suite.ParseItem(name)
					require.NoError(t, err)
					drop = append(drop, it)
				}
				assert.Len(t, drop, s.OriginalItems-s.ShrunkItems, "the header names what was left out")

				replay, err := run.Grade(ctx, run.Options{Lab: lab, Impl: "mutant:" + mu.Name, Run: one, Seed: mu.Seed, Drop: drop, TraceDir: t.TempDir()})
				require.NoError(t, err)
				assert.Equal(t, tr.Kind, replay.Tests[0].Kind, "the shrunk run fails the same way")

				ref, err := run.Grade(ctx, run.Options{Lab: lab, Impl: "solution", Run: one, Seed: mu.Seed, Drop: drop, TraceDir: t.TempDir()})
				require.NoError(t, err)
				assert.Equal(t, result.Pass, ref.Tests[0].Status, "the reference passes the shrunk run: %s", ref.Tests[0].Message)
			})
		}
	}
}
