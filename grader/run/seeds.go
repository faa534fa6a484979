package run

import "hash/fnv"

// SeedFor returns the i-th seed of a test: stable across runs, machines and
// versions, and different for every test.
func SeedFor(lab, test string, i int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(lab + "/" + test))
	z := h.Sum64() + uint64(i+1)*0x9e3779b97f4a7c15
	// SplitMix64's finalizer.
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	if z == 0 {
		z = 1
	}
	return z
}
