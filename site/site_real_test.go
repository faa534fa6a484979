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
	for _, lab := range suite.Labs() {
		t.Run("lab "+lab.Name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(out, "lab-"+lab.Name+".html"))
			require.NoError(t, err)
			page := string(data)
			assert.Equal(t, 1, strings.Count(page, "<h1"), "one title")
			assert.Contains(t, page, `rel="prev"`)
			for _, want := range []string{"faultline init DIR", "faultline grade " + lab.Name + " ", `id="your-api"`, "Env", "Storage", "SetTimer"} {
				assert.Contains(t, page, want)
			}
		})
	}
	home, err := os.ReadFile(filepath.Join(out, "index.html"))
	require.NoError(t, err)
	for _, l := range c.Lessons {
		assert.Contains(t, string(home), strings.ReplaceAll(l.Summary, "'", "&#39;"), "the home page card of %s shows its summary", l.Slug)
	}
	assert.Contains(t, string(home), "min</span>")
	assert.Contains(t, string(home), `Lab: <a href="lab-raft.html">`)

	// Every page links the repository (the module path's GitHub address),
	// and none loads the search index, which holds the whole course's
	// text: site.js loads it when search is first used.
	pages, err := filepath.Glob(filepath.Join(out, "*.html"))
	require.NoError(t, err)
	require.Len(t, pages, st.Pages)
	for _, f := range pages {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Contains(t, string(data), `href="https://github.com/faultline-dev/faultline"`, "%s links the repository", filepath.Base(f))
		assert.NotContains(t, string(data), "search-index.js", "%s loads the search index with the page", filepath.Base(f))
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
