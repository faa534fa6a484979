package site

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// demoFailing is a demo "fake" whose run and series fail with err, as a
// demo of the reference does in the student edition (edition.NoReference).
func demoFailing(err error) func(string) (suite.Demo, error) {
	return func(name string) (suite.Demo, error) {
		return suite.Demo{Name: name,
			Run:    func(uint64, trace.Sink) error { return err },
			Series: func(uint64) (series.Set, error) { return series.Set{}, err }}, nil
	}
}

// TestBuildWithoutReference: a lesson picture whose demo runs a reference
// the edition lacks is a figure that says so (the site still builds); any
// other failure of a demo still fails the build.
func TestBuildWithoutReference(t *testing.T) {
	const lesson = "---\ntitle: Second\nslug: second\nsummary: s.\n---\nText.\n\n" +
		"```faultline-diagram\nscenario: fake\nseed: 2\ncaption: Elected.\n```\n\n" +
		"```faultline-chart\nscenario: fake\nseed: 2\nseries: goodput\ncaption: Goodput.\n```\n\n## The end\n"
	tests := []struct {
		name string
		err  error
		fail string
	}{
		{"no reference", edition.NoReference("the fake demo"), ""},
		{"other failure", errors.New("boom"), "demo fake with seed 2 failed: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			c := loadFixture(t, map[string]string{"lessons/02-second.md": lesson})
			_, err := Build(Options{Out: out, Course: c, Demo: demoFailing(tt.err)})
			if tt.fail != "" {
				assert.ErrorContains(t, err, tt.fail)
				return
			}
			require.NoError(t, err)
			page, err := os.ReadFile(filepath.Join(out, "second.html"))
			require.NoError(t, err)
			html := string(page)
			assert.Equal(t, 2, strings.Count(html, "no-reference\">"), "the diagram and the chart are placeholders")
			assert.Contains(t, html, "drawn from a run of the reference solution, which the "+edition.Name)
			assert.Contains(t, html, "Elected.")
			assert.Contains(t, html, "Goodput.")
			assert.NotContains(t, html, "faultline demo fake --seed", "no replay command for a demo that cannot run")
		})
	}
}
