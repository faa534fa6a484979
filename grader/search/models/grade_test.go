package models_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/grader/search/models"
	"github.com/faultline-dev/faultline/grader/suite"
)

// TestGradedThroughTheGrader runs a search test through grader/run, as a
// lab that appends it to its table would be graded: the reference scores
// its points, and the mutants it targets are caught by it (the grader's
// determinism re-runs and reports hold for a test with no simulator).
func TestGradedThroughTheGrader(t *testing.T) {
	pp, err := suite.Lookup("pingpong")
	require.NoError(t, err)
	lab := &suite.Lab{Name: "searchfake", Title: "pingpong, searched", Parts: []suite.Part{{ID: "S", Title: "Search"}},
		Tests:    []suite.Test{models.SuiteTest("pingpong", "exactly-once", "S", 4)},
		Solution: pp.Solution, Mutants: pp.Mutants}
	suite.Register(lab)

	res, err := run.Grade(context.Background(), run.Options{Lab: lab, Impl: "solution", NoTraces: true, Parallel: 1})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Score, "%+v", res)
	assert.Equal(t, 4, res.MaxScore)

	mut, err := run.Mutants(context.Background(), run.Options{Lab: lab, NoTraces: true, Parallel: 1})
	require.NoError(t, err)
	caught := map[string]string{}
	for _, m := range mut.Mutants {
		caught[m.Name] = m.CaughtBy
	}
	for _, name := range []string{"no-dedup", "no-retransmit", "dedup-by-seq"} {
		assert.Equal(t, "SearchExactlyOnce", caught[name], "mutant %s", name)
	}
}
