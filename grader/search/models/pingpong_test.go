package models_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/search/models"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/pingpong/pingponglab"
)

func pingpongImpl(t testing.TB, name string) any {
	lab, err := suite.Lookup("pingpong")
	require.NoError(t, err)
	impl, err := lab.Impl(name)
	require.NoError(t, err)
	return impl
}

func TestPingPongSmoke(t *testing.T) {
	spec, err := models.Lookup("pingpong", "")
	require.NoError(t, err)
	m, err := spec.Build(pingpongImpl(t, "solution"))
	require.NoError(t, err)
	res, err := search.Check(m, spec.Options)
	require.NoError(t, err)
	t.Logf("%+v", res.Stats)
	if res.Violation != nil {
		t.Fatal(res.Violation)
	}
	assert.True(t, res.Goals[0].Reached)
	for _, mu := range []string{"no-dedup", "no-retransmit", "dedup-by-seq"} {
		m, err := spec.Build(pingpongImpl(t, "mutant:"+mu))
		require.NoError(t, err)
		res, err := search.Check(m, spec.Options)
		require.NoError(t, err)
		t.Logf("%s %+v %v", mu, res.Stats, res.Violation)
	}
}
