//go:build race

package run_test

// raceEnabled: the race detector makes every run ten to twenty times
// slower; the heaviest tests do less of the same work under it.
const raceEnabled = true
