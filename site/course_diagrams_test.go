package site

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	_ "github.com/faultline-dev/faultline/labs/all"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCourseDiagrams draws every diagram of the course as the site does and
// checks that it reads: no label overlaps another or is cut by the edge, it
// is at most DefaultMaxHeight tall, and it shows what its block asks for.
// Set FAULTLINE_DIAGRAMS to a directory to keep the SVGs for review.
func TestCourseDiagrams(t *testing.T) {
	c, err := content.Load()
	require.NoError(t, err)
	keep := os.Getenv("FAULTLINE_DIAGRAMS")
	n := 0
	for _, l := range c.Lessons {
		ds, err := l.Diagrams()
		require.NoError(t, err)
		for i, spec := range ds {
			n++
			name := strings.TrimSuffix(filepath.Base(l.Path), ".md") + "-" + string(rune('a'+i))
			t.Run(name, func(t *testing.T) {
				d, err := suite.LookupDemo(spec.Scenario)
				require.NoError(t, err)
				var buf trace.Buffer
				require.NoError(t, d.Run(spec.Seed, &buf))
				svg, err := DrawSVG(&buf, diagramOptions(spec, buf.Head))
				require.NoError(t, err)
				if keep != "" {
					require.NoError(t, os.WriteFile(filepath.Join(keep, name+".svg"), svg, 0o644))
				}
				assert.Empty(t, svgProblems(svg))
				if spec.Around != "" {
					assert.Regexp(t, aroundMark[spec.Around], string(svg), "the window is around %s but does not show it", spec.Around)
				}
			})
		}
	}
	assert.Positive(t, n)
}

// aroundMark is what a diagram around an event must draw.
var aroundMark = map[string]*regexp.Regexp{
	"first-drop":         regexp.MustCompile(`class="dg-x"`),
	"first-crash":        regexp.MustCompile(`class="dg-crash"`),
	"first-partition":    regexp.MustCompile(`class="dg-partition"`),
	"first-failed-check": regexp.MustCompile(`class="dg-check"`),
}
