package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/report"
	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/search/models"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/internal/progress"
)

// TestResult is what the lab screen shows for a test.
type TestResult struct {
	Passed  bool
	Seed    uint64 // the failing seed, or the last seed run
	Seeds   int
	Message string
	// Charts are the series the reported run recorded, beside the
	// reference's run of the same seed (an overload or hot-shard test):
	// what c shows. Nil for a test that records none, and for a result
	// loaded from an earlier session.
	Charts *result.Charts
}

// Runner runs one test of a lab against an implementation over its default
// seeds, and replays one seed with a trace. The app uses the grading
// engine's; tests substitute their own.
type Runner struct {
	Run    func(lab *suite.Lab, test *suite.Test, impl string) TestResult
	Replay func(lab *suite.Lab, test *suite.Test, impl string, seed uint64) (*trace.Buffer, error)
	// Impls lists the implementations the lab screen offers, first the
	// default: the student's code ("student") inside a workspace, then the
	// reference and the starter. Nil offers solution and starter.
	Impls func(lab *suite.Lab) []string
}

type testDoneMsg struct {
	lab    string
	index  int
	result TestResult
	gen    int
}

type traceReadyMsg struct {
	buf    *trace.Buffer
	charts []chart.Chart // of a demo with time series; the viewer opens on them
	title  string
	err    error
}

// labScreen lists a lab's tests and runs them.
type labScreen struct {
	lab     *suite.Lab
	runner  Runner
	impls   []string
	impl    int
	cursor  int
	results map[int]TestResult
	running map[int]bool
	queue   []int
	gen     int             // bumped when the implementation changes, to ignore stale results
	prog    *progress.Store // earlier grades, shown until a test runs again
	w, h    int
}

func newLabScreen(lab *suite.Lab, runner Runner, prog *progress.Store) labScreen {
	var impls []string
	if lab.Solution != nil { // nil in the student edition
		impls = append(impls, "solution")
	}
	if lab.Starter != nil {
		impls = append(impls, "starter")
	}
	if runner.Impls != nil {
		impls = runner.Impls(lab)
	}
	if len(impls) == 0 {
		impls = []string{"solution"} // running it says what the edition lacks
	}
	s := labScreen{lab: lab, runner: runner, impls: impls, prog: prog, results: map[int]TestResult{}, running: map[int]bool{}}
	if l := prog.Labs[lab.Name]; l != nil {
		for i, name := range impls {
			if name == l.LastImpl {
				s.impl = i
			}
		}
	}
	s.loadResults()
	return s
}

// loadResults shows the last recorded grade of each test for the chosen
// implementation, from this session or an earlier one.
func (s *labScreen) loadResults() {
	s.results = map[int]TestResult{}
	saved := s.prog.Tests(s.lab.Name, s.impls[s.impl])
	for i, t := range s.lab.Tests {
		if r, ok := saved[t.Name]; ok {
			s.results[i] = TestResult{Passed: r.Passed, Seed: r.Seed, Seeds: r.Seeds, Message: r.Message}
		}
	}
}

func (s labScreen) runCmd(i int) tea.Cmd {
	lab, test, impl, gen := s.lab, &s.lab.Tests[i], s.impls[s.impl], s.gen
	return func() tea.Msg {
		return testDoneMsg{lab: lab.Name, index: i, result: s.runner.Run(lab, test, impl), gen: gen}
	}
}

// start queues tests and starts the first; tests run one after another so
// that results appear as they finish.
func (s labScreen) start(idx ...int) (labScreen, tea.Cmd) {
	if len(s.queue) > 0 {
		return s, nil // a run is in progress
	}
	s.queue = idx
	for _, i := range idx {
		delete(s.results, i)
		s.running[i] = true
	}
	if len(idx) == 0 {
		return s, nil
	}
	return s, s.runCmd(idx[0])
}

func (s labScreen) done(msg testDoneMsg) (labScreen, tea.Cmd) {
	if msg.gen != s.gen {
		return s, nil
	}
	s.results[msg.index] = msg.result
	delete(s.running, msg.index)
	if len(s.queue) > 0 && s.queue[0] == msg.index {
		s.queue = s.queue[1:]
	}
	if len(s.queue) > 0 {
		return s, s.runCmd(s.queue[0])
	}
	return s, nil
}

func (s labScreen) update(msg tea.KeyMsg, k KeyMap) (labScreen, tea.Cmd) {
	switch {
	case key.Matches(msg, k.Down):
		s.cursor = min(s.cursor+1, len(s.lab.Tests)-1)
	case key.Matches(msg, k.Up):
		s.cursor = max(s.cursor-1, 0)
	case key.Matches(msg, k.Impl):
		if len(s.queue) == 0 {
			s.impl = (s.impl + 1) % len(s.impls)
			s.loadResults()
			s.gen++
		}
	case key.Matches(msg, k.RunAll):
		all := make([]int, len(s.lab.Tests))
		for i := range all {
			all[i] = i
		}
		return s.start(all...)
	case key.Matches(msg, k.RunPart):
		var part []int
		for i, t := range s.lab.Tests {
			if t.Part == s.lab.Tests[s.cursor].Part {
				part = append(part, i)
			}
		}
		return s.start(part...)
	case key.Matches(msg, k.Open):
		if r, ok := s.results[s.cursor]; ok && !r.Passed && r.Seed > 0 {
			return s, s.replayCmd(s.cursor, r.Seed)
		}
		return s.start(s.cursor)
	case key.Matches(msg, k.Run):
		return s.start(s.cursor)
	}
	return s, nil
}

// LabKeys are the lab screen's keys beyond the app's KeyMap: each works
// only where it says, and the footer and the ? page offer it only there.
type LabKeys struct {
	// Charts shows the charts of the selected test's last run: a test
	// that records its series (overload, hot shards) after a run.
	Charts key.Binding
	// Explore opens the model checker's explorer on the lab's search
	// model, for a lab that has one.
	Explore key.Binding
}

// DefaultLabKeys returns the lab screen's own keys.
func DefaultLabKeys() LabKeys {
	return LabKeys{
		Charts:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "charts of the test's last run")),
		Explore: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "explore the lab's search model by hand")),
	}
}

// charts returns the charts of the selected test's last run, or nil.
func (s labScreen) charts() *result.Charts {
	if r, ok := s.results[s.cursor]; ok {
		return r.Charts
	}
	return nil
}

// chartsTitle names the run the selected test's charts are of.
func (s labScreen) chartsTitle() string {
	t, r := s.lab.Tests[s.cursor], s.results[s.cursor]
	verdict := "failed"
	if r.Passed {
		verdict = "passed"
	}
	return fmt.Sprintf("%s/%s · %s · seed %d (%s)", s.lab.Name, t.Name, s.impls[s.impl], r.Charts.Seed, verdict)
}

// explorable reports whether x works here: the lab has a search model,
// and the implementation chosen runs in this process (not the student's).
func (s labScreen) explorable() bool {
	_, err := models.Lookup(s.lab.Name, "")
	return err == nil && s.impls[s.impl] != "student"
}

// explorer builds the explorer of the lab's default search model for the
// chosen implementation, embedded in the app (q and esc come back here).
// The model runs the implementation in this process, so it can be only
// one of the platform's: the student's code runs in runner processes.
func (s labScreen) explorer() (Explorer, error) {
	spec, err := models.Lookup(s.lab.Name, "")
	if err != nil {
		return Explorer{}, err
	}
	name := s.impls[s.impl]
	if name == "student" {
		return Explorer{}, fmt.Errorf("the explorer runs the model in this process, which has the platform's implementations but not your code (that runs in runner processes): press i for the solution or the starter, then x")
	}
	impl, err := s.lab.Impl(name)
	if err != nil {
		return Explorer{}, err
	}
	m, err := spec.Build(impl)
	if err != nil {
		return Explorer{}, fmt.Errorf("build the %s search model of %s: %w", spec.Name, name, err)
	}
	c, err := search.New(m)
	if err != nil {
		return Explorer{}, fmt.Errorf("the %s search model of %s: %w", spec.Name, name, err)
	}
	title := fmt.Sprintf("%s %s (%s)", s.lab.Name, spec.Name, name)
	e, err := NewExplorer(c, title, trace.Header{Lab: s.lab.Name, Test: spec.Name, Impl: name}, nil)
	if err != nil {
		return Explorer{}, err
	}
	e.Embedded = true
	return e, nil
}

func (s labScreen) replayCmd(i int, seed uint64) tea.Cmd {
	lab, test, impl := s.lab, &s.lab.Tests[i], s.impls[s.impl]
	return func() tea.Msg {
		buf, err := s.runner.Replay(lab, test, impl, seed)
		return traceReadyMsg{buf: buf, err: err, title: fmt.Sprintf("%s/%s · %s · seed %d", lab.Name, test.Name, impl, seed)}
	}
}

func (s labScreen) score() (got, of int) {
	for i, t := range s.lab.Tests {
		of += t.Points
		if r, ok := s.results[i]; ok && r.Passed {
			got += t.Points
		}
	}
	return got, of
}

func (s labScreen) view(st Styles) string {
	var b strings.Builder
	got, of := s.score()
	b.WriteString(st.Title.Render(truncate("Lab: "+s.lab.Title, max(10, s.w))) + "\n")
	b.WriteString(st.Muted.Render(truncate(fmt.Sprintf("implementation %s (i changes it) · %d/%d points this session", s.impls[s.impl], got, of), max(10, s.w))) + "\n")
	var lines []string
	cursorLine := 0
	part := ""
	for i, t := range s.lab.Tests {
		if t.Part != part {
			part = t.Part
			title := part
			for _, p := range s.lab.Parts {
				if p.ID == part {
					title = "Part " + p.ID + ": " + p.Title
				}
			}
			lines = append(lines, st.Section.UnsetMarginTop().Render(title))
		}
		mark := st.Muted.Render("·")
		result := ""
		if s.running[i] {
			mark = st.Badge.Render("…")
			result = "running"
		}
		var detail string
		if r, ok := s.results[i]; ok {
			if r.Passed {
				mark = st.Pass.Render("✓")
				result = plural(r.Seeds, "seed")
			} else {
				mark = st.Fail.Render("✗")
				result = fmt.Sprintf("seed %d", r.Seed)
				// The message can hold a student's panic text: shown
				// escaped, it cannot move the cursor or recolor the screen.
				msg := report.Printable(fmt.Sprintf("seed %d: %s", r.Seed, strings.TrimPrefix(r.Message, fmt.Sprintf("seed %d: ", r.Seed))))
				width := max(20, s.w-8)
				wrapped := []string{truncate(strings.Join(strings.Fields(msg), " "), width)}
				if i == s.cursor { // the selected failure is shown whole, up to 6 lines
					wrapped = WrapWords(msg, width)
					if len(wrapped) > 6 {
						wrapped = append(wrapped[:5], truncate(strings.Join(wrapped[5:], " "), width))
					}
				}
				for _, l := range wrapped {
					detail += "\n      " + st.Error.Render(l)
				}
				hint := "enter: open this run's trace"
				if r.Charts != nil {
					hint += " · c: its charts"
				}
				detail += "\n      " + st.Muted.Render(hint)
			}
		}
		pts := "pts"
		if t.Points == 1 {
			pts = "pt "
		}
		// Columns: cursor (3), mark, name, points, result, description;
		// a long name is cut with … rather than pushing the rest off screen.
		nameW := min(22, max(8, s.w-3-2-7-11-12))
		descW := max(0, s.w-3-2-nameW-1-6-2-resultW-2)
		line := fmt.Sprintf("%s %-*s %2d %s  %s", mark, nameW, truncate(t.Name, nameW), t.Points, pts,
			st.Muted.Render(fmt.Sprintf("%-*s", resultW, truncate(result, resultW))))
		if descW > 0 {
			line += "  " + st.Muted.Render(truncate(t.Description, descW))
		}
		if i == s.cursor {
			cursorLine = len(lines)
			line = st.Selected.Render("") + line
		} else {
			line = "   " + line
		}
		lines = append(lines, line+detail)
	}
	// Keep the cursor's test in view, with its details (which make its
	// entry several rows tall).
	row := 0
	for i := 0; i < cursorLine; i++ {
		row += strings.Count(lines[i], "\n") + 1
	}
	if cursorLine < len(lines) {
		row += strings.Count(lines[cursorLine], "\n")
	}
	flat := strings.Split(strings.Join(lines, "\n"), "\n")
	b.WriteString(strings.Join(scrollWindow(flat, row, max(3, s.h-2), st), "\n"))
	return b.String()
}

// resultW is the lab screen's column for a test's result ("12 seeds").
const resultW = 9

func truncate(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	return string(r[:max(0, w-1)]) + "…"
}
