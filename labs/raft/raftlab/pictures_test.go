package raftlab

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

// TestPictures holds each failure picture, run with its default seed, to
// the failure the lessons describe: the check's kind and the instant it
// fails (the exercises' answers quote both), or a clean pass for the
// reference's runs. A picture that stops failing, or fails elsewhere, has
// a caption that no longer describes it.
func TestPictures(t *testing.T) {
	require.NotEmpty(t, pictures)
	for _, p := range pictures {
		t.Run(p.name, func(t *testing.T) {
			d, err := suite.LookupDemo(p.name)
			require.NoError(t, err, "every picture is a registered demo")
			assert.Equal(t, p.seed, d.Seed)
			var buf trace.Buffer
			out, err := p.outcome(p.seed, &buf)
			require.NoError(t, err)
			require.NotEmpty(t, buf.Records, "the run is traced")
			if p.fails == "" {
				require.True(t, out.Passed(), "the %s picture shows a run that passes, but: %s", p.name, out.Describe())
				return
			}
			require.NotNil(t, out.Failure, "the %s picture shows %s failing, but the run ended: %s", p.name, p.fails, out.Describe())
			assert.Equal(t, "raft safety", out.Failure.Check)
			assert.Equal(t, p.fails, out.Failure.Kind, out.Failure.Msg)
			assert.Equal(t, p.at, out.Failure.Time.Round(100*time.Microsecond), "the lessons quote when %s fails: %s", p.name, out.Failure.Msg)
		})
	}
}

// TestPicturesReplay: a picture's run is a pure function of its seed, so
// the lessons' commands (faultline demo NAME --seed S) show the drawn run.
func TestPicturesReplay(t *testing.T) {
	for _, p := range pictures {
		t.Run(p.name, func(t *testing.T) {
			var a, b trace.Buffer
			require.NoError(t, p.run(p.seed, &a))
			require.NoError(t, p.run(p.seed, &b))
			assert.Equal(t, a.Hash(), b.Hash())
		})
	}
}
