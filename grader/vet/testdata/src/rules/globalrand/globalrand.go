package globalrand

import "math/rand/v2"

func Draw(r *rand.Rand) {
	_ = rand.IntN(3)
	_ = r.IntN(3)
	_ = rand.New(rand.NewPCG(1, 2))
}
