// Package vet checks that lab code plays by the simulator's rules before it
// is graded. The grade is only worth something if a node can reach nothing
// but its Env: no other node's memory, no earlier run's, no clock, no
// file. So vet refuses:
//
//   - goroutines, channels, select and locks: handlers never run
//     concurrently;
//   - the wall clock (time.Now, time.Sleep...) and the global random
//     source: runs must replay from their seed;
//   - memory shared between nodes or runs: package-level variables (but
//     errors.New sentinels and `var _ I = (*T)(nil)` checks), init
//     functions, package-level initializers that call anything, and any
//     write to, or address taken of, a package-level variable of any
//     package, the lab's own or an imported one (errors.ErrUnsupported =
//     ..., unicode.Upper.R16[0] = ...). An imported variable may be read
//     only when that shares nothing: an error sentinel (io.EOF), a value
//     with no pointer inside (binary.LittleEndian), or an argument passed
//     straight to its own package (unicode.Is(unicode.Latin, r));
//     overwriting a standard library object in place (*env.Rand() = ...,
//     *t.Location() = ...) and gob.Register, a process-wide registry, are
//     refused too (shared.go says why);
//   - build constraints of any kind (//go:build, // +build, name_linux.go),
//     //line directives and non-Go sources (.s, .c, .syso): the rule check
//     must see exactly what the build compiles, on every machine;
//   - imports beyond the lab's allowlist (no files, sockets, reflection or
//     unsafe code), cgo, dot-imports, //go:linkname and //go:embed, and
//     packages of the student's own workspace: lab code is one package.
//
// One file set, one environment: Check loads packages under BuildEnv, the
// environment the grader's runner build uses too (cgo off, this binary's
// GOOS and GOARCH, no build tags, no go.work, the local toolchain), and it
// first parses every file of the folder on its own, so the rules about
// names, constraints and imports hold for files the build would leave
// out, and an import that cannot be loaded (a sub-package) is a finding
// rather than a build failure.
//
// NewAnalyzer returns a golang.org/x/tools/go/analysis Analyzer for a lab's
// allowlist; Check loads the packages in a directory and runs it. Findings
// name files as the directory was given, so a caller that copied the files
// elsewhere maps them back by replacing that prefix:
//
//	findings, err := vet.Check("labs/raft/starter", vet.Rules{Std: lab.Imports, Platform: lab.Student.BindImports, Module: ws.Module})
//	for _, f := range findings {
//		fmt.Println(f) // labs/raft/starter/raft.go:42:2: go statement: ...
//	}
package vet
