// Package trace holds the one record of a simulated run that every picture is
// drawn from: the TUI's space-time viewer, the site's SVG diagrams, the CI
// artifacts of a failed test, and the determinism check.
//
// A trace is JSON lines: one Header line, then one Record per event in the
// order the simulator dispatched them. docs/trace-format.md documents every
// field. The simulator writes to a Sink; Writer streams to any io.Writer while
// hashing what it writes, and Buffer keeps records in memory:
//
//	var buf trace.Buffer
//	s, _ := sim.New(sim.Config{..., Trace: &buf})
//	s.RunFor(time.Second)
//	fmt.Println(buf.Hash()) // the same for every run with the same seed
//
// Reader streams a trace back and rejects malformed input with the line number
// and what was wrong. ReadFile (or ReadFileProgress, which reports how far it
// has come) reads a whole file into a Buffer in time and memory linear in its
// size; ValidateFile checks and hashes a file without keeping its records:
//
//	sum, err := trace.ValidateFile("run.jsonl") // sum.Records, sum.Hash
package trace
