package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
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
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// A guard against a wedged browser, not a performance assertion.
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

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
	clear := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](`document.getElementById("search").value = ""; true`)(ctx, tg)
		return chromedp.Void{}, err
	})
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

	bgLight := eval(`getComputedStyle(document.body).backgroundColor`)
	do("dark mode", chromedp.Click(`#theme`, chromedp.NodeVisible))
	assert.Equal(t, "dark", theme())
	assert.NotEqual(t, bgLight, eval(`getComputedStyle(document.body).backgroundColor`), "the dark theme changes the page")
	do("reload", chromedp.Reload(), chromedp.WaitVisible(`h1`))
	assert.Equal(t, "dark", theme(), "dark mode survives a reload")

	do("heading anchors", chromedp.Navigate(srv.URL+"/first.html"), chromedp.WaitVisible(`h1`))
	assert.Equal(t, "2", eval(`String(document.querySelectorAll(".prose h2 a.anchor").length)`))

	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	if dir := os.Getenv("FAULTLINE_SCREENSHOTS"); dir != "" {
		require.NoError(t, os.WriteFile(dir+"/first-dark.png", buf, 0o644))
	}
	assert.True(t, strings.HasPrefix(string(buf), "\x89PNG"), "screenshot is a PNG")
}
