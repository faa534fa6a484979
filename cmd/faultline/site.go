package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/site"
)

func init() {
	register(&command{
		name:    "site",
		args:    "build [-o DIR] [--content DIR] | serve [-o DIR] [--addr HOST:PORT] [--content DIR]",
		summary: "build the course web site, or build and preview it",
		help: `build   renders every lesson and lab page, the search index and the
        diagrams of real runs into DIR (default dist/). Open DIR/index.html
        directly or upload DIR to any static host.
serve   builds into DIR and serves it at http://127.0.0.1:8080 until
        interrupted.

--content DIR  build from the lessons in DIR (a copy of content/, holding
               course.yaml and lessons/) instead of the built-in course:
               an author sees a lesson on the site without rebuilding
               faultline.

A problem in the lessons (bad front matter, a broken link or anchor, an
unknown demo scenario in a diagram block) stops the build with file:line.`,
		run: runSite,
	})
}

func runSite(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("site")
	out := fs.String("o", "dist", "output directory")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on (serve)")
	dir := contentFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "build" && pos[0] != "serve") {
		return usageError("site", "want 'build' or 'serve'")
	}
	// A site with a lesson missing would publish broken links to it, so
	// every problem stops the build.
	c, err := loadCourse(*dir)
	if err != nil {
		return err
	}
	st, err := site.Build(site.Options{Out: *out, Course: c, Labs: suite.Labs(), Demo: suite.LookupDemo})
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(env.stdout, "built %d pages with %d diagrams (%.0f KiB) in %s\n", st.Pages, st.Diagrams, float64(st.Bytes)/1024, abs)
	if pos[0] == "build" {
		fmt.Fprintf(env.stdout, "open %s\n", filepath.Join(abs, "index.html"))
		return nil
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w (choose another port with --addr)", err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(*out))}
	fmt.Fprintf(env.stdout, "serving http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
