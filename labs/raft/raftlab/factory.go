package raftlab

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/labs/raft"
)

// Base is the Raft that a lab built on Raft (kvraft, shardkv) runs its
// servers on: dep, the student's own Raft that the engine hands over
// (suite.Student.Uses), or the reference Raft when dep is nil. lab names
// the asking lab in errors.
func Base(lab string, dep any) (raft.Factory, error) {
	if dep == nil {
		if Lab.Solution == nil {
			return nil, fmt.Errorf("%w; grade with --raft student (the default), which runs your own Raft", edition.NoReference(lab+" lab: --raft reference"))
		}
		dep = Lab.Solution
	}
	f, err := raft.FactoryOf(dep)
	if err != nil {
		return nil, fmt.Errorf("%s lab: %w", lab, err)
	}
	return f, nil
}
