package tui

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/x/ansi"
	"github.com/faultline-dev/faultline/content"
)

// MaxLessonWidth is the widest a lesson is wrapped, however wide the
// terminal: longer lines are hard to read.
const MaxLessonWidth = 100

// reader shows one lesson, rendered by glamour, in a scrolling viewport.
type reader struct {
	lesson   *content.Lesson
	vp       viewport.Model
	style    string // glamour style: "dark", "light", "notty", ...
	rendered string
	width    int  // the width rendered is for
	answers  bool // review answers are shown (a toggles them)
	foldable bool // the text has answers to fold (<details>): only then does a do anything
	task     bool // a lab's task, not a lesson: no neighbours, no progress
	err      error
	resume   float64 // where to stand once the first render arrives (fraction of lines)
	furthest float64 // the furthest fraction of the lesson seen on screen this time
}

// renderedMsg carries a lesson rendered off the UI path.
type renderedMsg struct {
	slug    string
	width   int
	answers bool
	text    string
	err     error
}

// RenderLesson renders a lesson for a terminal of the given width: wrapped
// to min(MaxLessonWidth, width), objectives first, review answers shown or
// folded (FoldedHint says how to show them), diagrams and links rewritten
// for the terminal.
func RenderLesson(l *content.Lesson, style string, width int, o LessonOptions) (string, error) {
	st, ok := styles.DefaultStyles[style]
	if !ok {
		return "", fmt.Errorf("render %s: unknown GLAMOUR_STYLE %q (try dark, light, ascii or notty)", l.Slug, style)
	}
	// glamour wraps a paragraph, then wraps the document again at a width
	// that counts margins and list indents differently, so lines one or two
	// columns short of the first width were broken again, leaving a lone
	// word on a line of its own. So glamour is asked not to wrap prose at
	// all, and each rendered line is wrapped here, once, under its own
	// indent. Tables are the exception: glamour fits their columns to the
	// width, so they are rendered apart, with its wrapping on.
	cfg := *st
	cfg.Document.Margin = new(uint)
	wrap := min(MaxLessonWidth, max(24, width)) - len(lessonMargin)
	prose, err := glamour.NewTermRenderer(glamour.WithStyles(cfg), glamour.WithWordWrap(0))
	if err != nil {
		return "", fmt.Errorf("render %s: %w", l.Slug, err)
	}
	tables, err := glamour.NewTermRenderer(glamour.WithStyles(cfg), glamour.WithWordWrap(wrap))
	if err != nil {
		return "", fmt.Errorf("render %s: %w", l.Slug, err)
	}
	o.Unwrap = true
	var rendered []string
	for _, seg := range splitTables(LessonMarkdown(l, o)) {
		r := prose
		if seg.table {
			r = tables
		}
		out, err := r.Render(seg.text)
		if err != nil {
			return "", fmt.Errorf("render %s: %w", l.Slug, err)
		}
		var lines []string
		for _, line := range strings.Split(out, "\n") {
			line = strings.TrimRight(line, " ")
			if seg.table {
				lines = append(lines, line)
				continue
			}
			lines = append(lines, wrapRendered(line, wrap)...)
		}
		for len(lines) > 0 && ansi.StringWidth(lines[0]) == 0 {
			lines = lines[1:]
		}
		for len(lines) > 0 && ansi.StringWidth(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		for i, line := range lines {
			if ansi.StringWidth(line) == 0 {
				lines[i] = ""
			} else {
				lines[i] = lessonMargin + line
			}
		}
		rendered = append(rendered, strings.Join(lines, "\n"))
	}
	return "\n" + strings.Join(rendered, "\n\n") + "\n\n", nil
}

// lessonMargin is the left margin of a rendered lesson.
const lessonMargin = "  "

// segment is a run of a lesson's Markdown: a table, or everything between.
type segment struct {
	text  string
	table bool
}

// splitTables cuts Markdown into tables (runs of lines starting with |,
// outside code fences) and the text between them.
func splitTables(md string) []segment {
	var out []segment
	var cur []string
	table, fence := false, ""
	flush := func() {
		if len(cur) > 0 {
			out = append(out, segment{text: strings.Join(cur, "\n"), table: table})
			cur = nil
		}
	}
	for _, l := range strings.Split(md, "\n") {
		if f := fenceOf(l); f != "" {
			if fence == "" {
				fence = f
			} else if strings.HasPrefix(strings.TrimSpace(l), fence) {
				fence = ""
			}
		}
		isTable := fence == "" && strings.HasPrefix(l, "|")
		if isTable != table {
			flush()
			table = isTable
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

// listMarker and quoteMarker match the start of a rendered list item or
// block quote, to indent the lines it wraps onto.
var (
	listMarker  = regexp.MustCompile(`^(\s*)(•|[-*]|\d+\.)\s+`)
	quoteMarker = regexp.MustCompile(`^\s*[|│┃] `)
)

// wrapRendered wraps one rendered (styled) line at width cells, at spaces,
// continuing under the first line's text (a list item's, after its
// bullet) or after its quote bar. Lines of tables and code art (a bar
// after the start, box drawing) are left whole: wrapping them would
// scramble their columns.
func wrapRendered(line string, width int) []string {
	if ansi.StringWidth(line) <= width {
		return []string{line}
	}
	plain := ansi.Strip(line)
	trimmed := strings.TrimSpace(plain)
	if strings.ContainsAny(trimmed, "─━┼") || (len(trimmed) > 1 && strings.ContainsAny(trimmed[1:], "|│┃")) {
		return []string{line}
	}
	prefix := strings.Repeat(" ", len(plain)-len(strings.TrimLeft(plain, " ")))
	if m := quoteMarker.FindString(plain); m != "" {
		prefix = m
	} else if m := listMarker.FindString(plain); m != "" {
		prefix = strings.Repeat(" ", ansi.StringWidth(m))
	}
	if ansi.StringWidth(prefix) > width/2 {
		prefix = ""
	}
	parts := wordwrap(line, width)
	if len(parts) == 1 {
		return parts
	}
	// Wrap the rest again at the width left beside the prefix.
	rest := strings.Join(parts[1:], " ")
	out := []string{parts[0]}
	for _, p := range wordwrap(rest, width-ansi.StringWidth(prefix)) {
		out = append(out, prefix+strings.TrimLeft(p, " "))
	}
	return out
}

// noBreakHyphen (U+2011, one cell wide) stands in for "-" while a line is
// wrapped. ansi.Wordwrap always breaks after a hyphen, cutting
// "exactly-once" into "exactly-" and "once", and writes the hyphen
// without checking the width, so "(--watch" at the end of a line ran two
// columns past it.
const noBreakHyphen = "\u2011"

// wordwrap wraps a styled line at width cells, at spaces only; a word wider
// than the width (a long path) is cut, so that no line is wider.
func wordwrap(line string, width int) []string {
	var out []string
	wrapped := ansi.Wordwrap(strings.ReplaceAll(line, "-", noBreakHyphen), width, "")
	for _, p := range strings.Split(wrapped, "\n") {
		p = strings.ReplaceAll(p, noBreakHyphen, "-")
		if ansi.StringWidth(p) > width {
			out = append(out, strings.Split(ansi.Hardwrap(p, width, true), "\n")...)
			continue
		}
		out = append(out, p)
	}
	return out
}

func renderCmd(l *content.Lesson, style string, width int, answers bool) tea.Cmd {
	return func() tea.Msg {
		text, err := RenderLesson(l, style, width, LessonOptions{Answers: answers, FoldedHint: "press a to show"})
		return renderedMsg{slug: l.Slug, width: width, answers: answers, text: text, err: err}
	}
}

func newReader(l *content.Lesson, style string, w, h int) (reader, tea.Cmd) {
	vp := viewport.New(w, max(1, h-2))
	vp.SetContent("rendering " + l.Title + "…")
	return reader{lesson: l, vp: vp, style: style, width: w, foldable: hasAnswers(l.Body)}, renderCmd(l, style, w, false)
}

// setSize fits the reader to a w×h screen: one line of title, the lesson,
// and the app's footer.
func (r *reader) setSize(w, h int) tea.Cmd {
	r.vp.Width, r.vp.Height = w, max(1, h-2)
	if w != r.width {
		r.width = w
		r.resume = r.position()
		return renderCmd(r.lesson, r.style, w, r.answers)
	}
	r.note()
	return nil
}

// hasAnswers reports whether a lesson's Markdown has review answers that
// a folds and shows (foldAnswers rewrites the same <details> blocks).
func hasAnswers(body string) bool {
	for _, l := range strings.Split(body, "\n") {
		if detailsOpen.MatchString(l) {
			return true
		}
	}
	return false
}

// toggleAnswers shows or folds the review answers, keeping the place.
func (r *reader) toggleAnswers() tea.Cmd {
	r.answers = !r.answers
	r.resume = r.position()
	return renderCmd(r.lesson, r.style, r.width, r.answers)
}

func (r reader) received(msg renderedMsg) reader {
	if msg.slug != r.lesson.Slug || msg.width != r.width || msg.answers != r.answers {
		return r // a stale render from before a resize, a page turn or a toggle
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
	r.note()
	return r
}

// update scrolls.
func (r reader) update(msg tea.Msg) (reader, tea.Cmd) {
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(msg)
	r.note()
	return r, cmd
}

// note records how far down the lesson the screen has reached.
func (r *reader) note() {
	if r.rendered != "" && r.err == nil {
		r.furthest = max(r.furthest, r.seen())
	}
}

// seen is the fraction of the lesson above the bottom of the screen.
func (r reader) seen() float64 {
	n := r.vp.TotalLineCount()
	if n == 0 {
		return 0
	}
	return min(1, float64(r.vp.YOffset+r.vp.Height)/float64(n))
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
	answers := "a shows answers"
	if r.answers {
		answers = "a hides answers"
	}
	info := fmt.Sprintf("  lesson %d · %s · %s", r.lesson.Index+1, r.lesson.Section, pct)
	if r.task {
		info = fmt.Sprintf("  %s · esc back to the lab", pct)
	}
	if r.foldable {
		info += " · " + answers
	}
	title := truncate(r.lesson.Title, max(10, r.vp.Width-lenRunes(info)))
	head := st.Title.Render(title) + st.Muted.Render(truncate(info, max(0, r.vp.Width-lenRunes(title))))
	return head + "\n" + r.vp.View()
}

func lenRunes(s string) int { return len([]rune(s)) }
