package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/glamour"
	"github.com/faultline-dev/faultline/content"
)

// reader shows one lesson, rendered by glamour, in a scrolling viewport.
type reader struct {
	lesson   *content.Lesson
	vp       viewport.Model
	style    string // glamour style: "dark", "light", "notty", ...
	rendered string
	width    int // the width rendered is for
	err      error
	resume   float64 // where to stand once the first render arrives (fraction of lines)
}

// renderedMsg carries a lesson rendered off the UI path.
type renderedMsg struct {
	slug  string
	width int
	text  string
	err   error
}

// RenderLesson renders a lesson body for a terminal of the given width:
// wrapped to min(100, width), with diagram blocks and folded answers
// rewritten for the terminal.
func RenderLesson(l *content.Lesson, style string, width int) (string, error) {
	wrap := min(100, max(20, width)) - 2
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(wrap))
	if err != nil {
		return "", fmt.Errorf("render %s: %w", l.Slug, err)
	}
	head := "# " + l.Title + "\n\n*" + l.Summary + "*\n\n"
	return r.Render(head + content.TerminalMarkdown(l.Body))
}

func renderCmd(l *content.Lesson, style string, width int) tea.Cmd {
	return func() tea.Msg {
		text, err := RenderLesson(l, style, width)
		return renderedMsg{slug: l.Slug, width: width, text: text, err: err}
	}
}

func newReader(l *content.Lesson, style string, w, h int) (reader, tea.Cmd) {
	vp := viewport.New(w, max(1, h-3))
	vp.SetContent("rendering " + l.Title + "…")
	return reader{lesson: l, vp: vp, style: style, width: w}, renderCmd(l, style, w)
}

func (r *reader) setSize(w, h int) tea.Cmd {
	r.vp.Width, r.vp.Height = w, max(1, h-3)
	if w != r.width {
		r.width = w
		return renderCmd(r.lesson, r.style, w)
	}
	return nil
}

func (r reader) received(msg renderedMsg) reader {
	if msg.slug != r.lesson.Slug || msg.width != r.width {
		return r // a stale render from before a resize or a page turn
	}
	r.err = msg.err
	r.rendered = msg.text
	if msg.err != nil {
		r.vp.SetContent(msg.err.Error())
		return r
	}
	r.vp.SetContent(msg.text)
	if r.resume > 0 {
		r.vp.SetYOffset(int(r.resume * float64(r.vp.TotalLineCount())))
		r.resume = 0
	}
	return r
}

// position is where the reader stands, as a fraction of the lesson's lines
// (which does not change with the width, unlike a line number).
func (r reader) position() float64 {
	if n := r.vp.TotalLineCount(); n > 0 {
		return float64(r.vp.YOffset) / float64(n)
	}
	return 0
}

func (r reader) view(st Styles) string {
	pct := fmt.Sprintf("%3.0f%%", r.vp.ScrollPercent()*100)
	head := st.Title.Render(r.lesson.Title) + st.Muted.Render(fmt.Sprintf("  lesson %d · %s · %s", r.lesson.Index+1, r.lesson.Section, pct))
	return head + "\n" + r.vp.View()
}
