package content

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTerminalDiagramJump: the terminal's note under a diagram says how to
// reach its window in the viewer, by the key that gets there.
func TestTerminalDiagramJump(t *testing.T) {
	block := "```faultline-diagram\nscenario: raft-figure8\nseed: 2\ncaption: Fails.\n%s\n```\n"
	for _, tc := range []struct {
		window, want string
	}{
		{"from: 1335ms", "(press `t` and jump to `1.335s`)"},
		{"around: first-failed-check", "(press `G` for the failed check, the run's last event)"},
		{"around: first-crash", "(press `x` to jump to the first drop, crash or partition)"},
		{"max_events: 40", "`faultline demo raft-figure8 --seed 2`\n"},
	} {
		t.Run(tc.window, func(t *testing.T) {
			out := TerminalMarkdown(strings.Replace(block, "%s", tc.window, 1))
			assert.Contains(t, out, tc.want)
		})
	}
}
