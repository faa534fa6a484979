package overwrite

import (
	"encoding/gob"
	"math/rand/v2"
	"time"
)

type state struct{ n int }

// Park hides state in objects the node is handed, which outlive it.
func Park(r *rand.Rand, t time.Time, s *state) {
	*r = *rand.New(rand.NewPCG(1, 2))
	*t.Location() = *time.FixedZone("x", 3600)
	*s = state{n: 1} // the node's own type: fine
	gob.Register(state{})
}
