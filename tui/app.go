package tui

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/internal/progress"
	"github.com/faultline-dev/faultline/tui/keyhelp"
	"github.com/faultline-dev/faultline/tui/viewer"
)

type screen int

const (
	screenHome screen = iota
	screenReader
	screenLab
	screenDemos
	screenViewer
	screenCharts   // the charts of a test's last run (runcharts.go)
	screenExplorer // the model checker's explorer of the lab's search model
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
	charts   runCharts
	explorer Explorer
	labKeys  LabKeys
	keyStyle keyhelp.Styles
	showHelp bool
	helpTop  int // first line of the ? page on screen
	err      string
	prog     *progress.Store // the student's progress, as last loaded and changed here
	progPath string          // where changes are saved; empty when not saving
	saving   *sync.WaitGroup // saves still being written; quitting waits for them
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
	app := App{opts: o, home: newHome(o.Course, o.LoadErr, o.Labs, prog), labs: map[string]labScreen{}, prog: prog, saving: &sync.WaitGroup{},
		demos: demoScreen{demos: o.Demos}, keyStyle: keyhelp.DefaultStyles(), keys: DefaultKeyMap(), labKeys: DefaultLabKeys(), styles: DefaultStyles(), w: 80, h: 24}
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
	a.saving.Add(1)
	return func() tea.Msg {
		defer a.saving.Done()
		return progressSavedMsg{err: progress.Update(path, change)}
	}
}

// quit saves where the reader stands, waits for every save still being
// written (Bubble Tea runs commands in goroutines, which end with the
// program: a run of all tests quit at once lost its last results), and
// quits.
func (a *App) quit() tea.Cmd {
	save := a.noteLesson()
	saving := a.saving
	return func() tea.Msg {
		if save != nil {
			save() // a failure cannot be shown any more; the file is left as it was
		}
		saving.Wait()
		return tea.Quit()
	}
}

// noteLesson records where the student stands in the open lesson.
func (a *App) noteLesson() tea.Cmd {
	if a.screen != screenReader || a.reader.lesson == nil || a.reader.rendered == "" {
		return nil
	}
	if a.reader.task {
		return nil // a lab's task is not a lesson
	}
	slug, pos, read := a.reader.lesson.Slug, a.reader.position(), a.reader.furthest
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

// openTask opens the lab's task, its Markdown handout, in the reader.
func (a App) openTask() (App, tea.Cmd) {
	lab := a.lab.lab
	if strings.TrimSpace(lab.Task) == "" {
		a.err = "the " + lab.Name + " lab has no task text; its lesson describes what to build"
		return a, nil
	}
	a.goTo(screenReader)
	var cmd tea.Cmd
	task := &content.Lesson{Slug: "task:" + lab.Name, Title: "Task: " + lab.Title, Summary: lab.Summary, Body: lab.Task}
	a.reader, cmd = newReader(task, a.opts.Style, a.w, a.h)
	a.reader.task = true
	return a, cmd
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
	a.lab.w, a.lab.h = a.w, a.h-1
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
		a.home.w, a.home.h = a.w, a.h-1
		a.lab.w, a.lab.h = a.w, a.h-1
		a.demos.w = a.w
		a.viewer.SetSize(a.w, a.h)
		a.charts.w, a.charts.h = a.w, a.h-1
		a.explorer.SetSize(a.w, a.h)
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
		a.viewer.SetCharts(msg.charts, true)
		a.viewer.SetSize(a.w, a.h)
		a.goTo(screenViewer)
		return a, nil
	case viewer.BackMsg:
		if a.screen == screenExplorer {
			return a.toExplorer(msg) // its diagram of the path closed
		}
		a.goBack()
		return a, nil
	case ExplorerBackMsg:
		a.goBack()
		return a, nil
	case tea.KeyMsg:
		if a.screen != screenViewer && !(a.screen == screenHome && a.home.typing) {
			a.err = "" // a message answers the key before; the next key clears it
		}
		return a.key(msg)
	}
	if a.screen == screenHome && a.home.typing {
		var cmd tea.Cmd
		a.home.search, cmd = a.home.search.Update(msg)
		return a, cmd
	}
	if a.screen == screenExplorer {
		return a.toExplorer(msg)
	}
	return a, nil
}

// toExplorer hands msg to the explorer in front.
func (a App) toExplorer(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := a.explorer.Update(msg)
	if e, ok := m.(Explorer); ok {
		a.explorer = e
	}
	return a, cmd
}

func (a App) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := a.keys
	if a.screen == screenViewer {
		if key.Matches(msg, a.viewer.Keys().Quit) && !a.viewer.Typing() {
			return a, a.quit()
		}
		var cmd tea.Cmd
		a.viewer, cmd = a.viewer.Update(msg)
		return a, cmd
	}
	if a.screen == screenExplorer {
		return a.toExplorer(msg) // its own q and esc come back (ExplorerBackMsg)
	}
	if a.screen == screenHome && a.home.typing {
		var cmd tea.Cmd
		a.home, cmd, _ = a.home.update(msg, k)
		return a, cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		return a, a.quit()
	case key.Matches(msg, k.Help):
		a.showHelp = !a.showHelp
		a.helpTop = 0
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
	if a.showHelp {
		switch {
		case key.Matches(msg, k.Down):
			a.helpTop = min(a.helpTop+1, max(0, len(a.helpLines())-(a.h-1)+1))
		case key.Matches(msg, k.Up):
			a.helpTop = max(0, a.helpTop-1)
		}
		return a, nil
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
		case key.Matches(msg, k.Answers) && a.reader.foldable:
			return a, a.reader.toggleAnswers()
		case a.reader.task:
			// A lab's task has no neighbours and no paired lab.
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
		a.reader, cmd = a.reader.update(msg)
		return a, cmd
	case screenLab:
		switch {
		case key.Matches(msg, k.Task):
			return a.openTask()
		case key.Matches(msg, a.labKeys.Charts):
			c := a.lab.charts()
			if c == nil {
				a.err = "no charts for this test yet: the overload and hot-shard tests draw their run once it has run here (enter)"
				return a, nil
			}
			a.charts = newRunCharts(a.lab.chartsTitle(), c)
			a.charts.w, a.charts.h = a.w, a.h-1
			a.goTo(screenCharts)
			return a, nil
		case key.Matches(msg, a.labKeys.Explore):
			e, err := a.lab.explorer()
			if err != nil {
				a.err = err.Error()
				return a, nil
			}
			e.SetSize(a.w, a.h)
			a.explorer = e
			a.goTo(screenExplorer)
			return a, e.Init()
		}
		var cmd tea.Cmd
		a.lab, cmd = a.lab.update(msg, k)
		return a, cmd
	case screenDemos:
		var cmd tea.Cmd
		a.demos, cmd = a.demos.update(msg, k)
		return a, cmd
	case screenCharts:
		switch {
		case key.Matches(msg, k.Down):
			a.charts = a.charts.scroll(1)
		case key.Matches(msg, k.Up):
			a.charts = a.charts.scroll(-1)
		}
	}
	return a, nil
}

// footer is each screen's short help: keys that may be dropped to fit,
// then the ones always shown.
func (a App) footer() (optional, always []key.Binding) {
	k := a.keys
	// The footer's descriptions are short, so that more keys fit at 80
	// columns; the ? page has the long ones.
	short := func(b key.Binding, keys, desc string) key.Binding {
		b.SetHelp(keys, desc)
		return b
	}
	always = []key.Binding{k.Help, k.Back, k.Quit}
	switch a.screen {
	case screenReader:
		// Only keys that do something here: a task has no neighbours and
		// no lab of its own, and a text without review answers has none
		// to show.
		keys := []key.Binding{short(k.Down, "↓/↑", "scroll")}
		if a.reader.foldable {
			keys = append(keys, short(k.Answers, "a", "answers"))
		}
		if a.reader.task {
			return keys, always
		}
		return append(keys, short(k.Next, "n/p", "next/prev"), short(k.Lab, "l", "lab")), always
	case screenLab:
		keys := []key.Binding{short(k.Open, "enter", "run")}
		if a.lab.charts() != nil {
			keys = append(keys, short(a.labKeys.Charts, "c", "charts"))
		}
		keys = append(keys, k.RunAll, short(k.Task, "t", "task"))
		if a.lab.explorable() {
			keys = append(keys, short(a.labKeys.Explore, "x", "explore"))
		}
		return append(keys, short(k.RunPart, "P", "part"), short(k.Impl, "i", "impl"), k.Down), always
	case screenCharts:
		if a.charts.shown() < len(a.charts.charts) {
			return []key.Binding{short(k.Down, "↓/↑", "more charts")}, always
		}
		return nil, always
	case screenDemos:
		return []key.Binding{k.Down, k.Open}, always
	default:
		return []key.Binding{k.Down, k.Open, k.Search, k.Demos}, []key.Binding{k.Help, k.Quit}
	}
}

// View draws the screen in front, an error line if any, and the footer:
// exactly a.h lines, none wider than a.w.
func (a App) View() string {
	switch a.screen {
	case screenViewer:
		return a.viewer.View()
	case screenExplorer:
		return a.explorer.View()
	}
	optional, always := a.footer()
	foot := keyhelp.Footer(a.keyStyle, a.w, optional, always...)
	if a.err != "" {
		foot = a.styles.Error.Render(truncate(a.err, a.w)) + "\n" + foot
	}
	room := max(1, a.h-lineCount(foot))
	var body string
	switch {
	case a.showHelp:
		body = a.fullHelp(room)
	case a.screen == screenReader:
		body = a.reader.view(a.styles)
	case a.screen == screenLab:
		body = a.lab.view(a.styles)
	case a.screen == screenDemos:
		body = a.demos.view(a.styles)
	case a.screen == screenCharts:
		body = a.charts.view(a.styles)
	default:
		body = a.home.view(a.styles)
	}
	lines := strings.Split(body, "\n")
	if len(lines) > room {
		lines = lines[:room]
	}
	for len(lines) < room {
		lines = append(lines, "")
	}
	// Every line fits the terminal: long ones are cut, not wrapped.
	return lipgloss.NewStyle().MaxWidth(a.w).Render(strings.Join(lines, "\n") + "\n" + foot)
}

// helpSections are the ? page: each screen's keys.
func (a App) helpSections() []helpSection {
	k := a.keys
	vk := viewer.DefaultKeyMap()
	return []helpSection{
		{"Everywhere", []key.Binding{k.Help, k.Back, k.Quit}},
		{"Course map", []key.Binding{k.Down, k.Open, k.Search, k.Demos}},
		{"Lesson", []key.Binding{k.Scroll, k.Answers, k.Next, k.Prev, k.Lab}},
		{"Lab", a.labHelp()},
		{"Trace viewer", []key.Binding{vk.Down, vk.NextNode, vk.NextKind, vk.NextFault, vk.Time, vk.FilterNode, vk.FilterType, vk.Logs, vk.Side}},
	}
}

// labHelp is the ? page's lab keys: c and x only where they work (the
// selected test has charts; the lab has a search model), as the footer.
func (a App) labHelp() []key.Binding {
	k := a.keys
	keys := []key.Binding{k.Down, k.Open, k.Run, k.RunPart, k.RunAll, k.Impl, k.Task}
	if a.screen != screenLab && a.screen != screenCharts || a.lab.lab == nil {
		return keys
	}
	if a.lab.charts() != nil {
		keys = append(keys, a.labKeys.Charts)
	}
	if a.lab.explorable() {
		keys = append(keys, a.labKeys.Explore)
	}
	return keys
}

type helpSection struct {
	title string
	keys  []key.Binding
}

// fullHelp is the ? page, at most height lines: when the page is taller
// than the screen it scrolls with ↑/↓ and says what is below.
func (a App) fullHelp(height int) string {
	st := a.styles
	lines := a.helpLines()
	top := min(a.helpTop, max(0, len(lines)-height))
	end := min(len(lines), top+height)
	if end < len(lines) {
		end = max(top+1, end-1)
		return strings.Join(lines[top:end], "\n") + "\n" + st.Muted.Render(fmt.Sprintf("↓ %d more lines", len(lines)-end))
	}
	return strings.Join(lines[top:end], "\n")
}

// helpLines is the whole ? page: each section's keys flow across the
// width.
func (a App) helpLines() []string {
	st := a.styles
	lines := []string{st.Title.Render("Keys") + st.Muted.Render("  ? or esc closes this page")}
	for _, sec := range a.helpSections() {
		lines = append(lines, "", st.Section.UnsetMarginTop().Render(sec.title))
		var items []string
		for _, b := range sec.keys {
			items = append(items, b.Help().Key+" "+b.Help().Desc)
		}
		for _, l := range flow(items, " · ", max(10, a.w-2)) {
			lines = append(lines, "  "+l)
		}
	}
	return lines
}

// flow joins items with sep into lines of at most w cells, breaking only
// between items (an item wider than w gets a line of its own).
func flow(items []string, sep string, w int) []string {
	var out []string
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = it
		case lipgloss.Width(line+sep+it) <= w:
			line += sep + it
		default:
			out = append(out, line)
			line = it
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }
