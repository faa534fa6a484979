//go:build !student

package queuelab

import (
	"github.com/faultline-dev/faultline/labs/queue"
	"github.com/faultline-dev/faultline/labs/queue/internal/reference"
	"github.com/faultline-dev/faultline/labs/queue/mutants"
)

// The reference and its mutants, set apart so that an edition of
// faultline without them (the student edition) leaves out this one file:
// the rest of the suite reaches the reference only through Lab.Solution,
// at run time (docs/design.md, "One layout for every lab").
func init() {
	Lab.Solution = queue.Factory(reference.NewServer)
	Lab.Mutants = mutants.All
}
