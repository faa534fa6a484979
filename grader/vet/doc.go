// Package vet checks that lab code plays by the simulator's rules before it
// is graded: no goroutines, channels or locks (handlers never run
// concurrently), no wall clock (the simulator owns time), no global random
// source (runs must replay from their seed), and no imports beyond a lab's
// allowlist (no files, sockets, reflection or unsafe code).
//
// NewAnalyzer returns a golang.org/x/tools/go/analysis Analyzer for a lab's
// allowlist; Check loads the packages in a directory and runs it:
//
//	findings, err := vet.Check("labs/raft/starter", lab.Imports)
//	for _, f := range findings {
//		fmt.Println(f) // labs/raft/starter/raft.go:42:2: go statement: ...
//	}
package vet
