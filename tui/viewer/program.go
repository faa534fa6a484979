package viewer

import (
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/faultline-dev/faultline/grader/trace"
)

// standalone adapts Model to tea.Model for `faultline trace view` and
// `faultline demo`.
type standalone struct{ m Model }

func (s standalone) Init() tea.Cmd { return s.m.Init() }
func (s standalone) View() string  { return s.m.View() }
func (s standalone) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && IsBurst(k) {
		return SplitBurst(s, k)
	}
	var cmd tea.Cmd
	s.m, cmd = s.m.Update(msg)
	return s, cmd
}

// IsBurst reports whether k holds several typed runes at once. Bubble Tea
// delivers the runes of one terminal read as a single KeyMsg, so a held
// key or fast typing ("jjj") would match no binding.
func IsBurst(k tea.KeyMsg) bool {
	return k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste
}

// SplitBurst hands m one KeyMsg per rune of a burst, as if each had been
// typed alone.
func SplitBurst(m tea.Model, k tea.KeyMsg) (tea.Model, tea.Cmd) {
	cmds := make([]tea.Cmd, 0, len(k.Runes))
	for _, r := range k.Runes {
		var cmd tea.Cmd
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: k.Alt})
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// Program returns a full-screen program that views buf and quits on q or Esc.
func Program(buf *trace.Buffer, title string, opts ...tea.ProgramOption) *tea.Program {
	return ProgramOf(New(buf, title, true), opts...)
}

// ProgramOf returns a full-screen program that runs m, a standalone viewer
// (New(buf, title, true)) set up by the caller, such as with SetCharts.
func ProgramOf(m Model, opts ...tea.ProgramOption) *tea.Program {
	return tea.NewProgram(standalone{m}, append([]tea.ProgramOption{tea.WithAltScreen()}, opts...)...)
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

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }
