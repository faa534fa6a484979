package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/faultline-dev/faultline"
	"github.com/faultline-dev/faultline/grader/report"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/roster"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/workspace"
)

// classFlags are 'roster grade's options once parsed.
type classFlags struct {
	dir      string // the folder of submission folders
	out      string // absolute
	labs     []*suite.Lab
	jobs     int // submissions graded at once
	parallel int // runs at once within one submission's grading
	force    bool
	// gradeArgs are the flags handed to every grading as they are
	// (--seeds, --run, --memory, --watchdog, --no-shrink); they are part
	// of the resume key, since they can change a verdict. raft is --raft,
	// handed to the labs that build on Raft.
	gradeArgs []string
	raft      string
}

// argsFor returns the flags of lab's gradings.
func (c *classFlags) argsFor(lab *suite.Lab) []string {
	args := slices.Clone(c.gradeArgs)
	if c.raft != "" && slices.Contains(lab.Student.Uses, "raft") {
		args = append(args, "--raft", c.raft)
	}
	return args
}

// memAvailable reads MemAvailable from /proc/meminfo (Linux); 0 when it
// cannot be known, and then only the CPUs bound how many submissions are
// graded at once.
func memAvailable() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// concurrency settles how many submissions are graded at once (jobs) and
// how many runs each grading runs at once (parallel), given what was asked
// (0: choose), the CPUs, each runner's memory limit and the memory
// available (0: unknown). Every run is a runner process that may use up
// to its limit, so jobs × parallel runners must fit in the available
// memory; and jobs × parallel about the number of CPUs keeps every core
// busy without making runs wait on one another. Several submissions at
// once rather than one with every core: a submission's build and vet are
// mostly serial, and another's runs fill the cores meanwhile.
func concurrency(jobs, parallel, cpus int, memory, avail int64) (int, int, error) {
	fits := func(j, p int) bool { return avail == 0 || int64(j)*int64(p)*memory <= avail }
	tooMuch := func(j, p int) error {
		return fmt.Errorf("--jobs %d with --parallel %d runs %d runner processes of up to %s each (--memory): %s, but this machine has %s available; lower --jobs, --parallel or --memory",
			j, p, j*p, sizeString(memory), sizeString(int64(j*p)*memory), sizeString(avail))
	}
	// The number not given gives way to the memory; one given is kept, or
	// refused.
	switch {
	case jobs == 0 && parallel == 0:
		jobs, parallel = cpus, 1
		for jobs > 1 && !fits(jobs, parallel) {
			jobs--
		}
	case jobs == 0:
		jobs = max(1, cpus/parallel)
		for jobs > 1 && !fits(jobs, parallel) {
			jobs--
		}
	case parallel == 0:
		parallel = max(1, cpus/jobs)
		for parallel > 1 && !fits(jobs, parallel) {
			parallel--
		}
	}
	if !fits(jobs, parallel) {
		if jobs == 1 && parallel == 1 {
			return 0, 0, fmt.Errorf("one runner may use up to %s (--memory), but this machine has %s available: lower --memory", sizeString(memory), sizeString(avail))
		}
		return 0, 0, tooMuch(jobs, parallel)
	}
	return jobs, parallel, nil
}

func sizeString(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

// submissions lists the submission folders of dir: every folder in it
// but hidden ones and skip (the output folder, when it is inside dir), by
// name. Each is graded as a workspace; a folder that is not one is
// reported as such (status error, reason workspace), not left out.
func submissions(dir, skip string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, ".faultline", "workspace.json")); err == nil {
		return nil, fmt.Errorf("%s is itself a workspace: give the folder that holds one folder per submission", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || sameFile(path, skip) {
			continue
		}
		out = append(out, e.Name())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no submission folders: put each student's workspace (or git checkout of it) in a folder of its own there", dir)
	}
	return out, nil
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// submissionKey is the resume key of grading lab in the workspace at dir:
// the platform, the grading options and the .go files that grading
// compiles (the lab's package and those of the labs it builds on). It is
// "" when they cannot be read: the grading then says why, and is never
// skipped.
func (c *classFlags) submissionKey(dir string, lab *suite.Lab) string {
	ws, err := workspace.Open(dir)
	if err != nil {
		return ""
	}
	var files []roster.File
	for _, name := range append([]string{lab.Name}, lab.Student.Uses...) {
		l, err := suite.Lookup(name)
		if err != nil {
			return ""
		}
		paths, err := ws.Files(l)
		if err != nil {
			return ""
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return ""
			}
			rel, _ := filepath.Rel(ws.Dir, p)
			files = append(files, roster.File{Name: filepath.ToSlash(rel), Data: b})
		}
	}
	return roster.Key(faultline.SourceHash(), lab.Name, strings.Join(c.argsFor(lab), " "), files)
}

// classItem is one grading of a class: a submission's lab.
type classItem struct {
	sub string
	lab *suite.Lab
}

// gradeClass grades every submission of c.dir for every lab of c.labs,
// c.jobs at a time, and keeps the roster in c.out up to date after each.
func gradeClass(ctx context.Context, env *cliEnv, c *classFlags) error {
	subs, err := submissions(c.dir, c.out)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return &exitError{code: 2, err: err}
	}
	platform := faultline.SourceHash()
	var old *roster.Roster
	if !c.force {
		if r, err := roster.ReadFile(filepath.Join(c.out, "roster.json")); err == nil {
			old = r
		} else if !errors.Is(err, os.ErrNotExist) {
			return &exitError{code: 2, err: fmt.Errorf("%v\nTo grade every submission again, remove it or say --force.", err)}
		}
	}
	index := roster.NewIndex(old, platform)
	ros := &roster.Roster{Version: roster.Version, Platform: platform}
	if old != nil && old.Platform == platform {
		// Entries of submissions or labs not graded this time stay.
		ros.Entries = slices.Clone(old.Entries)
	}

	var todo []classItem
	reused := 0
	for _, sub := range subs {
		for _, lab := range c.labs {
			key := c.submissionKey(filepath.Join(c.dir, sub), lab)
			if e, ok := index.Lookup(sub, lab.Name, key); ok {
				if _, err := os.Stat(filepath.Join(c.out, filepath.FromSlash(e.Report))); err == nil {
					reused++
					continue
				}
			}
			todo = append(todo, classItem{sub, lab})
		}
	}
	prog := newClassProgress(env, len(todo), reused)
	if err := ros.WriteFiles(c.out); err != nil {
		return &exitError{code: 2, err: err}
	}

	var mu sync.Mutex
	var writeErr error
	graderErrors := 0
	// gradeAll grades items, workers at a time.
	gradeAll := func(items []classItem, workers int) {
		work := make(chan classItem)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for it := range work {
					prog.start()
					e, ok := c.gradeOne(ctx, env, it)
					mu.Lock()
					if ok {
						ros.Put(e)
						ros.Sort()
						if err := ros.WriteFiles(c.out); err != nil && writeErr == nil {
							writeErr = err
						}
						if e.Reason == result.ReasonGrader {
							graderErrors++
						}
					}
					mu.Unlock()
					prog.finished(e, ok)
				}
			}()
		}
	feed:
		for _, it := range items {
			select {
			case work <- it:
			case <-ctx.Done():
				break feed
			}
		}
		close(work)
		wg.Wait()
	}
	// The first grading runs alone: on an empty cache its build compiles
	// the standard library and the platform, which every later build then
	// finds compiled. Started together, the first builds would each
	// compile them at once and, on a busy machine, reach the build's time
	// limit (measured: two of the first two of a class on a loaded
	// 2-core machine, "the grader gave up building").
	if len(todo) > 0 {
		gradeAll(todo[:1], 1)
		gradeAll(todo[1:], c.jobs)
	}
	prog.finish()
	if writeErr != nil {
		return &exitError{code: 2, err: writeErr}
	}
	where := filepath.Join(c.out, "roster.csv")
	switch {
	case ctx.Err() != nil:
		return &exitError{code: 130, err: fmt.Errorf("interrupted: %s holds the %d gradings finished so far; run the same command again to grade the rest", where, len(ros.Entries))}
	case graderErrors > 0:
		return &exitError{code: 2, err: fmt.Errorf("%d gradings failed on the grader's side (reason grader in %s): run the same command again, it grades only those", graderErrors, where)}
	}
	fmt.Fprintf(env.stderr, "roster: %s and %s\n", where, filepath.Join(c.out, "roster.json"))
	return nil
}

// gradeOne grades one submission's lab through 'faultline grade' itself
// (runGrade: the same preparation, isolation and report writing, status
// error with the reason when the code does not build or breaks the
// rules), and summarizes the report it wrote. ok is false when the
// grading was interrupted: its partial report is not a grade.
func (c *classFlags) gradeOne(ctx context.Context, env *cliEnv, it classItem) (roster.Entry, bool) {
	subDir, _ := filepath.Abs(filepath.Join(c.dir, it.sub))
	rel := filepath.ToSlash(filepath.Join(it.sub, it.lab.Name+".json"))
	path := filepath.Join(c.out, filepath.FromSlash(rel))
	key := c.submissionKey(subDir, it.lab)
	fail := func(err error) (roster.Entry, bool) {
		res := &result.Result{Version: result.Version, Lab: it.lab.Name, Impl: "student", Submission: it.sub, Status: result.Error,
			Tests: []result.Test{}, Reason: &result.Reason{Kind: result.ReasonGrader, Message: err.Error()}, MaxScore: it.lab.MaxScore()}
		if f, ferr := os.Create(path); ferr == nil {
			report.JSON(f, res)
			f.Close()
		}
		return roster.FromResult(res, rel, ""), true
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fail(err)
	}
	os.Remove(path) // a report left by an earlier run is not this one's
	args := append([]string{it.lab.Name, "--workspace", subDir, "--name", it.sub, "--format", "json", "--out", path,
		"--trace-dir", filepath.Join(c.out, it.sub, "traces"), "--parallel", strconv.Itoa(c.parallel)}, c.argsFor(it.lab)...)
	var stderr bytes.Buffer
	sub := &cliEnv{stdin: eofReader{}, stdout: io.Discard, stderr: &stderr, getenv: env.getenv}
	gerr := runGrade(ctx, sub, args)
	b, err := os.ReadFile(path)
	if err != nil {
		if gerr == nil {
			gerr = err
		}
		return fail(fmt.Errorf("no report was written: %w", gerr))
	}
	var res result.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return fail(fmt.Errorf("the report %s does not read back: %w", path, err))
	}
	if res.Interrupted {
		return roster.Entry{Submission: it.sub, Lab: it.lab.Name}, false
	}
	if res.Status == result.Error && res.Reason != nil && res.Reason.Kind == result.ReasonGrader {
		key = "" // graded again next time
	}
	return roster.FromResult(&res, rel, key), true
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// classProgress shows how far a class grading is: on a terminal, a bar
// redrawn in place; elsewhere (a CI log), one line per graded submission.
type classProgress struct {
	env                          *cliEnv
	mu                           sync.Mutex
	total, reused                int
	done, running, errs, failing int
	began                        time.Time
}

func newClassProgress(env *cliEnv, total, reused int) *classProgress {
	p := &classProgress{env: env, total: total, reused: reused, began: time.Now()}
	if reused > 0 {
		fmt.Fprintf(env.stderr, "%d gradings already in the roster with the same code, platform and options: not graded again (--force grades them)\n", reused)
	}
	return p
}

func (p *classProgress) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running++
	p.draw()
}

func (p *classProgress) finished(e roster.Entry, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running--
	if !ok {
		return
	}
	p.done++
	switch e.Status {
	case result.Error:
		p.errs++
	case result.Fail:
		p.failing++
	}
	if !p.env.isTerminal {
		line := fmt.Sprintf("[%d/%d] %s %s: %d/%d %s", p.done, p.total, e.Submission, e.Lab, e.Score, e.MaxScore, e.Status)
		switch {
		case e.Reason != "":
			line += " (" + e.Reason + ")"
		case e.FirstFailing != "":
			line += " (first failing: " + e.FirstFailing + ")"
		}
		fmt.Fprintln(p.env.stderr, report.PrintableLine(line))
		return
	}
	p.draw()
}

func (p *classProgress) draw() {
	if p.env.isTerminal {
		fmt.Fprint(p.env.stderr, "\r\033[K"+progressLine(p.done, p.total, p.running, p.failing, p.errs, time.Since(p.began)))
	}
}

func (p *classProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.env.isTerminal {
		fmt.Fprint(p.env.stderr, "\r\033[K")
	}
	if p.total == 0 {
		fmt.Fprintln(p.env.stderr, "nothing to grade: every submission's roster entry is up to date")
		return
	}
	fmt.Fprintf(p.env.stderr, "graded %d of %d in %s: %d passed, %d failed, %d could not be graded\n",
		p.done, p.total, time.Since(p.began).Round(time.Second), p.done-p.failing-p.errs, p.failing, p.errs)
}

// progressLine is the terminal's progress bar: a bar of 24 cells, the
// count, what is running, and a time left estimated from the mean time
// per grading so far (wall time: it only informs the person waiting).
func progressLine(done, total, running, failing, errs int, elapsed time.Duration) string {
	const width = 24
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	s := fmt.Sprintf("[%s%s] %d/%d graded, %d running", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, total, running)
	if failing+errs > 0 {
		s += fmt.Sprintf(", %d failing, %d not graded", failing, errs)
	}
	if done > 0 && done < total {
		left := elapsed / time.Duration(done) * time.Duration(total-done)
		s += fmt.Sprintf(", about %s left", left.Round(time.Second))
	}
	return s
}

// runtimeCPUs is the number of CPUs class grading plans for.
func runtimeCPUs() int { return runtime.GOMAXPROCS(0) }
