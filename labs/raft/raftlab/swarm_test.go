package raftlab

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/grader/trace"
)

// TestSwarmDraws checks what the swarm families draw over many seeds:
// every cluster size from 3 to 7, long-tail networks holding messages up
// to 2 s, duplication, crashes that restart at once or soon (crash
// families), snapshots (the snapshot family), and for even sizes
// partitions that split the cluster in halves.
func TestSwarmDraws(t *testing.T) {
	for _, f := range []swarmFamily{electionSwarm, replicationSwarm, persistenceSwarm, snapshotSwarm} {
		t.Run(f.name, func(t *testing.T) {
			sizes := map[int]int{}
			var longTail, dup, reboots, soon, halves, snaps int
			for seed := range uint64(300) {
				c := drawSwarm(rand.New(rand.NewPCG(seed, 1)), f)
				sizes[c.nodes]++
				if c.model.Latency.Kind == faults.LongTail {
					longTail++
					assert.Equal(t, faults.Duration(2*1e9), c.model.Latency.TailMax)
				}
				if c.model.Duplicate > 0 {
					dup++
				}
				if c.snapEvery > 0 {
					snaps++
				}
				for i, e := range c.schedule {
					switch {
					case e.Kind == faults.Reboot:
						reboots++
					case e.Kind == faults.Crash:
						for _, r := range c.schedule[i+1:] {
							if r.Kind == faults.Restart && slices.Equal(r.Nodes, e.Nodes) {
								if r.At-e.At <= faults.Duration(20e6) {
									soon++
								}
								break
							}
						}
					case e.Kind == faults.Partition && c.nodes%2 == 0 && 2*len(e.Groups[0]) == c.nodes:
						halves++
					}
				}
				require.NoError(t, c.schedule.Validate(c.nodes), c.String())
			}
			for n := 3; n <= 7; n++ {
				assert.Positive(t, sizes[n], "no seed drew %d nodes", n)
			}
			assert.Greater(t, longTail, 100, "long-tail networks")
			assert.Greater(t, dup, 250, "duplication")
			if f.crashes {
				assert.Positive(t, reboots, "crashes restarted at once")
				assert.Positive(t, soon, "crashes restarted within 20 ms")
			}
			if f.snaps {
				assert.Equal(t, 300, snaps)
			}
			if slices.Contains(f.kinds, faults.Partition) {
				assert.Positive(t, halves, "even clusters split in halves")
			}
		})
	}
}

// TestSwarmConfigurationIsReported: a swarm run says what it drew, in its
// log (the report) and in its trace.
func TestSwarmConfigurationIsReported(t *testing.T) {
	test, ok := Lab.Test("PersistenceSwarm")
	require.True(t, ok)
	var buf trace.Buffer
	o := labtest.RunOne(Lab, test, Lab.Solution, "solution", firstSeed(test), &buf)
	require.True(t, o.Passed(), o.Describe())
	require.NotEmpty(t, o.Logs)
	assert.Contains(t, o.Logs[0], "swarm configuration (persistence):")
	assert.Contains(t, o.Logs[0], "nodes; network")
	found := false
	for _, r := range buf.Records {
		if r.Kind == trace.Note && strings.HasPrefix(r.Text, "swarm configuration (persistence):") {
			found = true
		}
	}
	assert.True(t, found, "the trace notes the configuration")
}
