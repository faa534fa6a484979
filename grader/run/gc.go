package run

import (
	"os"
	"runtime/debug"
)

// GCPercent is the garbage collector's target (GOGC) in a process that
// grades. Runs allocate quickly and keep little: a run's live heap is a
// few megabytes, so at Go's default of 100 the collector starts a cycle
// every few megabytes allocated. At 400 it runs about a quarter as often,
// which measured about a fifth less CPU on the Raft suite's default runs
// (docs/performance.md), for a peak heap of tens of megabytes. A runner's
// memory limit (Options.Memory) still bounds its heap: near the limit the
// collector works harder rather than let the heap pass it.
const GCPercent = 400

// TuneGC sets the collector's target to GCPercent for a process whose work
// is grading (a runner, or the grade command), unless the user chose one
// with GOGC.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}
