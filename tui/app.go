package tui

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/internal/progress"
	"github.com/faultline-dev/faultline/tui/viewer"
)

type screen int

const (
	screenHome screen = iota
	screenReader
	screenLab
	screenDemos
	screenViewer
)

// Options configure the app.
type Options struct {
	Course  *content.Course // nil when the lessons failed to load
	LoadErr error
	Labs    []*suite.Lab
	Demos   []suite.Demo
	Runner  Runner
	// Style is the glamour style for lessons ("dark", "light"); empty means
	// $GLAMOUR_STYLE, else dark.
	Style string
	// ProgressPath is the progress file (internal/progress) to load at
	// start and update as the student works; empty keeps progress in
	// memory only.
	ProgressPath string
	ProgressErr  error // why there is no progress file (shown on the course map)
}

// App is the root model: it owns the screens and routes messages to the
// one in front.
type App struct {
	opts     Options
	screen   screen
	back     []screen // where Esc returns to
	home     home
	reader   reader
	lab      labScreen
	labs     map[string]labScreen // kept so results survive leaving a lab
	demos    demoScreen
	viewer   viewer.Model
	help     help.Model
	showHelp bool
	err      string
	prog     *progress.Store // the student's progress, as last loaded and changed here
	progPath string          // where changes are saved; empty when not saving
	keys     KeyMap
	styles   Styles
	w, h     int
}

// New returns the app.
func New(o Options) App {
	if o.Style == "" {
		o.Style = os.Getenv("GLAMOUR_STYLE")
	}
	if o.Style == "" {
		o.Style = "dark"
	}
	if o.Runner.Run == nil {
		o.Runner = EngineRunner(nil)
	}
	prog := progress.New()
	app := App{opts: o, home: newHome(o.Course, o.LoadErr, o.Labs, prog), labs: map[string]labScreen{}, prog: prog,
		demos: demoScreen{demos: o.Demos}, help: help.New(), keys: DefaultKeyMap(), styles: DefaultStyles(), w: 80, h: 24}
	if o.ProgressErr != nil {
		app.home.progErr = o.ProgressErr.Error()
	}
	return app
}

// Init loads the student's progress, if there is a file to load.
func (a App) Init() tea.Cmd {
	if a.opts.ProgressPath == "" {
		return nil
	}
	path := a.opts.ProgressPath
	return func() tea.Msg {
		s, err := progress.Load(path)
		return progressLoadedMsg{store: s, err: err}
	}
}

type progressLoadedMsg struct {
	store *progress.Store
	err   error
}

type progressSavedMsg struct{ err error }

// record applies change to the progress shown here and returns the
// command that writes it to the progress file (nil when not saving).
func (a *App) record(change func(*progress.Store)) tea.Cmd {
	change(a.prog)
	if a.progPath == "" {
		return nil
	}
	path := a.progPath
	return func() tea.Msg { return progressSavedMsg{err: progress.Update(path, change)} }
}

// noteLesson records where the student stands in the open lesson.
func (a *App) noteLesson() tea.Cmd {
	if a.screen != screenReader || a.reader.lesson == nil || a.reader.rendered == "" {
		return nil
	}
	slug, pos, read := a.reader.lesson.Slug, a.reader.position(), a.reader.vp.ScrollPercent()
	now := time.Now()
	return a.record(func(s *progress.Store) { s.SetLesson(slug, pos, read, now) })
}

func (a *App) goTo(s screen) {
	a.back = append(a.back, a.screen)
	a.screen = s
	a.err = ""
}

func (a *App) goBack() bool {
	if len(a.back) == 0 {
		return false
	}
	if a.screen == screenLab {
		a.labs[a.lab.lab.Name] = a.lab
	}
	a.screen = a.back[len(a.back)-1]
	a.back = a.back[:len(a.back)-1]
	a.err = ""
	return true
}

func (a App) openLesson(l *content.Lesson) (App, tea.Cmd) {
	save := a.noteLesson()
	var cmd tea.Cmd
	a.reader, cmd = newReader(l, a.opts.Style, a.w, a.h)
	if p := a.prog.Lessons[l.Slug]; p != nil {
		a.reader.resume = p.Position
	}
	return a, tea.Batch(save, cmd)
}

func (a App) openLab(name string) (App, tea.Cmd) {
	lab, err := suite.Lookup(name)
	if err != nil {
		a.err = fmt.Sprintf("the %s lab is not built yet: this lesson describes it, and it will appear under Labs once it exists", name)
		return a, nil
	}
	save := a.noteLesson()
	if s, ok := a.labs[name]; ok {
		a.lab = s
	} else {
		a.lab = newLabScreen(lab, a.opts.Runner, a.prog)
	}
	a.lab.w, a.lab.h = a.w, a.h
	a.goTo(screenLab)
	return a, save
}

// Update routes a message.
func (a App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && viewer.IsBurst(k) {
		return viewer.SplitBurst(a, k)
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		a.help.Width = msg.Width
		a.home.w, a.home.h = a.w, a.h-2
		a.lab.w, a.lab.h = a.w, a.h-2
		a.demos.w = a.w
		a.viewer.SetSize(a.w, a.h)
		var cmd tea.Cmd
		if a.reader.lesson != nil {
			cmd = a.reader.setSize(a.w, a.h)
		}
		return a, cmd
	case renderedMsg:
		if a.reader.lesson != nil {
			a.reader = a.reader.received(msg)
		}
		return a, nil
	case testDoneMsg:
		if msg.lab != a.lab.lab.Name || msg.gen != a.lab.gen {
			return a, nil
		}
		var cmd tea.Cmd
		a.lab, cmd = a.lab.done(msg)
		lab, impl, test, r := a.lab.lab.Name, a.lab.impls[a.lab.impl], a.lab.lab.Tests[msg.index], msg.result
		points := 0
		if r.Passed {
			points = test.Points
		}
		now := time.Now()
		save := a.record(func(s *progress.Store) {
			s.SetTest(lab, impl, test.Name, progress.Test{Passed: r.Passed, Points: points, Seed: r.Seed, Seeds: r.Seeds, Message: r.Message, At: now})
		})
		return a, tea.Batch(cmd, save)
	case progressLoadedMsg:
		if msg.err != nil {
			a.home.progErr = msg.err.Error()
			return a, nil
		}
		a.prog, a.progPath = msg.store, a.opts.ProgressPath
		a.home.prog = a.prog
		a.home.resume(a.prog.LastLesson)
		return a, nil
	case progressSavedMsg:
		if msg.err != nil {
			a.err = "progress not saved: " + msg.err.Error()
		}
		return a, nil
	case traceReadyMsg:
		if msg.err != nil {
			a.err = msg.err.Error()
			return a, nil
		}
		a.viewer = viewer.New(msg.buf, msg.title, false)
		a.viewer.SetSize(a.w, a.h)
		a.goTo(screenViewer)
		return a, nil
	case viewer.BackMsg:
		a.goBack()
		return a, nil
	case tea.KeyMsg:
		return a.key(msg)
	}
	if a.screen == screenHome && a.home.typing {
		var cmd tea.Cmd
		a.home.search, cmd = a.home.search.Update(msg)
		return a, cmd
	}
	return a, nil
}

func (a App) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := a.keys
	if a.screen == screenViewer {
		var cmd tea.Cmd
		a.viewer, cmd = a.viewer.Update(msg)
		return a, cmd
	}
	if a.screen == screenHome && a.home.typing {
		var cmd tea.Cmd
		a.home, cmd, _ = a.home.update(msg, k)
		return a, cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		save := a.noteLesson()
		return a, func() tea.Msg {
			if save != nil {
				save() // a failure cannot be shown any more; the file is left as it was
			}
			return tea.Quit()
		}
	case key.Matches(msg, k.Help):
		a.showHelp = !a.showHelp
		return a, nil
	case key.Matches(msg, k.Back):
		var save tea.Cmd
		if a.showHelp {
			a.showHelp = false
		} else if save = a.noteLesson(); !a.goBack() && a.screen == screenHome && a.home.search.Value() != "" {
			a.home.search.SetValue("")
			a.home.filter()
		}
		return a, save
	}
	switch a.screen {
	case screenHome:
		if key.Matches(msg, k.Demos) {
			a.goTo(screenDemos)
			return a, nil
		}
		if key.Matches(msg, k.Open) {
			e, ok := a.home.selected()
			switch {
			case !ok:
			case e.lesson != nil:
				a.goTo(screenReader)
				return a.openLesson(e.lesson)
			case e.lab != nil:
				return a.openLab(e.lab.Name)
			case e.demos:
				a.goTo(screenDemos)
			}
			return a, nil
		}
		var cmd tea.Cmd
		a.home, cmd, _ = a.home.update(msg, k)
		return a, cmd
	case screenReader:
		l := a.reader.lesson
		switch {
		case key.Matches(msg, k.Next) && a.opts.Course != nil && a.opts.Course.Next(l) != nil:
			return a.openLesson(a.opts.Course.Next(l))
		case key.Matches(msg, k.Prev) && a.opts.Course != nil && a.opts.Course.Prev(l) != nil:
			return a.openLesson(a.opts.Course.Prev(l))
		case key.Matches(msg, k.Lab):
			if l.Lab == "" {
				a.err = "this lesson has no lab; try the demos (d from the course map)"
				return a, nil
			}
			return a.openLab(l.Lab)
		}
		var cmd tea.Cmd
		a.reader.vp, cmd = a.reader.vp.Update(msg)
		return a, cmd
	case screenLab:
		var cmd tea.Cmd
		a.lab, cmd = a.lab.update(msg, k)
		return a, cmd
	case screenDemos:
		var cmd tea.Cmd
		a.demos, cmd = a.demos.update(msg, k)
		return a, cmd
	}
	return a, nil
}

// footer is each screen's short help.
func (a App) footer() helpKeys {
	k := a.keys
	switch a.screen {
	case screenReader:
		return helpKeys{k.Down, k.Next, k.Prev, k.Lab, k.Back, k.Help, k.Quit}
	case screenLab:
		return helpKeys{k.Down, k.Open, k.RunAll, k.RunPart, k.Impl, k.Back, k.Help, k.Quit}
	case screenDemos:
		return helpKeys{k.Down, k.Open, k.Back, k.Help, k.Quit}
	default:
		return helpKeys{k.Down, k.Open, k.Search, k.Demos, k.Help, k.Quit}
	}
}

// View draws the screen in front, an error line if any, and the footer.
func (a App) View() string {
	if a.screen == screenViewer {
		return a.viewer.View()
	}
	var body string
	switch a.screen {
	case screenReader:
		body = a.reader.view(a.styles)
	case screenLab:
		body = a.lab.view(a.styles)
	case screenDemos:
		body = a.demos.view(a.styles)
	default:
		body = a.home.view(a.styles)
	}
	if a.showHelp {
		body = a.fullHelp()
	}
	foot := a.help.ShortHelpView(a.footer())
	if a.err != "" {
		foot = a.styles.Error.Render(truncate(a.err, a.w)) + "\n" + foot
	}
	used := lineCount(body) + lineCount(foot)
	pad := ""
	if gap := a.h - used; gap > 0 {
		pad = strings.Repeat("\n", gap)
	}
	// Every line fits the terminal: long ones are cut, not wrapped.
	return lipgloss.NewStyle().MaxWidth(a.w).Render(body + "\n" + pad + foot)
}

func (a App) fullHelp() string {
	st := a.styles
	return st.Title.Render("Keys") + "\n\n" +
		st.Section.UnsetMarginTop().Render("Everywhere") + "\n" +
		"  q quit · esc back · ? this help\n\n" +
		st.Section.UnsetMarginTop().Render("Course map") + "\n" +
		"  ↑/↓ or k/j move · enter open · / search (enter keeps it, esc clears) · d demos\n\n" +
		st.Section.UnsetMarginTop().Render("Lesson") + "\n" +
		"  ↑/↓ pgup/pgdn scroll · n next lesson · p previous · l the paired lab\n\n" +
		st.Section.UnsetMarginTop().Render("Lab") + "\n" +
		"  enter or r run the test · P run its part · a run all · i change implementation (solution, starter, mutants)\n" +
		"  enter on a failed test opens its run in the trace viewer\n\n" +
		st.Section.UnsetMarginTop().Render("Trace viewer") + "\n" +
		"  ↑/↓ step · n/N same node · ]/[ same kind · x next drop, crash or partition · t jump to a time\n" +
		"  f one node · m one message type · l log lines · tab details · ? all keys\n"
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }
