package raftlab

import (
	"fmt"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/internal/reference"
	"github.com/stretchr/testify/assert"
)

// TestOtherTimingsPass guards against a suite tuned to the reference's
// own constants: the reference with other (legal) heartbeat intervals and
// election timeouts must pass every test with the default seeds too.
func TestOtherTimingsPass(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short")
	}
	ms := func(v int) time.Duration { return time.Duration(v) * time.Millisecond }
	for _, tm := range []reference.Timing{
		{Heartbeat: ms(100), ElectionMin: ms(150), ElectionMax: ms(300)},
		{Heartbeat: ms(100), ElectionMin: ms(200), ElectionMax: ms(400)},
		{Heartbeat: ms(120), ElectionMin: ms(400), ElectionMax: ms(800)},
	} {
		var f raft.Factory = func(id node.ID, apply func(raft.ApplyMsg)) raft.Node { return reference.NewTimed(id, apply, tm) }
		t.Run(fmt.Sprintf("%v-%v-%v", tm.Heartbeat, tm.ElectionMin, tm.ElectionMax), func(t *testing.T) {
			t.Parallel()
			for i := range Lab.Tests {
				test := &Lab.Tests[i]
				for seed := uint64(1); seed <= uint64(test.Seeds); seed++ {
					o := run(test, seed, f, "timing")
					if !assert.True(t, o.Passed(), "%s seed %d: %s", test.Name, seed, o.Describe()) {
						break
					}
				}
			}
		})
	}
}
