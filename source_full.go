//go:build !student

package faultline

import "embed"

// source is the whole platform: the open-source edition carries every lab's
// reference solution and mutants, for self-learners.
//
//go:embed go.mod go.sum grader labs
var source embed.FS
