package viewer

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/faultline-dev/faultline/grader/trace"
)

// standalone adapts Model to tea.Model for `faultline trace view` and
// `faultline demo`.
type standalone struct{ m Model }

func (s standalone) Init() tea.Cmd { return s.m.Init() }
func (s standalone) View() string  { return s.m.View() }
func (s standalone) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	s.m, cmd = s.m.Update(msg)
	return s, cmd
}

// Program returns a full-screen program that views buf and quits on q or Esc.
func Program(buf *trace.Buffer, title string, opts ...tea.ProgramOption) *tea.Program {
	return tea.NewProgram(standalone{New(buf, title, true)}, append([]tea.ProgramOption{tea.WithAltScreen()}, opts...)...)
}

// Title names a run for the viewer's header.
func Title(h trace.Header) string {
	switch {
	case h.Scenario != "":
		return "demo " + h.Scenario + " · seed " + itoa(h.Seed)
	case h.Test != "":
		return h.Lab + "/" + h.Test + " · " + h.Impl + " · seed " + itoa(h.Seed)
	default:
		return "trace · seed " + itoa(h.Seed)
	}
}

func itoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}
