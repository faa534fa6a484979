package tui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/faultline-dev/faultline/internal/progress"
)

// TestLabViewEscapesStudentText: a failure message is a student's panic
// text; the lab screen shows it escaped, whether it is the selected test
// (wrapped whole) or not (one line), so that it cannot move the cursor,
// recolor or overwrite the screen.
func TestLabViewEscapesStudentText(t *testing.T) {
	hostile := "n1 panicked: boom\x1b[1A\x1b[2K\r  \x1b[32m✓ Works\x1b[0m\b\x00\u009b2J\u202e\xff\nsecond line"
	for _, tc := range []struct {
		name   string
		cursor int
	}{
		{"selected", 1},
		{"not selected", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newLabScreen(fakeLab, fakeRunner(), progress.New())
			s.w, s.h = 100, 30
			s.cursor = tc.cursor
			s.results[0] = TestResult{Passed: true, Seed: 3, Seeds: 3}
			s.results[1] = TestResult{Seed: 7, Seeds: 1, Message: hostile}
			view := s.view(DefaultStyles())
			assert.True(t, utf8.ValidString(view))
			for _, r := range view {
				if r != '\n' {
					assert.False(t, r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202e', "a control character %U in the view", r)
				}
			}
			assert.Contains(t, view, `seed 7: n1 panicked: boom\x1b[1A\x1b[2K\r`)
			forged := strings.Count(view, `\x1b[32m✓ Works`)
			assert.Equal(t, 1, strings.Count(view, "✓ Works")-forged, "the one mark not shown escaped is the test's own")
		})
	}
}
