package vet

import (
	"runtime"

	"github.com/faultline-dev/faultline/grader/edition"
)

// BuildEnv returns the environment additions under which lab code is both
// checked (Check) and compiled (the grader's runner build): append them to
// os.Environ(), later entries win. The rule check must see exactly the files
// the build compiles; a file selected by a build constraint under one
// environment and not the other would escape every rule (issue 22). So:
//
//   - CGO_ENABLED=0: no cgo, whatever compiler is installed (with gcc
//     present the go command turns cgo on by default, selecting different
//     files);
//   - GOOS and GOARCH of the running faultline binary, so a caller's
//     cross-compilation settings do not change the file set;
//   - GOFLAGS=-mod=readonly -trimpath, replacing the caller's GOFLAGS so
//     that no -tags (or other flag) from the caller's environment selects
//     files; -trimpath keeps build folders out of stack traces, and the
//     check's export data and the build's packages are then the same
//     entries of the Go build cache;
//     The student edition adds -tags=student (edition.Tag): its platform
//     copy has no reference.go to exclude, but a runner and the rule check
//     of a student edition then select the same files as the binary that
//     built them, whatever a platform copy holds;
//   - GOWORK=off: a go.work around the workspace must not add modules;
//   - GOTOOLCHAIN=local: the go command on PATH is the one used, never one
//     downloaded because a go.mod asks for it, so vet and build agree on the
//     release (and so on the release tags go1.N).
func BuildEnv() []string {
	goflags := "GOFLAGS=-mod=readonly -trimpath"
	if edition.Student {
		goflags += " -tags=" + edition.Tag
	}
	return []string{
		"CGO_ENABLED=0",
		"GOOS=" + runtime.GOOS,
		"GOARCH=" + runtime.GOARCH,
		goflags,
		"GOWORK=off",
		"GOTOOLCHAIN=local",
	}
}
