//go:build student

package faultline

import "embed"

// source is the student edition's platform (docs/instructor.md, "The
// student edition"): what a runner build and a workspace need, and no
// reference source. A lab's reference lives only in labs/<lab>/internal
// and labs/<lab>/mutants, and only labs/<lab>/<lab>lab/reference.go
// imports them (docs/design.md, "One layout for every lab"); so the labs
// are listed part by part, leaving out those two folders, and a suite's
// files by patterns that leave out reference.go and the suite's own tests
// (some of which import the reference to measure it): a .go file whose
// name neither starts with r nor ends in t.go, and the task and data
// files. No other file of a suite starts with r or ends in t.go today;
// TestStudentPatterns (and, under -tags student, TestStudentSourceComplete)
// fails if one ever does, since it would be missing from runners, as
// TestStudentSourceHasNoReference fails if reference code slips in. The
// grader is carried whole: it holds no reference.
//
// labs/all imports every suite; labs/node and labs/demos are shared by
// the labs and imported by the suites; kvraft's kvhistory is its suite's
// checker.
//
//go:embed go.mod go.sum grader
//go:embed labs/all labs/node labs/demos
//go:embed labs/*/*.go labs/*/starter labs/kvraft/kvhistory
//go:embed labs/*/*lab/[^r]*[^t].go labs/*/*lab/*.md labs/*/*lab/*.txt
var source embed.FS
