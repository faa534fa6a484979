package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// This file is the project's one seed derivation (STYLE.md: every derived
// value has one source): the seeds of a test's runs (SeedFor) and the
// random streams of a run (Stream).

// SeedFor returns the i-th seed of the runs named name ("raft/Figure8"):
// stable across runs, machines and versions, and different for every name.
func SeedFor(name string, i int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	z := mix(h.Sum64() + uint64(i+1)*0x9e3779b97f4a7c15)
	if z == 0 {
		z = 1
	}
	return z
}

// Stream returns the random source of a run with seed for one purpose.
// The simulator's own streams are "network" and "node/<i>"; a test's are
// "test/<purpose>" (Sim.Rand, suite.T.Rand).
func Stream(seed uint64, purpose string) *rand.Rand { return stream(seed, purpose) }

// stream returns a random source for one purpose ("network", "node/3",
// "workload", ...). Streams are independent: a node that draws more numbers
// does not shift the network's or another node's draws.
func stream(seed uint64, purpose string) *rand.Rand { return rand.New(source(seed, purpose)) }

// source is the PCG under stream(seed, purpose).
func source(seed uint64, purpose string) *rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	p := h.Sum64()
	return rand.NewPCG(mix(seed^p), mix(seed+p+0x9e3779b97f4a7c15))
}

// mix is SplitMix64's finalizer: it spreads nearby seeds far apart.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
