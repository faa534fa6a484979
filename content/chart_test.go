package content

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChartSeeds: a chart over several seeds says so in its caption, and
// the terminal reader points at one of them.
func TestChartSeeds(t *testing.T) {
	tests := []struct {
		name, body string
		seeds      int
		err        string
	}{
		{"seeds stated", "scenario: queue-mm1\nseed: 1\nseeds: 9\nseries: goodput\ncaption: The median of 9 seeds.", 9, ""},
		{"one seed needs no word", "scenario: queue-mm1\nseed: 1\nseeds: 1\nseries: goodput\ncaption: One run.", 1, ""},
		{"seeds unstated", "scenario: queue-mm1\nseed: 1\nseeds: 9\nseries: goodput\ncaption: The median.", 0, `write "9 seeds" in it`},
		{"a different count stated", "scenario: queue-mm1\nseed: 1\nseeds: 9\nseries: goodput\ncaption: The median of 5 seeds.", 0, `write "9 seeds" in it`},
		{"negative", "scenario: queue-mm1\nseed: 1\nseeds: -2\nseries: goodput\ncaption: c", 0, "want a count of runs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseChart(tt.body)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.seeds, c.Seeds)
		})
	}
	body := "```faultline-chart\nscenario: queue-mm1\nseed: 3\nseeds: 9\nseries: goodput\ncaption: The median of 9 seeds.\n```\n"
	assert.Contains(t, TerminalMarkdown(body), "`faultline demo queue-mm1 --seed 3` (seeds 3 to 11 were charted;")
}
