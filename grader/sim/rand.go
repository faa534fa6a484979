package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// stream returns a random source for one purpose ("network", "node/3",
// "workload", ...). Streams are independent: a node that draws more numbers
// does not shift the network's or another node's draws.
func stream(seed uint64, purpose string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	p := h.Sum64()
	return rand.New(rand.NewPCG(mix(seed^p), mix(seed+p+0x9e3779b97f4a7c15)))
}

// mix is SplitMix64's finalizer: it spreads nearby seeds far apart.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
