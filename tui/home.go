package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/internal/progress"
)

// entry is one line of the course map: a section heading, a lesson, a lab
// or the demos.
type entry struct {
	heading string
	lesson  *content.Lesson
	lab     *suite.Lab
	demos   bool
	label   string
	note    string
}

func (e entry) selectable() bool { return e.heading == "" }

// home is the course map.
type home struct {
	entries []entry
	shown   []int // entries shown under the search
	cursor  int   // index into shown
	top     int
	search  textinput.Model
	typing  bool
	loadErr error
	w, h    int
	prog    *progress.Store // what the student has read and graded
	progErr string          // why the progress file could not be read
}

func newHome(c *content.Course, loadErr error, labs []*suite.Lab, prog *progress.Store) home {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "search lessons and labs"
	hm := home{search: ti, loadErr: loadErr, prog: prog}
	registered := map[string]bool{}
	for _, l := range labs {
		registered[l.Name] = true
	}
	if c != nil {
		for _, s := range c.Sections {
			hm.entries = append(hm.entries, entry{heading: s.Title})
			for _, l := range s.Lessons {
				note := fmt.Sprintf("%d min", l.Minutes)
				if l.Lab != "" {
					note += " · lab " + l.Lab
					if l.Part != "" {
						note += " part " + l.Part
					}
					if !registered[l.Lab] {
						note += " (coming)"
					}
				}
				hm.entries = append(hm.entries, entry{lesson: l, label: fmt.Sprintf("%2d. %s", l.Index+1, l.Title), note: note})
			}
		}
	}
	hm.entries = append(hm.entries, entry{heading: "Labs"})
	for _, l := range labs {
		hm.entries = append(hm.entries, entry{lab: l, label: l.Title, note: fmt.Sprintf("%s · %s · %d points", l.Name, plural(len(l.Parts), "part"), l.MaxScore())})
	}
	hm.entries = append(hm.entries, entry{heading: "Watch a run"}, entry{demos: true, label: "Demo scenarios", note: "step through real simulated runs"})
	hm.filter()
	return hm
}

func (hm *home) filter() {
	q := strings.ToLower(strings.TrimSpace(hm.search.Value()))
	hm.shown = hm.shown[:0]
	for i, e := range hm.entries {
		if q == "" || (e.selectable() && strings.Contains(strings.ToLower(e.label+" "+e.note), q)) {
			hm.shown = append(hm.shown, i)
		}
	}
	hm.cursor = 0
	hm.skip(1)
}

// skip moves the cursor off headings in direction dir.
func (hm *home) skip(dir int) {
	for hm.cursor >= 0 && hm.cursor < len(hm.shown) && !hm.entries[hm.shown[hm.cursor]].selectable() {
		hm.cursor += dir
	}
	if hm.cursor < 0 || hm.cursor >= len(hm.shown) {
		hm.cursor = max(0, min(hm.cursor, len(hm.shown)-1))
		if dir > 0 {
			hm.skip(-1)
		}
	}
}

func (hm home) selected() (entry, bool) {
	if len(hm.shown) == 0 {
		return entry{}, false
	}
	e := hm.entries[hm.shown[hm.cursor]]
	return e, e.selectable()
}

func (hm home) update(msg tea.KeyMsg, k KeyMap) (home, tea.Cmd, bool) {
	if hm.typing {
		switch msg.Type {
		case tea.KeyEnter:
			hm.typing = false
			hm.search.Blur()
			return hm, nil, true
		case tea.KeyEsc:
			hm.typing = false
			hm.search.Blur()
			hm.search.SetValue("")
			hm.filter()
			return hm, nil, true
		}
		var cmd tea.Cmd
		hm.search, cmd = hm.search.Update(msg)
		hm.filter()
		return hm, cmd, true
	}
	switch {
	case key.Matches(msg, k.Search):
		// A new / is a new search: typing after the last one's words made
		// "beta" then "/alpha" search for "betaalpha", which matched nothing.
		hm.typing = true
		hm.search.SetValue("")
		hm.filter()
		return hm, hm.search.Focus(), true
	case key.Matches(msg, k.Down):
		hm.cursor++
		hm.skip(1)
	case key.Matches(msg, k.Up):
		hm.cursor--
		hm.skip(-1)
	default:
		return hm, nil, false
	}
	return hm, nil, true
}

func (hm home) view(st Styles) string {
	var b strings.Builder
	b.WriteString(st.Title.Render("faultline") + st.Muted.Render("  distributed systems you can replay") + "\n")
	if hm.progErr != "" {
		for _, l := range WrapWords(hm.progErr, max(20, hm.w-2)) {
			b.WriteString(st.Error.Render(l) + "\n")
		}
	}
	if hm.loadErr != nil {
		b.WriteString(st.Error.Render("The lessons could not be loaded:\n"+hm.loadErr.Error()) + "\n")
	}
	if hm.typing || hm.search.Value() != "" {
		b.WriteString(hm.search.View() + "\n")
	}
	var lines []string
	cursorLine := 0
	for i, idx := range hm.shown {
		e := hm.entries[idx]
		switch {
		case e.heading != "":
			lines = append(lines, "", st.Section.UnsetMarginTop().Render(e.heading))
		case i == hm.cursor:
			cursorLine = len(lines)
			lines = append(lines, st.Selected.Render(e.label)+"  "+st.Muted.Render(e.note+hm.progressOf(e)))
		default:
			lines = append(lines, st.Item.Render(e.label)+"  "+st.Muted.Render(e.note+hm.progressOf(e)))
		}
	}
	if len(hm.shown) == 0 {
		lines = append(lines, st.Muted.Render("  nothing matches; esc clears the search"))
	}
	room := max(3, hm.h-strings.Count(b.String(), "\n")-1)
	b.WriteString(strings.Join(scrollWindow(lines, cursorLine, room, st), "\n"))
	return b.String()
}

// scrollWindow returns at most room of lines, keeping line cursor in view.
// When lines are cut, the first or last line shown says how many more
// there are above or below, so a section below the fold (the labs, on a
// short terminal) is not silently missing.
func scrollWindow(lines []string, cursor, room int, st Styles) []string {
	if len(lines) <= room || room < 3 {
		return lines[:min(len(lines), room)]
	}
	for top := 0; ; top++ {
		end := top + room
		if top > 0 {
			end-- // the "more above" line
		}
		if end < len(lines) {
			end-- // the "more below" line
		}
		if cursor >= end && end < len(lines) {
			continue
		}
		var out []string
		if top > 0 {
			out = append(out, st.Muted.Render(fmt.Sprintf("  ↑ %d more above", top)))
		}
		out = append(out, lines[top:min(end, len(lines))]...)
		if end < len(lines) {
			out = append(out, st.Muted.Render(fmt.Sprintf("  ↓ %d more below", len(lines)-end)))
		}
		return out
	}
}

// progressOf is what the student has done with an entry: how far a lesson
// was read, and the score of a lab's last graded implementation.
func (hm home) progressOf(e entry) string {
	switch {
	case e.lesson != nil:
		p := hm.prog.Lessons[e.lesson.Slug]
		switch {
		case p == nil || p.Read <= 0:
		case p.Read >= 0.98:
			return " · read ✓"
		default:
			return fmt.Sprintf(" · %.0f%% read", p.Read*100)
		}
	case e.lab != nil:
		l := hm.prog.Labs[e.lab.Name]
		if l == nil {
			return ""
		}
		got, _, ran := labScore(e.lab, hm.prog.Tests(e.lab.Name, l.LastImpl))
		if ran > 0 {
			return fmt.Sprintf(" · last graded %d/%d (%s)", got, e.lab.MaxScore(), l.LastImpl)
		}
	}
	return ""
}

// labScore sums the points of the lab's tests that passed in results, and
// counts the tests the results cover.
func labScore(lab *suite.Lab, results map[string]progress.Test) (got, of, ran int) {
	for _, t := range lab.Tests {
		of += t.Points
		if r, ok := results[t.Name]; ok {
			ran++
			if r.Passed {
				got += t.Points
			}
		}
	}
	return got, of, ran
}

// resume puts the cursor on the lesson the student read last.
func (hm *home) resume(slug string) {
	for i, idx := range hm.shown {
		if l := hm.entries[idx].lesson; l != nil && l.Slug == slug {
			hm.cursor = i
			return
		}
	}
}

// plural returns "1 part", "4 parts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
