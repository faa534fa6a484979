package tui

import (
	"regexp"
	"strings"

	"github.com/faultline-dev/faultline/content"
)

// LessonOptions say how a lesson becomes Markdown for a terminal.
type LessonOptions struct {
	// Answers shows review answers; otherwise each is folded to one line
	// that says FoldedHint.
	Answers bool
	// FoldedHint is what a folded answer says, after its label: "press a
	// to show" in the TUI, the flag to pass for `faultline read`.
	FoldedHint string
	// Unwrap joins the lines of each paragraph into one, so that glamour's
	// word wrap is the only one. Without it, glamour keeps the source's line
	// breaks inside list items and then wraps again, leaving lone words on
	// lines of their own.
	Unwrap bool
}

var (
	detailsOpen  = regexp.MustCompile(`(?i)^\s*<details>\s*(<summary>(.*?)</summary>)?\s*$`)
	detailsClose = regexp.MustCompile(`(?i)^\s*</details>\s*$`)
	// link is an inline link (not an image): its text is group 1.
	link = regexp.MustCompile(`(^|[^!])\[([^\]]+)\]\(([^()\s]+)(\s+"[^"]*")?\)`)
)

// LessonMarkdown returns lesson l as Markdown for a terminal: its title,
// summary and objectives first, the grader's figures filled in
// (content.ExpandLessonFacts), review answers folded or shown, diagrams
// as the demo command that shows them (content.TerminalMarkdown), and links
// as their text, since a path to another lesson's file means nothing in a
// terminal.
func LessonMarkdown(l *content.Lesson, o LessonOptions) string {
	var b strings.Builder
	b.WriteString("# " + l.Title + "\n\n*" + l.Summary + "*\n\n")
	if len(l.Objectives) > 0 {
		b.WriteString("**After this lesson you can:**\n\n")
		for _, obj := range l.Objectives {
			b.WriteString("- " + strings.TrimSpace(obj) + "\n")
		}
		b.WriteString("\n---\n\n")
	}
	// Figures quoted from the grader ({{fact raft election-bound}}) are
	// filled in first, from the labs this binary links, as on the site.
	expanded, ferr := content.ExpandLessonFacts(l, content.RegisteredFacts)
	if ferr != nil {
		b.WriteString("> **Some figures on this page could not be filled in from the grader:** " + strings.ReplaceAll(ferr.Error(), "\n", "; ") + "\n\n")
	}
	body := content.TerminalMarkdown(foldAnswers(expanded, o))
	body = linksAsText(body)
	if o.Unwrap {
		body = unwrap(body)
	}
	b.WriteString(body)
	return b.String()
}

// foldAnswers rewrites each <details> block. For glamour (o.Unwrap),
// inside a list item (an indented block), glamour runs the item's
// paragraphs together ("…distribute it.Answer:2,000 GB"), so there the
// label and the answer hang off the question with hard line breaks, in
// the question's own paragraph.
func foldAnswers(body string, o LessonOptions) string {
	lines := strings.Split(body, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		m := detailsOpen.FindStringSubmatch(lines[i])
		if m == nil {
			out = append(out, lines[i])
			continue
		}
		end := i + 1
		for end < len(lines) && !detailsClose.MatchString(lines[end]) {
			end++
		}
		label := "Answer"
		if s := strings.TrimSpace(m[2]); s != "" {
			label = s
		}
		indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
		var paras []string // the answer's paragraphs, each on one line
		var para []string
		flush := func() {
			if len(para) > 0 {
				paras = append(paras, strings.Join(para, " "))
				para = nil
			}
		}
		for _, l := range lines[i+1 : min(end, len(lines))] {
			if strings.TrimSpace(l) == "" {
				flush()
				continue
			}
			para = append(para, strings.TrimSpace(l))
		}
		flush()
		i = end

		head := "▸ " + label
		if o.FoldedHint != "" {
			head += " (" + o.FoldedHint + ")"
		}
		if o.Answers {
			head = "▾ **" + label + "**"
		}
		if indent == "" || !o.Unwrap {
			// Plain Markdown (piped), or a top-level block: paragraphs of
			// their own, indented to stay in their list item.
			out = append(out, "", indent+head, "")
			if o.Answers {
				for _, p := range paras {
					out = append(out, indent+p, "")
				}
			}
			continue
		}
		// Drop the blank lines after the question, and end it with a hard
		// break (a trailing backslash).
		for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
			out = out[:len(out)-1]
		}
		if len(out) == 0 {
			out = append(out, indent+head)
			continue
		}
		out[len(out)-1] += "\\"
		block := []string{indent + "\\", indent + head}
		if o.Answers {
			for k, p := range paras {
				block[len(block)-1] += "\\"
				if k > 0 {
					block = append(block, indent+"\\") // an empty line between paragraphs
				}
				block = append(block, indent+p)
			}
		}
		// A last hard break and a no-break space leave an empty line before
		// the next item, which glamour would otherwise butt against.
		block[len(block)-1] += "\\"
		block = append(block, indent+"\u00a0")
		out = append(out, block...)
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// linksAsText replaces inline links with their text, outside code. A
// link's text may run over a line break, so runs of lines between fences
// are rewritten whole.
func linksAsText(body string) string {
	lines := strings.Split(body, "\n")
	var out, run []string
	flush := func() {
		if len(run) > 0 {
			text := replaceOutsideCode(strings.Join(run, "\n"), func(s string) string { return link.ReplaceAllString(s, "$1$2") })
			out = append(out, text)
			run = nil
		}
	}
	fence := ""
	for _, l := range lines {
		if f := fenceOf(l); f != "" || fence != "" {
			flush()
			switch {
			case fence == "":
				fence = f
			case f != "" && strings.HasPrefix(strings.TrimSpace(l), fence):
				fence = ""
			}
			out = append(out, l)
			continue
		}
		run = append(run, l)
	}
	flush()
	return strings.Join(out, "\n")
}

// replaceOutsideCode applies f to the parts of line outside `code spans`.
func replaceOutsideCode(line string, f func(string) string) string {
	parts := strings.Split(line, "`")
	for i := 0; i < len(parts); i += 2 {
		parts[i] = f(parts[i])
	}
	return strings.Join(parts, "`")
}

// fenceOf returns the fence a line opens or closes (``` or ~~~), or "".
func fenceOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return ""
	}
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			return f
		}
	}
	return ""
}

// unwrap joins the lines of each paragraph (and list item) into one line.
// A line continues the one before unless either is blank, code, a table
// row, HTML, or ends in a hard break, or the line starts a block of its own
// (a heading, quote, list item, rule or fence). Indented code cannot
// interrupt a paragraph (CommonMark §4.4), so an indented line after text is
// a continuation.
func unwrap(body string) string {
	lines := strings.Split(body, "\n")
	var out []string
	fence := ""
	joinable := false  // the last line in out is paragraph text
	itemIndent := 0    // where the content of the list item we are in starts
	quoteOpen := false // the last line in out is a quote's text
	for _, l := range lines {
		if f := fenceOf(l); f != "" || fence != "" {
			switch {
			case fence == "":
				fence = f
			case f != "" && strings.HasPrefix(strings.TrimSpace(l), fence):
				fence = ""
			}
			out = append(out, l)
			joinable, quoteOpen = false, false
			continue
		}
		t := strings.TrimSpace(l)
		if t == "" {
			out = append(out, l)
			joinable, quoteOpen = false, false
			continue
		}
		if joinable && !startsBlock(t) {
			out[len(out)-1] = strings.TrimRight(out[len(out)-1], " ") + " " + t
			joinable = !hardBreak(l)
			continue
		}
		// A quote's lines join the same way, inside the quote.
		if q := strings.TrimSpace(strings.TrimPrefix(t, ">")); strings.HasPrefix(t, ">") && quoteOpen && q != "" && !startsBlock(q) {
			out[len(out)-1] = strings.TrimRight(out[len(out)-1], " ") + " " + q
			quoteOpen = !hardBreak(l)
			continue
		}
		quoteOpen = strings.HasPrefix(t, ">") && strings.TrimSpace(strings.TrimPrefix(t, ">")) != "" && !hardBreak(l)
		out = append(out, l)
		indent := len(l) - len(strings.TrimLeft(l, " "))
		if m := listItem.FindString(t); m != "" {
			itemIndent = indent + len(m)
		} else if indent == 0 {
			itemIndent = 0
		}
		code := indent >= itemIndent+4
		joinable = !code && !hardBreak(l) && !strings.HasPrefix(t, "|") && !strings.HasPrefix(t, "<") &&
			!strings.HasPrefix(t, "#") && !isRule(t)
	}
	return strings.Join(out, "\n")
}

// hardBreak reports whether line l ends in a hard line break.
func hardBreak(l string) bool { return strings.HasSuffix(l, "\\") || strings.HasSuffix(l, "  ") }

var listItem = regexp.MustCompile(`^([-*+]|\d{1,9}[.)])(\s|$)`)

// startsBlock reports whether trimmed line t begins a block that can
// interrupt a paragraph.
func startsBlock(t string) bool {
	switch {
	case strings.HasPrefix(t, "#"), strings.HasPrefix(t, ">"), strings.HasPrefix(t, "|"),
		strings.HasPrefix(t, "<"), fenceOf(t) != "", isRule(t), listItem.MatchString(t):
		return true
	case strings.Trim(t, "=") == "": // a setext heading's underline
		return true
	}
	return false
}

// isRule reports whether t is a thematic break: ---, ***, ___ (spaces allowed).
func isRule(t string) bool {
	s := strings.ReplaceAll(t, " ", "")
	if len(s) < 3 {
		return false
	}
	return strings.Trim(s, "-") == "" || strings.Trim(s, "*") == "" || strings.Trim(s, "_") == ""
}
