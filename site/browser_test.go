package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds a Chromium binary. Without one the test skips on a
// developer's machine and fails in CI, where .ci/run installs it.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; .ci/run should have installed it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; install it to run the browser test: apt-get install chromium")
	return ""
}

// TestBrowser opens the built site in headless Chromium and uses it as a
// reader would: the sidebar, previous/next by click and by key, search, and
// the dark-mode toggle, which must survive a reload.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	out := t.TempDir()
	_, err := Build(Options{Out: out, Course: loadFixture(t, nil), Demo: fakeDemo})
	require.NoError(t, err)
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()

	ctx := browser(t, exe)

	do := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), name)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel, chromedp.NodeVisible))
		require.NoError(t, err, "text of %s", sel)
		return strings.TrimSpace(v)
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return v
	}
	clear := run(`document.getElementById("search").value = ""; true`)
	theme := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.AttributeValue("html", "data-theme"))
		require.NoError(t, err)
		return v.Value
	}

	do("open home", chromedp.Navigate(srv.URL+"/index.html"), chromedp.WaitVisible(".sidebar"))
	do("sidebar to the first lesson", chromedp.Click(`.sidebar a[href="first.html"]`, chromedp.NodeVisible), chromedp.WaitVisible(`figure.diagram`))
	assert.Equal(t, "First steps", text("h1"))
	assert.Equal(t, "First steps", text(".sidebar a.current"), "the sidebar marks the current page")
	assert.NotEqual(t, "0", eval(`String(document.querySelectorAll("figure.diagram svg line.dg-msg").length)`), "the diagram has message arrows")

	do("next by click", chromedp.Click(`a[rel=next]`, chromedp.NodeVisible), chromedp.WaitVisible(`a[rel=prev]`))
	assert.Equal(t, "Second", text("h1"))

	do("previous by key", chromedp.KeyEvent(kb.ArrowLeft), chromedp.WaitVisible(`figure.diagram`))
	assert.Equal(t, "First steps", text("h1"))

	// The index holds the whole course's text: a page does not load it
	// until search is used.
	assert.Equal(t, "false", eval(`String(!!window.FAULTLINE_INDEX || !!document.querySelector('script[src*="search-index"]'))`),
		"a page loads the search index before search is used")
	do("slash focuses search", chromedp.KeyEvent("/"))
	assert.Equal(t, "search", eval(`document.activeElement.id`))
	// chromedp also types the "/" that a browser suppresses after preventDefault.
	do("search", clear, chromedp.SendKeys(`#search`, "footnote"), chromedp.WaitVisible(`#search-results a`))
	assert.Contains(t, text("#search-results"), "First steps")

	do("search for nothing", clear, chromedp.SendKeys(`#search`, "zyzzyva"), chromedp.WaitVisible(`#search-results .none`))
	assert.Contains(t, text("#search-results"), "No lesson mentions")

	do("search and enter", clear, chromedp.SendKeys(`#search`, "the end"),
		chromedp.WaitVisible(`#search-results a`), chromedp.SendKeys(`#search`, kb.Enter), chromedp.WaitVisible(`a[rel=prev]`))
	assert.Equal(t, "Second", text("h1"))

	// A quoted phrase matches only as a phrase; the result links to the
	// section that matched, marks the words, and so does the page it opens.
	do("phrase search", clear, chromedp.SendKeys(`#search`, `"footnote text"`), chromedp.WaitVisible(`#search-results a`))
	assert.Equal(t, "footnote text", strings.ToLower(text("#search-results a mark")))
	do("phrase that is not there", clear, chromedp.SendKeys(`#search`, `"text footnote"`), chromedp.WaitVisible(`#search-results .none`))
	do("section link", clear, chromedp.SendKeys(`#search`, "table"), chromedp.WaitVisible(`#search-results a`))
	assert.Equal(t, "first.html?q=table#a-table", eval(`document.querySelector("#search-results a").getAttribute("href")`))
	do("open the section", chromedp.SendKeys(`#search`, kb.Enter), chromedp.WaitVisible(`.prose mark.hit`))
	assert.Equal(t, "#a-table", eval(`location.hash`))
	assert.Equal(t, "table", strings.ToLower(text(".prose mark.hit")))

	bgLight := eval(`getComputedStyle(document.body).backgroundColor`)
	do("dark mode", chromedp.Click(`#theme`, chromedp.NodeVisible))
	assert.Equal(t, "dark", theme())
	assert.NotEqual(t, bgLight, eval(`getComputedStyle(document.body).backgroundColor`), "the dark theme changes the page")
	do("reload", chromedp.Reload(), chromedp.WaitVisible(`h1`))
	assert.Equal(t, "dark", theme(), "dark mode survives a reload")

	do("heading anchors", chromedp.Navigate(srv.URL+"/first.html"), chromedp.WaitVisible(`h1`))
	assert.Equal(t, "2", eval(`String(document.querySelectorAll(".prose h2 a.anchor").length)`))

	// From 1200 px the table of contents sits beside the text, and marks
	// the section being read.
	box := func(sel string) map[string]float64 {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(function () {
			var r = document.querySelector(`+"`"+sel+"`"+`).getBoundingClientRect();
			return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
		})()`))
		require.NoError(t, err, "box of %s", sel)
		return v
	}
	toc, prose := box("#toc"), box(".prose")
	assert.GreaterOrEqual(t, toc["left"], prose["right"], "at 1280 px the table of contents is to the right of the text")
	assert.Less(t, toc["top"], prose["bottom"], "and beside it, not below")
	do("scroll to the last section", run(`document.getElementById("review-questions").scrollIntoView(); true`),
		chromedp.WaitVisible(`#toc a.active[href="#review-questions"]`))
	assert.Equal(t, "1", eval(`String(document.querySelectorAll("#toc a.active").length)`), "one section is current")
	do("scroll to the top", run(`window.scrollTo(0, 0); true`),
		chromedp.WaitNotPresent(`#toc a.active[href="#review-questions"]`))

	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	if dir := os.Getenv("FAULTLINE_SCREENSHOTS"); dir != "" {
		require.NoError(t, os.WriteFile(dir+"/first-dark.png", buf, 0o644))
	}
	assert.True(t, strings.HasPrefix(string(buf), "\x89PNG"), "screenshot is a PNG")
}

// TestBrowserPhone opens the site at a phone's width (390 px): the lesson
// comes before the navigation, which a menu button opens and closes, and
// the table of contents is in the flow of the text.
func TestBrowserPhone(t *testing.T) {
	exe := chromium(t)
	out := t.TempDir()
	_, err := Build(Options{Out: out, Course: loadFixture(t, nil), Demo: fakeDemo})
	require.NoError(t, err)
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()

	ctx := browser(t, exe)
	do := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), name)
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return v
	}

	do("open a lesson on a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.URL+"/first.html"), chromedp.WaitVisible("h1"))
	assert.Equal(t, "true", eval(`String(!!(document.querySelector("main").compareDocumentPosition(document.getElementById("sidebar")) & Node.DOCUMENT_POSITION_FOLLOWING))`),
		"the navigation comes after the content")
	assert.Equal(t, "true", eval(`String(document.querySelector("h1").getBoundingClientRect().bottom < window.innerHeight)`), "the title is on the first screen")
	assert.Equal(t, "none", eval(`getComputedStyle(document.getElementById("sidebar")).display`), "the menu starts closed")
	assert.Equal(t, "false", eval(`document.getElementById("menu").getAttribute("aria-expanded")`))

	do("open the menu", chromedp.Click("#menu", chromedp.NodeVisible), chromedp.WaitVisible(`#sidebar a.current`))
	assert.Equal(t, "true", eval(`document.getElementById("menu").getAttribute("aria-expanded")`))
	assert.Equal(t, "true", eval(`(function () {
		var r = document.getElementById("sidebar").getBoundingClientRect();
		return String(r.top < window.innerHeight / 10 && r.bottom >= window.innerHeight - 1);
	})()`), "the open menu covers the screen below the header")
	if dir := os.Getenv("FAULTLINE_SCREENSHOTS"); dir != "" {
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(dir+"/phone-menu.png", buf, 0o644))
	}
	do("close the menu", chromedp.Click("#menu", chromedp.NodeVisible), chromedp.WaitNotVisible("#sidebar"))
	assert.Equal(t, "false", eval(`document.getElementById("menu").getAttribute("aria-expanded")`))
	do("escape closes it too", chromedp.Click("#menu", chromedp.NodeVisible), chromedp.WaitVisible(`#sidebar a.current`),
		chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible("#sidebar"))
	do("a link in the menu", chromedp.Click("#menu", chromedp.NodeVisible), chromedp.Click(`#sidebar a[href="second.html"]`, chromedp.NodeVisible),
		chromedp.WaitVisible(`a[rel=prev]`))
	assert.Equal(t, "none", eval(`getComputedStyle(document.getElementById("sidebar")).display`), "a new page starts with the menu closed")

	// The search results hang under the header across the screen: under
	// the search box alone they ran off the left edge.
	do("search on a phone", chromedp.Click("#search", chromedp.NodeVisible), chromedp.SendKeys("#search", "footnote"),
		chromedp.WaitVisible("#search-results a"))
	assert.Equal(t, "true", eval(`(function () {
		var r = document.getElementById("search-results").getBoundingClientRect();
		return String(r.left >= 0 && r.right <= window.innerWidth && r.width >= window.innerWidth * 0.9);
	})()`), "the search results fit the screen: %s", eval(`JSON.stringify(document.getElementById("search-results").getBoundingClientRect())`))
	do("close the results", chromedp.KeyEvent(kb.Escape))

	do("back to the first lesson", chromedp.Navigate(srv.URL+"/first.html"), chromedp.WaitVisible("#toc"))
	assert.Equal(t, "true", eval(`String(document.getElementById("toc").getBoundingClientRect().bottom <= document.querySelector(".prose").getBoundingClientRect().top)`),
		"on a phone the table of contents is above the text, not beside it")
	assert.Equal(t, "0", eval(`String(document.documentElement.scrollWidth - window.innerWidth)`), "nothing is wider than the screen")
}

// browser starts headless Chromium for a test and returns its context,
// closed when the test ends.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// A guard against a wedged browser, not a performance assertion.
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	return ctx
}

// run is a step that evaluates a script (ending in a boolean) for its effect.
func run(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](js)(ctx, tg)
		return chromedp.Void{}, err
	}
}

// TestBrowserPhoneLabs opens every lab page of the real course at a
// phone's width (390 px): its tables of tests wrap or scroll inside
// themselves, and nothing makes the page wider than the screen.
func TestBrowserPhoneLabs(t *testing.T) {
	exe := chromium(t)
	c, err := content.Load()
	require.NoError(t, err)
	out := t.TempDir()
	_, err = Build(Options{Out: out, Course: c, Labs: suite.Labs(), Demo: suite.LookupDemo})
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
	for _, lab := range suite.Labs() {
		t.Run(lab.Name, func(t *testing.T) {
			require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844),
				chromedp.Navigate(srv.URL+"/lab-"+lab.Name+".html"), chromedp.WaitVisible(`.lab table`)))
			assert.Equal(t, "", eval(`Array.from(document.querySelectorAll("table")).filter(function (e) {
				var r = e.getBoundingClientRect();
				return r.left < 0 || r.right > window.innerWidth + 0.5;
			}).map(function (e) { return (e.querySelector("td, th") || e).textContent.slice(0, 40); }).join(" | ")`), "tables wider than the screen")
			assert.Equal(t, "0", eval(`String(document.documentElement.scrollWidth - window.innerWidth)`), "nothing is wider than the screen: %s",
				eval(`Array.from(document.querySelectorAll("main *")).filter(function (e) { return !e.closest("pre, table") && e.getBoundingClientRect().right > window.innerWidth + 1; }).slice(0, 3).map(function (e) { return e.tagName + " " + e.textContent.slice(0, 40); }).join(" | ")`))
		})
	}
}

// TestBrowserCharts opens the real lessons with charts at a desktop's width
// (1280 px) and a phone's (390 px): each chart block is drawn as SVG charts
// with both lines and the shaded trigger, each chart fits the screen, and
// its text stays readable when the phone scales the chart down.
func TestBrowserCharts(t *testing.T) {
	exe := chromium(t)
	c, err := content.Load()
	require.NoError(t, err)
	out := t.TempDir()
	_, err = Build(Options{Out: out, Course: c, Labs: suite.Labs(), Demo: suite.LookupDemo})
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
	for _, tc := range []struct {
		page  string
		width int
	}{{"retries-and-backoff", 1280}, {"retries-and-backoff", 390}, {"metastable-failures", 390}} {
		width := tc.width
		t.Run(tc.page+"-"+strconv.Itoa(width), func(t *testing.T) {
			require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900),
				chromedp.Navigate(srv.URL+"/"+tc.page+".html"), chromedp.WaitVisible(`figure.chart svg.ch`)))
			assert.Equal(t, "2", eval(`String(document.querySelectorAll("figure.chart svg.ch").length)`), "server arrivals and goodput")
			assert.Equal(t, "2", eval(`String(document.querySelectorAll("figure.chart svg.ch")[0].querySelectorAll("polyline.ch-line").length)`), "naive and reference")
			assert.Equal(t, "true", eval(`String(document.querySelector("figure.chart rect.ch-mark").getBoundingClientRect().width > 10)`), "the slowdown is shaded")
			assert.Equal(t, "true", eval(`String(Array.from(document.querySelectorAll("figure.chart svg.ch")).every(function (s) {
				var r = s.getBoundingClientRect();
				return r.width > 300 && r.height > 150 && r.left >= 0 && r.right <= window.innerWidth;
			}))`), "every chart is drawn, and fits the screen")
			// Tick labels are 12 units in a 440-unit-wide chart; scaled to a
			// phone they must stay at least 9 px tall.
			assert.Equal(t, "true", eval(`String(Array.from(document.querySelectorAll("figure.chart text.ch-tick")).every(function (e) {
				return e.getBoundingClientRect().height >= 9;
			}))`), "tick labels are readable")
			assert.Equal(t, "0", eval(`String(document.documentElement.scrollWidth - window.innerWidth)`), "nothing is wider than the screen: %s",
				eval(`Array.from(document.querySelectorAll(".prose *")).filter(function (e) { return !e.closest("pre") && e.getBoundingClientRect().right > window.innerWidth + 1; }).slice(0, 3).map(function (e) { return e.tagName + " " + e.textContent.slice(0, 40); }).join(" | ")`))
			if dir := os.Getenv("FAULTLINE_SCREENSHOTS"); dir != "" {
				require.NoError(t, chromedp.Do(ctx, chromedp.ScrollIntoView(`figure.chart`)))
				buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(dir+"/chart-"+tc.page+"-"+strconv.Itoa(width)+".png", buf, 0o644))
			}
		})
	}
}
