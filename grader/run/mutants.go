package run

import (
	"context"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/result"
)

// Mutants grades every mutant of the lab and reports which test caught
// each. o.Impl is ignored; shrinking and trace files are skipped.
func Mutants(ctx context.Context, o Options) (*result.Mutation, error) {
	start := time.Now()
	m := &result.Mutation{Version: result.Version, Lab: o.Lab.Name}
	for _, mu := range o.Lab.Mutants {
		mo := o
		mo.Impl = "mutant:" + mu.Name
		mo.NoShrink, mo.NoTraces = true, true
		res, err := Grade(ctx, mo)
		if err != nil {
			return nil, err
		}
		mr := result.MutationResult{Name: mu.Name, Description: mu.Description}
		for _, t := range res.Tests {
			if t.Status != result.Pass {
				mr.Caught, mr.CaughtBy, mr.Seed = true, t.Name, t.Seed
				mr.Message, _, _ = strings.Cut(t.Message, "\n")
				break
			}
		}
		if mr.Caught {
			m.Caught++
		}
		m.Total++
		m.Mutants = append(m.Mutants, mr)
	}
	m.WallMS = time.Since(start).Milliseconds()
	return m, nil
}
