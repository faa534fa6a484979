package site

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserFacts opens a lesson with a "what the grader assumes" box and a
// lab whose task has the "what the grader checks" table, at a desktop's
// width and a phone's: each shows the suite's figures and fits the screen.
func TestBrowserFacts(t *testing.T) {
	exe := chromium(t)
	out := t.TempDir()
	c := loadFixture(t, map[string]string{"lessons/02-second.md": factLesson})
	_, err := Build(Options{Out: out, Course: c, Demo: fakeDemo, Labs: []*suite.Lab{factLab()}})
	require.NoError(t, err)
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()

	ctx := browser(t, exe)
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return v
	}
	fits := `(function (sel) {
		var e = document.querySelector(sel);
		if (!e) { return "missing"; }
		var r = e.getBoundingClientRect();
		return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth + 0.5 ? "fits" : "from " + r.left + " to " + r.right + " of " + window.innerWidth;
	})(%q)`
	for _, width := range []int64{1280, 390} {
		for _, tc := range []struct{ page, sel, text string }{
			{"second.html", "aside.facts", "A leader within this after the heal, from electionBound: 1.3 s"},
			{"lab-toy.html", "figure.facts table", "1.3 s"},
			{"lab-toy.html", "aside.facts", "Where a crash <may> strike: inside a handler"},
		} {
			t.Run(tc.page+" "+tc.sel, func(t *testing.T) {
				require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 844),
					chromedp.Navigate(srv.URL+"/"+tc.page), chromedp.WaitVisible(tc.sel)))
				assert.Equal(t, "fits", eval(fmt.Sprintf(fits, tc.sel)), "width %d", width)
				assert.Contains(t, eval(`document.querySelector(`+strconv.Quote(tc.sel)+`).innerText`), tc.text)
				assert.Equal(t, "0", eval(`String(document.documentElement.scrollWidth - window.innerWidth)`), "nothing is wider than the screen at %d px", width)
			})
		}
	}
}
