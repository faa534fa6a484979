//go:build !student

package backofflab

import (
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/backoff/internal/reference"
	"github.com/faultline-dev/faultline/labs/backoff/mutants"
)

// The reference and its mutants, set apart so that an edition of
// faultline without them (the student edition) leaves out this one file:
// the rest of the suite reaches the reference only through Lab.Solution,
// at run time (docs/design.md, "One layout for every lab").
func init() {
	Lab.Solution = backoff.Factory(reference.NewClient)
	Lab.Mutants = mutants.All
}
