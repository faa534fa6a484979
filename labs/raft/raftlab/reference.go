//go:build !student

package raftlab

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/internal/reference"
	"github.com/faultline-dev/faultline/labs/raft/mutants"
)

// This file is the only one of the suite that imports the reference and
// its mutants (docs/design.md, "One layout for every lab"): an edition of
// faultline built without it still compiles, grades a student's Raft, and
// says plainly that it has no reference (Lab.Solution nil; demoFactory nil;
// raftlab.Base tells kvraft and shardkv to grade with the student's Raft).

func init() {
	Lab.Solution = raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
		return reference.New(id, apply, reference.Bugs{})
	})
	Lab.Mutants = mutants.All
	Designs = []Design{
		design("reference (100 ms heartbeats, 300-600 ms timeouts)", reference.Design{}),
		design("fastest timing (100 ms, 150-300 ms)", reference.Design{Timing: timing(100, electionTimeouts[0], 300*time.Millisecond)}),
		design("slowest timing (100 ms, 500-1000 ms)", reference.Design{Timing: timing(100, 500*time.Millisecond, electionTimeouts[1])}),
		design("PreVote and CheckQuorum", reference.Design{PreVote: true, CheckQuorum: true}),
		design("PreVote, CheckQuorum, batching, slowest timing", reference.Design{Timing: timing(100, 500*time.Millisecond, electionTimeouts[1]), PreVote: true, CheckQuorum: true, BatchOnHeartbeat: true}),
	}
	demoFactory = func(id node.ID) node.Node {
		return reference.NewTimed(id, func(raft.ApplyMsg) {}, demoTiming)
	}
}

// demoTiming is faster than the lab's so that a demo fits a screen:
// heartbeats every 50 ms, election timeouts of 150–300 ms.
var demoTiming = reference.Timing{Heartbeat: 50 * time.Millisecond, ElectionMin: 150 * time.Millisecond, ElectionMax: 300 * time.Millisecond}

func design(name string, d reference.Design) Design {
	return Design{Name: name, Factory: raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
		return reference.NewDesign(id, apply, d)
	})}
}

// timing is hb ms heartbeats with election timeouts drawn from [lo, hi];
// the designs at the task's extremes take them from electionTimeouts.
func timing(hb int, lo, hi time.Duration) reference.Timing {
	return reference.Timing{Heartbeat: time.Duration(hb) * time.Millisecond, ElectionMin: lo, ElectionMax: hi}
}
