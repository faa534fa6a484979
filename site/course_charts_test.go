package site

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCourseCharts draws every chart block of the course as the site does
// and checks that each SVG is well-formed and draws the lines and the
// marked trigger it should. Set FAULTLINE_DIAGRAMS to a directory to keep
// the SVGs for review.
func TestCourseCharts(t *testing.T) {
	c, err := content.Load()
	require.NoError(t, err)
	keep := os.Getenv("FAULTLINE_DIAGRAMS")
	charts := newCharts(suite.LookupDemo)
	n := 0
	for _, l := range c.Lessons {
		specs, err := l.Charts()
		require.NoError(t, err)
		for i, spec := range specs {
			n++
			name := strings.TrimSuffix(filepath.Base(l.Path), ".md") + "-chart-" + string(rune('a'+i))
			t.Run(name, func(t *testing.T) {
				svgs, err := charts.draw(spec)
				require.NoError(t, err)
				require.Len(t, svgs, len(spec.Series))
				for j, svg := range svgs {
					if keep != "" {
						require.NoError(t, os.WriteFile(filepath.Join(keep, name+"-"+string(rune('1'+j))+".svg"), svg, 0o644))
					}
					dec := xml.NewDecoder(bytes.NewReader(svg))
					for {
						_, err := dec.Token()
						if err == io.EOF {
							break
						}
						require.NoError(t, err)
					}
					assert.Contains(t, string(svg), `class="ch-line ch-line-1"`, "both sides are drawn")
					if !strings.Contains(string(svg), "against virtual time") {
						continue // a curve over load or utilization has no trigger
					}
					assert.Contains(t, string(svg), `class="ch-mark"`, "the trigger is shaded")
				}
			})
		}
	}
	assert.Positive(t, n)
}
