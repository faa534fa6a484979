//go:build !student

package pingponglab

import (
	"github.com/faultline-dev/faultline/labs/pingpong/internal/reference"
	"github.com/faultline-dev/faultline/labs/pingpong/mutants"
)

// The reference and its mutants, set apart so that an edition of
// faultline without them (the student edition) leaves out this one file:
// the rest of the suite reaches the reference only through Lab.Solution,
// at run time (docs/design.md, "One layout for every lab").
func init() {
	Lab.Solution = reference.New(reference.Bugs{})
	Lab.Mutants = mutants.All
}
