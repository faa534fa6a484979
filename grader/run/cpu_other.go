//go:build !linux

package run

import "time"

// threadClock has no per-thread CPU clock to offer here: the in-process
// watchdog falls back to wall time (stallWall).
func threadClock() func() (time.Duration, bool) {
	return func() (time.Duration, bool) { return 0, false }
}
