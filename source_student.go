//go:build student

package faultline

import "embed"

// source is the student edition's platform (docs/instructor.md, "The
// student edition"): what a runner build and a workspace need, and no
// reference source. A lab's reference lives only in labs/<lab>/internal
// and labs/<lab>/mutants, and only labs/<lab>/<lab>lab/reference.go
// imports them (docs/design.md, "One layout for every lab"); so the labs
// are listed part by part, leaving out those two folders, and a suite's
// files by a pattern that matches every name but reference.go's initial
// letter: no other file of a suite starts with r, and
// TestStudentSourceComplete fails if one ever does (it would be missing
// from runners), as TestStudentSourceHasNoReference fails if reference
// code slips in. The grader is carried whole: it holds no reference.
//
// labs/all imports every suite; labs/node and labs/demos are shared by
// the labs and imported by the suites; kvraft's kvhistory is its suite's
// checker.
//
//go:embed go.mod go.sum grader
//go:embed labs/all labs/node labs/demos
//go:embed labs/*/*.go labs/*/starter labs/kvraft/kvhistory
//go:embed labs/*/*lab/[^r]*
var source embed.FS
