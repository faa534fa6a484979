package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/all"
	"github.com/faultline-dev/faultline/site"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealSite builds the real course with every registered lab and demo,
// then checks every link and anchor of the output as a browser would.
func TestRealSite(t *testing.T) {
	c, err := content.Load()
	require.NoError(t, err)
	out := t.TempDir()
	st, err := site.Build(site.Options{Out: out, Course: c, Labs: suite.Labs(), Demo: suite.LookupDemo})
	require.NoError(t, err)
	assert.Equal(t, len(c.Lessons)+len(suite.Labs())+1, st.Pages)
	assert.Positive(t, st.Diagrams, "no lesson embeds a diagram of a real run")
	require.NoError(t, site.CheckLinks(out))
	for _, l := range c.Lessons {
		page, err := os.ReadFile(filepath.Join(out, l.Slug+".html"))
		require.NoError(t, err)
		assert.Contains(t, string(page), "<h1>"+strings.ReplaceAll(l.Title, "'", "&#39;")+"</h1>", l.Slug)
	}
}

// BenchmarkBuild measures a whole build of the real course, diagrams
// (simulated runs) included.
func BenchmarkBuild(b *testing.B) {
	c, err := content.Load()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for range b.N {
		if _, err := site.Build(site.Options{Out: b.TempDir(), Course: c, Labs: suite.Labs(), Demo: suite.LookupDemo}); err != nil {
			b.Fatal(err)
		}
	}
}
