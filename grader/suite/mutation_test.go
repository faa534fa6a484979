package suite

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMutationScore(t *testing.T) {
	for _, tc := range []struct {
		name     string
		m        MutationScore
		measured bool
		want     string
	}{
		{"not measured", MutationScore{}, false, "not measured"},
		{"some killed", MutationScore{Killed: 48, Lived: 2, Equivalent: 21, Date: "2026-12-06"}, true, "96% (48/50)"},
		{"all killed", MutationScore{Killed: 1, Date: "2026-12-06"}, true, "100% (1/1)"},
		{"only equivalent", MutationScore{Equivalent: 3}, true, "0% (0/0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.measured, tc.m.Measured())
			assert.Equal(t, tc.want, tc.m.String())
		})
	}
}
