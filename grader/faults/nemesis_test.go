package faults

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNemesisRestartsAtOnce: with RestartNow, that share of crashes are
// Reboots, with no Restart of their own; without it, every crash is undone
// by a Restart, drawn as before.
func TestNemesisRestartsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name     string
		share    float64
		min, max float64 // of the crashes that reboot
	}{
		{"never", 0, 0, 0},
		{"always", 1, 1, 1},
		{"half", 0.5, 0.3, 0.7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := Nemesis{Kinds: []Kind{Crash}, RestartNow: tc.share, CrashWithin: 0.5}
			s := g.Generate(rand.New(rand.NewPCG(1, 2)), 5, time.Minute)
			require.NoError(t, s.Validate(5))
			crashes, reboots, restarts := 0, 0, 0
			for _, e := range s {
				switch {
				case e.Kind == Reboot:
					crashes++
					reboots++
				case e.Kind == Crash:
					crashes++
				case e.Kind == Restart:
					restarts++
				}
			}
			require.Greater(t, crashes, 20)
			assert.Equal(t, crashes-reboots, restarts, "a Restart for each Crash")
			assert.GreaterOrEqual(t, float64(reboots)/float64(crashes), tc.min)
			assert.LessOrEqual(t, float64(reboots)/float64(crashes), tc.max)
		})
	}
}

// TestNemesisSchedulesStayAsTheyWere pins a schedule drawn before
// RestartNow existed: a Nemesis without it draws the same numbers, so
// every seed's run stays as it was.
func TestNemesisSchedulesStayAsTheyWere(t *testing.T) {
	s := Nemesis{Kinds: []Kind{Crash, Partition}, CrashWithin: 0.5}.Generate(rand.New(rand.NewPCG(5, 6)), 5, 6*time.Second)
	var got []string
	for _, e := range s {
		got = append(got, fmt.Sprintf("%v %v", e.At, e))
	}
	assert.Equal(t, []string{
		"433.531059ms partition {n2}", "825.57138ms heal",
		"1.737114836s crash {n3,n4} within a handler", "2.241615871s restart {n3,n4}",
		"2.917364486s crash {n2,n5}", "3.027509853s restart {n2,n5}",
		"3.667454049s partition {n4}", "3.80886555s heal",
		"4.574556287s partition {n2}", "4.750535267s heal",
		"5.330867414s partition {n4}", "5.495167805s heal",
		"5.719334139s partition {n3}", "6s heal",
	}, got)
}
