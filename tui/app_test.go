package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/internal/progress"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/tui/viewer"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	suite.Register(fakeLab)
	suite.Register(manyLab)
	os.Exit(m.Run())
}

var fakeLab = &suite.Lab{
	Name: "tuifake", Title: "Fake lab", Summary: "for TUI tests", Lesson: "alpha",
	Parts: []suite.Part{{ID: "A", Title: "Basics"}},
	Tests: []suite.Test{
		{Name: "Works", Part: "A", Points: 2, Description: "always passes", Run: func(*suite.T) {}},
		{Name: "Broken", Part: "A", Points: 3, Description: "always fails", Run: func(*suite.T) {}},
	},
	Solution: "impl",
	Mutants:  []suite.Mutant{{Name: "bug", Impl: "bug"}},
	Task:     "## What to build\n\nImplement the echo node: answer every message with the same message.\n",
}

// fakeRunner passes Works and fails Broken; its replay is a real tiny run.
func fakeRunner() Runner {
	return Runner{
		Run: func(_ *suite.Lab, t *suite.Test, impl string) TestResult {
			if t.Name == "Works" {
				return TestResult{Passed: true, Seed: 3, Seeds: 3}
			}
			return TestResult{Seed: 7, Seeds: 1, Message: "check failed: n2 never answered (at 1s)"}
		},
		Replay: func(_ *suite.Lab, _ *suite.Test, _ string, seed uint64) (*trace.Buffer, error) {
			buf := &trace.Buffer{}
			s, err := sim.New(sim.Config{Nodes: 2, Seed: seed, Trace: buf, Faults: faults.Reliable(),
				Factory: func(node.ID) node.Node { return &echo{} }})
			if err != nil {
				return nil, err
			}
			s.RunFor(time.Second)
			return buf, nil
		},
		Impls: func(*suite.Lab) []string { return []string{"solution", "student"} },
	}
}

type echo struct{ env node.Env }

func (e *echo) Start(env node.Env) {
	e.env = env
	if env.ID() == 1 {
		env.Send(2, "hello")
	}
}
func (e *echo) HandleMessage(from node.ID, m node.Message) {}
func (e *echo) HandleTimer(any)                            {}

// lessonFile is a lesson's Markdown: front matter, a paragraph long enough
// to wrap differently at different widths, and a review question whose
// answer is folded.
func lessonFile(slug, title, extra string) []byte {
	return []byte("---\ntitle: " + title + "\nslug: " + slug + "\nsummary: About " + slug + ".\nminutes: 10\n" +
		"objectives:\n  - Explain " + slug + " to a friend.\n" + extra + "---\n## Start\n\nSome text about " + slug +
		". It goes on for long enough that a narrower terminal\nwraps it at another word than a wide one does.\n\n" +
		"## Review questions\n\n1. Why does " + slug + " matter?\n\n   <details><summary>Answer</summary>\n\n   Because " + slug + " is the secret.\n\n   </details>\n")
}

func course(t *testing.T) *content.Course {
	c, err := content.LoadFS(fstest.MapFS{
		"course.yaml":         {Data: []byte("title: t\nsections:\n  - title: Basics\n    lessons: [alpha, beta]\n")},
		"lessons/01-alpha.md": {Data: lessonFile("alpha", "Alpha lesson", "lab: tuifake\n")},
		"lessons/02-beta.md":  {Data: lessonFile("beta", "Beta lesson", "lab: notyet\n")},
	})
	require.NoError(t, err)
	return c
}

// longCourse has n lessons in two sections: more than fit on a screen.
func longCourse(t *testing.T, n int) *content.Course {
	fsys := fstest.MapFS{}
	var first, second []string
	for i := 1; i <= n; i++ {
		slug := fmt.Sprintf("lesson%02d", i)
		fsys[fmt.Sprintf("lessons/%02d-%s.md", i, slug)] = &fstest.MapFile{Data: lessonFile(slug, "Lesson number "+strconv.Itoa(i), "")}
		if i <= n/2 {
			first = append(first, slug)
		} else {
			second = append(second, slug)
		}
	}
	fsys["course.yaml"] = &fstest.MapFile{Data: []byte("title: t\nsections:\n  - title: First\n    lessons: [" + strings.Join(first, ", ") +
		"]\n  - title: Second\n    lessons: [" + strings.Join(second, ", ") + "]\n")}
	c, err := content.LoadFS(fsys)
	require.NoError(t, err)
	return c
}

func newApp(t *testing.T, w, h int) App {
	a := New(Options{Course: course(t), Labs: []*suite.Lab{fakeLab}, Runner: fakeRunner(), Style: "ascii",
		Demos: []suite.Demo{{Name: "tiny", Title: "A tiny demo", Description: "Two nodes say hello.", Seed: 1,
			Run: func(seed uint64, sink trace.Sink) error { return replayInto(seed, sink) }}}})
	m, _ := a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m.(App)
}

// send delivers a message and then the messages of the commands it returns,
// the way Bubble Tea would (but synchronously). Commands that only blink a
// cursor are not run.
func send(t *testing.T, a App, msgs ...tea.Msg) App {
	t.Helper()
	for _, msg := range msgs {
		m, cmd := a.Update(msg)
		a = m.(App)
		queue := []tea.Cmd{cmd}
		for len(queue) > 0 {
			cmd, queue = queue[0], queue[1:]
			if cmd == nil {
				continue
			}
			next := runCmd(cmd)
			if batch, ok := next.(tea.BatchMsg); ok {
				queue = append(queue, batch...)
				continue
			}
			if next == nil {
				continue
			}
			m, cmd = a.Update(next)
			a = m.(App)
			queue = append(queue, cmd)
		}
	}
	return a
}

func runCmd(cmd tea.Cmd) tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		switch msg.(type) {
		case renderedMsg, testDoneMsg, traceReadyMsg, viewer.BackMsg, ExplorerBackMsg, tea.BatchMsg,
			progressLoadedMsg, progressSavedMsg, tea.QuitMsg:
			return msg
		}
	case <-time.After(2 * time.Second): // a blink or tick: not part of the flow
	}
	return nil
}

func press(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func keys(ks ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range ks {
		out = append(out, press(k))
	}
	return out
}

func TestCourseMapNavigation(t *testing.T) {
	a := newApp(t, 80, 24)
	e, ok := a.home.selected()
	require.True(t, ok)
	assert.Equal(t, "alpha", e.lesson.Slug, "the cursor starts on the first lesson, not a heading")
	a = send(t, a, keys("down", "down")...)
	e, _ = a.home.selected()
	require.NotNil(t, e.lab, "headings are skipped")
	assert.Equal(t, "tuifake", e.lab.Name)
	a = send(t, a, keys("enter")...)
	assert.Equal(t, screenLab, a.screen)
	a = send(t, a, keys("esc")...)
	assert.Equal(t, screenHome, a.screen)
}

// A terminal read can carry several typed keys at once ("kk" from a held
// key); each must act as if typed alone.
func TestKeyBurstsAreSplit(t *testing.T) {
	a := newApp(t, 80, 24)
	a = send(t, a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
	e, _ := a.home.selected()
	require.NotNil(t, e.lab, "two downs, headings skipped")
	a = send(t, a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kk")})
	e, _ = a.home.selected()
	assert.Equal(t, "alpha", e.lesson.Slug)
	a = send(t, a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj"), Paste: true})
	e, _ = a.home.selected()
	assert.Equal(t, "alpha", e.lesson.Slug, "a paste is text, not keys")
}

func TestSearchFilters(t *testing.T) {
	a := newApp(t, 80, 24)
	m, _ := a.Update(press("/")) // focus the search (its blink command is not run)
	a = m.(App)
	for _, r := range "beta" {
		m, _ = a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		a = m.(App)
	}
	e, ok := a.home.selected()
	require.True(t, ok)
	assert.Equal(t, "beta", e.lesson.Slug)
	assert.Contains(t, a.View(), "/beta")
	a = send(t, a, keys("esc")...)
	assert.Equal(t, "", a.home.search.Value())
}

// A second / starts a new search rather than adding to the last one.
func TestRepeatedSearchStartsAfresh(t *testing.T) {
	a := newApp(t, 80, 24)
	typed := func(a App, s string) App {
		for _, r := range s {
			m, _ := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			a = m.(App)
		}
		return a
	}
	m, _ := a.Update(press("/"))
	a = typed(m.(App), "beta")
	m, _ = a.Update(press("enter"))
	a = m.(App)
	e, _ := a.home.selected()
	require.Equal(t, "beta", e.lesson.Slug)
	m, _ = a.Update(press("/"))
	a = m.(App)
	assert.Equal(t, "", a.home.search.Value(), "/ clears the last search")
	a = typed(a, "alpha")
	assert.Equal(t, "alpha", a.home.search.Value())
	e, ok := a.home.selected()
	require.True(t, ok, "the new search matches")
	assert.Equal(t, "alpha", e.lesson.Slug)
}

func TestLessonReader(t *testing.T) {
	a := newApp(t, 80, 24)
	a = send(t, a, keys("enter")...)
	require.Equal(t, screenReader, a.screen)
	assert.Contains(t, a.reader.rendered, "Some text about alpha")
	a = send(t, a, keys("n")...)
	assert.Equal(t, "beta", a.reader.lesson.Slug)
	a = send(t, a, keys("l")...)
	assert.Contains(t, a.err, "the notyet lab is not built yet")
	a = send(t, a, keys("p")...)
	assert.Empty(t, a.err, "the message was about beta; it does not follow the reader to alpha")
	assert.NotContains(t, a.View(), "not built yet")
	a = send(t, a, keys("l")...)
	assert.Equal(t, screenLab, a.screen, "l opens alpha's paired lab")
	a = send(t, a, keys("esc", "esc")...)
	assert.Equal(t, screenHome, a.screen)
}

func TestReaderReRendersOnResize(t *testing.T) {
	a := newApp(t, 80, 24)
	a = send(t, a, keys("enter")...)
	before := a.reader.rendered
	a = send(t, a, tea.WindowSizeMsg{Width: 50, Height: 20})
	assert.NotEqual(t, before, a.reader.rendered)
	assert.Equal(t, 50, a.reader.width)
}

func TestLabRunnerAndTrace(t *testing.T) {
	a := newApp(t, 100, 30)
	a = send(t, a, keys("down", "down", "enter", "a")...)
	require.Equal(t, screenLab, a.screen)
	assert.True(t, a.lab.results[0].Passed)
	assert.False(t, a.lab.results[1].Passed)
	got, of := a.lab.score()
	assert.Equal(t, []int{2, 5}, []int{got, of})
	view := a.View()
	assert.Contains(t, view, "✓ Works")
	assert.Contains(t, view, "seed 7: check failed: n2 never answered")
	a = send(t, a, keys("down", "enter")...)
	require.Equal(t, screenViewer, a.screen, "enter on a failed test opens its run")
	assert.Contains(t, a.View(), "tuifake/Broken · solution · seed 7")
	a = send(t, a, keys("esc")...)
	assert.Equal(t, screenLab, a.screen)
	a = send(t, a, keys("esc")...)
	assert.Contains(t, a.View(), "last graded 2/5 (solution)", "the course map shows the last run")
	a = send(t, a, keys("enter")...)
	assert.True(t, a.lab.results[0].Passed, "results survive leaving the lab")
	a = send(t, a, keys("i")...)
	assert.Equal(t, "student", a.lab.impls[a.lab.impl], "i cycles the runner's short list of implementations")
	assert.Empty(t, a.lab.results)
}

func TestDemosOpenTheViewer(t *testing.T) {
	a := newApp(t, 100, 30)
	a = send(t, a, keys("d")...)
	require.Equal(t, screenDemos, a.screen)
	assert.Contains(t, a.View(), "Two nodes say hello.")
	a = send(t, a, keys("enter")...)
	require.Equal(t, screenViewer, a.screen)
	assert.Contains(t, a.View(), "demo tiny · seed 1")
	assert.Contains(t, a.View(), "string")
}

func TestHelpAndQuit(t *testing.T) {
	a := newApp(t, 80, 24)
	a = send(t, a, keys("?")...)
	assert.Contains(t, a.View(), "Trace viewer")
	a = send(t, a, keys("esc")...)
	assert.False(t, a.showHelp)

	// On a short screen the page scrolls, and says there is more.
	small := send(t, newApp(t, 80, 12), keys("?")...)
	assert.Contains(t, small.View(), "more lines")
	assert.NotContains(t, small.View(), "Trace viewer")
	for range 20 {
		small = send(t, small, press("down"))
	}
	assert.Contains(t, small.View(), "Trace viewer")
	assert.Len(t, strings.Split(small.View(), "\n"), 12)

	_, cmd := a.Update(press("q"))
	require.NotNil(t, cmd)
	assert.Equal(t, tea.Quit(), cmd())
}

func TestGoldenViews(t *testing.T) {
	for _, tc := range []struct {
		name   string
		w, h   int
		course *content.Course
		keys   []string
	}{
		{"home-80x24", 80, 24, nil, nil},
		{"home-120x40", 120, 40, nil, nil},
		{"home-long-80x24", 80, 24, longCourse(t, 16), nil},
		{"home-long-scrolled-80x24", 80, 24, longCourse(t, 16), []string{"down", "down", "down", "down", "down", "down", "down", "down", "down", "down"}},
		{"home-long-120x40", 120, 40, longCourse(t, 40), nil},
		{"lab-80x24", 80, 24, nil, []string{"down", "down", "enter", "a"}},
		{"lab-120x40", 120, 40, nil, []string{"down", "down", "enter", "a"}},
		{"task-80x24", 80, 24, nil, []string{"down", "down", "enter", "t"}},
		{"reader-80x24", 80, 24, nil, []string{"enter"}},
		{"reader-120x40", 120, 40, nil, []string{"enter"}},
		{"reader-answers-80x24", 80, 24, nil, []string{"enter", "a"}},
		{"help-80x24", 80, 24, nil, []string{"?"}},
		{"help-120x40", 120, 40, nil, []string{"?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newApp(t, tc.w, tc.h)
			if tc.course != nil {
				a = newAppWith(t, tc.course, tc.w, tc.h)
			}
			a = send(t, a, keys(tc.keys...)...)
			goldenScreen(t, tc.name, a.View(), tc.w, tc.h)
		})
	}
}

// goldenScreen checks that view is exactly h rows, none wider than w, and
// compares it with testdata/name.golden (rewritten with -update).
func goldenScreen(t *testing.T, name, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	assert.Len(t, lines, h, "the view must be exactly %d rows", h)
	for i, l := range lines {
		assert.LessOrEqual(t, lipgloss.Width(l), w, "line %d too wide: %q", i, l)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(view), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./tui -update")
	assert.Equal(t, string(want), view)
}

func newAppWith(t *testing.T, c *content.Course, w, h int) App {
	a := New(Options{Course: c, Labs: []*suite.Lab{fakeLab}, Runner: fakeRunner(), Style: "ascii"})
	m, _ := a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m.(App)
}

// Review answers are folded until a shows them, and a folds them again.
func TestReaderFoldsAnswers(t *testing.T) {
	a := send(t, newApp(t, 80, 24), keys("enter")...)
	require.Equal(t, screenReader, a.screen)
	for _, tc := range []struct {
		name    string
		keys    []string
		shown   bool
		foldTip bool
	}{
		{"folded at first", nil, false, true},
		{"a shows them", []string{"a"}, true, false},
		{"a again folds them", []string{"a", "a"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := send(t, a, keys(tc.keys...)...)
			assert.Equal(t, tc.shown, strings.Contains(b.reader.rendered, "Because alpha is the secret."))
			assert.Equal(t, tc.foldTip, strings.Contains(b.reader.rendered, "▸ Answer (press a to show)"))
			assert.Contains(t, b.reader.rendered, "Explain alpha to a friend.", "objectives come first")
		})
	}
}

// Reading progress is the furthest point reached: scrolling back up does
// not lower it.
func TestReadingProgressKeepsTheFurthestPoint(t *testing.T) {
	a := send(t, newApp(t, 80, 8), keys("enter")...)
	require.Equal(t, screenReader, a.screen)
	start := a.reader.furthest
	require.Less(t, start, 1.0, "the lesson must be taller than the screen for this test")
	for range 30 {
		a = send(t, a, press("down"))
	}
	assert.Equal(t, 1.0, a.reader.furthest)
	for range 30 {
		a = send(t, a, press("up"))
	}
	assert.Equal(t, 0, a.reader.vp.YOffset)
	a = send(t, a, keys("esc")...)
	require.NotNil(t, a.prog.Lessons["alpha"])
	assert.Equal(t, 1.0, a.prog.Lessons["alpha"].Read)
	assert.Equal(t, 0.0, a.prog.Lessons["alpha"].Position, "the place is where the reader stood")
}

// t on the lab screen opens the lab's task in the reader; esc comes back.
func TestLabTask(t *testing.T) {
	a := send(t, newApp(t, 80, 24), keys("down", "down", "enter")...)
	require.Equal(t, screenLab, a.screen)
	a = send(t, a, keys("t")...)
	require.Equal(t, screenReader, a.screen)
	assert.True(t, a.reader.task)
	assert.Contains(t, a.reader.rendered, "Implement the echo node")
	a = send(t, a, keys("n", "l")...)
	assert.True(t, a.reader.task, "a task has no next lesson or lab")
	assert.NotContains(t, a.View(), "n/p", "the footer offers no next lesson")
	assert.NotContains(t, a.View(), "answers", "a task without review answers offers none")
	a = send(t, a, keys("a")...)
	assert.False(t, a.reader.answers, "a does nothing where there is nothing to fold")
	a = send(t, a, keys("esc")...)
	assert.Equal(t, screenLab, a.screen)
	assert.NotContains(t, a.prog.Lessons, "task:tuifake", "reading a task is not lesson progress")
}

// Long test names are cut with … so the columns after them stay on screen.
func TestLabColumnsFit(t *testing.T) {
	lab := &suite.Lab{Name: "wide", Title: "Wide lab", Parts: []suite.Part{{ID: "A", Title: "Long names"}},
		Tests: []suite.Test{
			{Name: "AVeryLongTestNameThatWouldOverflowItsColumn", Part: "A", Points: 12, Description: "a description that is long enough to be cut at eighty columns"},
			{Name: "Short", Part: "A", Points: 1, Description: "short"},
		}}
	for _, w := range []int{80, 120} {
		t.Run(strconv.Itoa(w), func(t *testing.T) {
			s := newLabScreen(lab, fakeRunner(), progress.New())
			s.w, s.h = w, 23
			s.results[0] = TestResult{Passed: true, Seeds: 20}
			view := s.view(DefaultStyles())
			for i, l := range strings.Split(view, "\n") {
				assert.LessOrEqual(t, lipgloss.Width(l), w, "line %d: %q", i, l)
			}
			assert.Contains(t, view, "AVeryLongTestNameThat…")
			assert.Contains(t, view, "20 seeds", "the result column is whole")
		})
	}
}

func replayInto(seed uint64, sink trace.Sink) error {
	buf, err := fakeRunner().Replay(nil, nil, "", seed)
	if err != nil {
		return err
	}
	sink.Header(buf.Head)
	for i := range buf.Records {
		sink.Record(&buf.Records[i])
	}
	return nil
}

// newAppAt is newApp with progress kept in the file at path, loaded the
// way Bubble Tea would run Init.
func newAppAt(t *testing.T, path string) App {
	a := New(Options{Course: course(t), Labs: []*suite.Lab{fakeLab}, Runner: fakeRunner(), Style: "ascii", ProgressPath: path})
	m, _ := a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return send(t, m.(App), runCmd(a.Init()))
}

// Progress survives the program: grades and reading position are in the
// file when the app is reopened.
func TestProgressIsKeptAcrossSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	a := newAppAt(t, path)
	a = send(t, a, keys("down", "down", "enter", "a")...)
	require.True(t, a.lab.results[0].Passed)
	a = send(t, a, keys("esc", "up", "enter")...)
	require.NotNil(t, a.reader.lesson)
	require.Equal(t, "beta", a.reader.lesson.Slug)
	a = send(t, a, keys("q")...)

	saved, err := progress.Load(path)
	require.NoError(t, err)
	assert.True(t, saved.Tests("tuifake", "solution")["Works"].Passed)
	assert.False(t, saved.Tests("tuifake", "solution")["Broken"].Passed)
	assert.Equal(t, uint64(7), saved.Tests("tuifake", "solution")["Broken"].Seed)
	assert.Equal(t, "beta", saved.LastLesson)
	require.NotNil(t, saved.Lessons["beta"])

	b := newAppAt(t, path)
	e, _ := b.home.selected()
	require.NotNil(t, e.lesson)
	assert.Equal(t, "beta", e.lesson.Slug, "the cursor starts on the lesson read last")
	assert.Contains(t, b.View(), "last graded 2/5 (solution)")
	assert.Contains(t, b.View(), "read ✓", "a short lesson seen whole counts as read")
	b = send(t, b, keys("down", "enter")...)
	require.Equal(t, screenLab, b.screen)
	assert.True(t, b.lab.results[0].Passed, "last session's grades are shown")
	assert.Contains(t, b.View(), "seed 7: check failed")
}

// A progress file that does not parse is reported, left as it was, and
// never overwritten by the session.
func TestCorruptProgressIsReportedAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	bad := "{\n  \"version\": 1,\n  \"labs\": [\n"
	require.NoError(t, os.WriteFile(path, []byte(bad), 0o644))
	a := newAppAt(t, path)
	assert.Contains(t, a.View(), "progress.json:4:1")
	assert.Contains(t, a.View(), "left untouched")
	a = send(t, a, keys("down", "down", "enter", "a")...)
	assert.True(t, a.lab.results[0].Passed, "the session still works")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, bad, string(data))
}

// manyLab has as many tests as the Raft lab.
var manyLab = func() *suite.Lab {
	var tests []suite.Test
	for i := range 39 {
		tests = append(tests, suite.Test{Name: fmt.Sprintf("T%02d", i), Part: "A", Points: 1, Run: func(*suite.T) {}})
	}
	return &suite.Lab{Name: "tuimany", Title: "Many tests", Parts: []suite.Part{{ID: "A", Title: "All"}}, Tests: tests, Solution: "impl"}
}()

// A run of every test (a) keeps every test's result in the progress file,
// even when the student quits as soon as it ends. Commands run in
// goroutines here, as Bubble Tea runs them, so saves overlap: they used to
// overwrite each other (35 of 39 kept), and quitting cut the last ones off.
func TestRunAllKeepsEveryResult(t *testing.T) {
	lab, tests := manyLab, manyLab.Tests
	path := filepath.Join(t.TempDir(), "progress.json")
	a := New(Options{Course: course(t), Labs: []*suite.Lab{lab}, Runner: fakeRunner(), Style: "ascii", ProgressPath: path})
	m, _ := a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	a = send(t, m.(App), runCmd(a.Init()))
	a = send(t, a, keys("down", "down", "enter")...)
	require.Equal(t, screenLab, a.screen)

	msgs := make(chan tea.Msg, 4*len(tests))
	run := func(cmd tea.Cmd) {
		if cmd != nil {
			go func() { msgs <- cmd() }()
		}
	}
	m, cmd := a.Update(press("a"))
	a = m.(App)
	run(cmd)
	for done := 0; done < len(tests); {
		msg := <-msgs
		switch msg := msg.(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				run(c)
			}
			continue
		case testDoneMsg:
			done++
		case progressSavedMsg:
			require.NoError(t, msg.err)
		default:
			continue // a cursor's blink
		}
		m, cmd := a.Update(msg)
		a = m.(App)
		run(cmd)
	}
	_, cmd = a.Update(press("q"))
	require.NotNil(t, cmd)
	require.Equal(t, tea.Quit(), cmd())

	saved, err := progress.Load(path)
	require.NoError(t, err)
	assert.Len(t, saved.Tests("tuimany", "solution"), len(tests))
}
