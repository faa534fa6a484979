package demos

import (
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run(t *testing.T, name string, seed uint64) *trace.Buffer {
	t.Helper()
	d, err := suite.LookupDemo(name)
	require.NoError(t, err)
	var buf trace.Buffer
	require.NoError(t, d.Run(seed, &buf))
	return &buf
}

func logs(buf *trace.Buffer) []string {
	var out []string
	for _, r := range buf.Records {
		if r.Kind == trace.Log {
			out = append(out, r.Node.String()+": "+r.Text)
		}
	}
	return out
}

func TestClockSkew(t *testing.T) {
	buf := run(t, "clock-skew", 1)
	all := strings.Join(logs(buf), "\n")
	assert.Contains(t, all, "from the future")
	assert.Contains(t, all, "backwards")
	assert.Equal(t, buf.Hash(), run(t, "clock-skew", 1).Hash())
	assert.Less(t, len(buf.Records), 3000)
}

// TestRetryStormIsMetastable checks the demo shows what its description
// promises: overload that outlives the slowdown, with goodput far below
// throughput after it ends.
func TestRetryStormIsMetastable(t *testing.T) {
	buf := run(t, "retry-storm", 1)
	var after []string
	for _, r := range buf.Records {
		if r.Kind == trace.Log && r.Time() > stormSlowUntil+stormReport && r.Time() <= stormRun {
			after = append(after, r.Text)
		}
	}
	require.NotEmpty(t, after)
	for _, line := range after {
		var arrived, served, good, wasted, dropped, queue int
		_, err := fmtSscanf(line, &arrived, &served, &good, &wasted, &dropped, &queue)
		require.NoError(t, err, line)
		assert.Greater(t, wasted, good, "after the slowdown the server should mostly serve abandoned attempts: %s", line)
	}
	assert.Equal(t, buf.Hash(), run(t, "retry-storm", 1).Hash())
	assert.Less(t, len(buf.Records), 6000)
}
