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
	demoFactory = func(id node.ID) node.Node {
		return reference.NewTimed(id, func(raft.ApplyMsg) {}, demoTiming)
	}
}

// demoTiming is faster than the lab's so that a demo fits a screen:
// heartbeats every 50 ms, election timeouts of 150–300 ms.
var demoTiming = reference.Timing{Heartbeat: 50 * time.Millisecond, ElectionMin: 150 * time.Millisecond, ElectionMax: 300 * time.Millisecond}
