// Package solution is the lab's reference Raft: the code of
// labs/raft/internal/core with no bug switched on. Read core/raft.go for
// the algorithm; every rule cites the paper (Figure 2, §5.2–§5.4, §7).
package solution

import (
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/internal/core"
)

// New returns a reference Raft peer.
func New(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
	return core.New(id, apply, core.Bugs{})
}

// Factory is New as a raft.Factory.
var Factory raft.Factory = New
