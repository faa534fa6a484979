// Package solution is the reference implementation of the pingpong lab:
// retransmission until acknowledged, and deduplication at the server. The
// code is in internal/ref, shared with the mutants; read it there.
package solution

import (
	"github.com/faultline-dev/faultline/labs/pingpong"
	"github.com/faultline-dev/faultline/labs/pingpong/internal/ref"
)

// Impl is the reference implementation.
var Impl pingpong.Impl = ref.New(ref.Bugs{})
