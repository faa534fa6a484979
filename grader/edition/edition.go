// Package edition says which edition of faultline a binary is: the
// open-source edition, which carries the labs' reference solutions and
// mutants for self-learners, or the student edition an instructor builds
// with -tags student (docs/instructor.md, "The student edition"), which
// carries the starters, APIs, suites and lessons but no reference source.
//
// The edition is a build tag, not a setting, so that what a student
// edition lacks is absent from the binary, not merely hidden: every
// labs/<lab>/<lab>lab/reference.go (the only files that import a lab's
// internal/reference and mutants, docs/design.md "One layout for every
// lab") is built only without the tag, and the binary's embedded platform
// (source_student.go at the module root) leaves them out.
package edition

import (
	"errors"
	"fmt"
)

// Tag is the build tag that makes the student edition.
const Tag = "student"

// ErrNoReference is wrapped by every error that says a feature needs a
// reference solution or a mutant the edition does not carry.
var ErrNoReference = errors.New("no reference solution in this edition")

// NoReference says that what (a command, a demo: "--impl solution",
// "demo raft-election") needs a lab's reference, which this edition does
// not carry, and what to do instead. It wraps ErrNoReference.
func NoReference(what string) error {
	if Student {
		return fmt.Errorf("%s needs the platform's reference solution, and this is the student edition of faultline, which carries no reference solutions or mutants: grade your own code instead (faultline grade LAB), or ask your instructor (%w)", what, ErrNoReference)
	}
	return fmt.Errorf("%s needs the platform's reference solution, which this build of faultline lacks (built without the labs' reference.go files) (%w)", what, ErrNoReference)
}
