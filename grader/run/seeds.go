package run

import "github.com/faultline-dev/faultline/grader/sim"

// SeedFor returns the i-th seed of a test: stable across runs, machines and
// versions, and different for every test (sim.SeedFor of "lab/test").
func SeedFor(lab, test string, i int) uint64 { return sim.SeedFor(lab+"/"+test, i) }
