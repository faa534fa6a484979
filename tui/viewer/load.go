package viewer

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/faultline-dev/faultline/grader/trace"
)

// loadProgressMsg reports how far reading a trace file has come.
type loadProgressMsg struct {
	records    int
	read, size int64
}

// loadedMsg carries the trace read from a file, or why it could not be read.
type loadedMsg struct {
	buf *trace.Buffer
	err error
}

// loader is the standalone viewer of a file: it shows how many records it
// has read until the whole trace is in memory, then becomes the viewer. A
// million-event trace takes seconds to read, and a blank screen for that
// long looks like a hang.
type loader struct {
	path     string
	progress chan loadProgressMsg
	last     loadProgressMsg
	w, h     int
	viewer   *standalone // nil until the trace is read
	err      error
	styles   Styles
}

// ProgramFile returns a full-screen program that reads the trace in path,
// showing its progress, then views it; it quits on q or Esc. After Run, Err
// of the returned model reports a trace that could not be read.
func ProgramFile(path string, opts ...tea.ProgramOption) *tea.Program {
	return tea.NewProgram(newLoader(path), append([]tea.ProgramOption{tea.WithAltScreen()}, opts...)...)
}

// LoadErr returns why the trace a ProgramFile program was reading could not
// be read, given the model its Run returned; nil if it was read.
func LoadErr(m tea.Model) error {
	if l, ok := m.(loader); ok {
		return l.err
	}
	return nil
}

func newLoader(path string) loader {
	return loader{path: path, progress: make(chan loadProgressMsg, 1), w: 80, h: 24, styles: DefaultStyles()}
}

// Init starts reading the file, and waiting for its progress reports.
func (l loader) Init() tea.Cmd {
	return tea.Batch(readCmd(l.path, l.progress), waitProgress(l.progress))
}

// readCmd reads path. Progress goes to ch, latest first: a report the
// screen has not taken yet is replaced, never queued, so reading never
// waits for the screen.
func readCmd(path string, ch chan loadProgressMsg) tea.Cmd {
	return func() tea.Msg {
		defer close(ch)
		buf, err := trace.ReadFileProgress(path, func(n int, read, size int64) {
			msg := loadProgressMsg{records: n, read: read, size: size}
			select {
			case ch <- msg:
			default:
				select { // replace the report not yet shown
				case <-ch:
				default:
				}
				select {
				case ch <- msg:
				default:
				}
			}
		})
		return loadedMsg{buf: buf, err: err}
	}
}

// waitProgress returns the next progress report; nil once reading is done.
func waitProgress(ch chan loadProgressMsg) tea.Cmd {
	return func() tea.Msg {
		if msg, ok := <-ch; ok {
			return msg
		}
		return nil
	}
}

func (l loader) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if l.viewer != nil {
		m, cmd := l.viewer.Update(msg)
		v := m.(standalone)
		l.viewer = &v
		return l, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		l.w, l.h = msg.Width, msg.Height
	case loadProgressMsg:
		l.last = msg
		return l, waitProgress(l.progress)
	case loadedMsg:
		if msg.err != nil {
			l.err = msg.err
			return l, tea.Quit
		}
		v := standalone{New(msg.buf, Title(msg.buf.Head), true)}
		v.m.SetSize(l.w, l.h)
		l.viewer = &v
	case tea.KeyMsg:
		switch msg.String() {
		case "q", "esc", "ctrl+c":
			return l, tea.Quit
		}
	}
	return l, nil
}

func (l loader) View() string {
	if l.viewer != nil {
		return l.viewer.View()
	}
	lines := []string{l.styles.Title.Render("faultline trace view"), "", "reading " + l.path}
	switch p := l.last; {
	case p.records == 0:
		lines = append(lines, "…")
	case p.size > 0:
		lines = append(lines, fmt.Sprintf("%s records read · %d%% of %s", count(p.records), 100*p.read/p.size, megabytes(p.size)))
	default:
		lines = append(lines, count(p.records)+" records read")
	}
	lines = append(lines, "", l.styles.Gutter.Render("q or esc stops"))
	for i, s := range lines {
		lines[i] = truncateANSI(s, l.w)
	}
	for len(lines) < l.h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:max(1, l.h)], "\n")
}

// count writes n with thousands separators: 1,000,000.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
