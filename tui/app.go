package tui

import (
	"fmt"
	"os"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
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
		o.Runner = SuiteRunner()
	}
	return App{opts: o, home: newHome(o.Course, o.LoadErr, o.Labs), labs: map[string]labScreen{},
		demos: demoScreen{demos: o.Demos}, help: help.New(), keys: DefaultKeyMap(), styles: DefaultStyles(), w: 80, h: 24}
}

// Init does nothing until the first message.
func (a App) Init() tea.Cmd { return nil }

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
		got, of := a.lab.score()
		if len(a.lab.results) > 0 {
			a.home.progress[a.lab.lab.Name] = itoa(got) + "/" + itoa(of) + " (" + a.lab.impls[a.lab.impl] + ")"
		}
	}
	a.screen = a.back[len(a.back)-1]
	a.back = a.back[:len(a.back)-1]
	a.err = ""
	return true
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

func (a App) openLesson(l *content.Lesson) (App, tea.Cmd) {
	var cmd tea.Cmd
	a.reader, cmd = newReader(l, a.opts.Style, a.w, a.h)
	return a, cmd
}

func (a App) openLab(name string) (App, tea.Cmd) {
	lab, err := suite.Lookup(name)
	if err != nil {
		a.err = fmt.Sprintf("the %s lab is not built yet: this lesson describes it, and it will appear under Labs once it exists", name)
		return a, nil
	}
	if s, ok := a.labs[name]; ok {
		a.lab = s
	} else {
		a.lab = newLabScreen(lab, a.opts.Runner)
	}
	a.lab.w, a.lab.h = a.w, a.h
	a.goTo(screenLab)
	return a, nil
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
		if msg.lab == a.lab.lab.Name {
			var cmd tea.Cmd
			a.lab, cmd = a.lab.done(msg)
			return a, cmd
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
		return a, tea.Quit
	case key.Matches(msg, k.Help):
		a.showHelp = !a.showHelp
		return a, nil
	case key.Matches(msg, k.Back):
		if a.showHelp {
			a.showHelp = false
		} else if !a.goBack() && a.screen == screenHome && a.home.search.Value() != "" {
			a.home.search.SetValue("")
			a.home.filter()
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
		pad = repeat("\n", gap)
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

func lineCount(s string) int {
	n := 1
	for _, r := range s {
		if r == '\n' {
			n++
		}
	}
	return n
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
