package site

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
)

//go:embed assets templates api
var files embed.FS

// Options say what to build and where.
type Options struct {
	// Out is the output directory; it is created, and files the build
	// writes are replaced (other files in it are left alone).
	Out    string
	Course *content.Course
	// Labs are the registered labs; lab pages are generated from them.
	Labs []*suite.Lab
	// Demo looks up a demo scenario by name (suite.LookupDemo).
	Demo func(name string) (suite.Demo, error)
}

// Stats describe a finished build.
type Stats struct {
	Pages    int
	Diagrams int
	Charts   int // runs charted
	Bytes    int64
}

// page is what the layout template gets.
type page struct {
	Site    siteInfo
	Title   string
	File    string // this page's file name
	Summary string
	Lesson  *content.Lesson
	Lab     *labView
	LabLink *navLink // the lesson's paired lab, when registered
	Body    template.HTML
	TOC     []heading
	Prev    *navLink
	Next    *navLink
	Sidebar []navSection
	IsHome  bool
	Cards   []cardSection // the home page's lessons
}

// cardSection is a section of lessons on the home page.
type cardSection struct {
	Title string
	Cards []card
}

// card is one lesson on the home page: what it is about, how long it takes,
// and the lab that goes with it.
type card struct {
	Title, File, Summary string
	Minutes              int
	Lab                  *navLink // nil when the lesson has no lab
}

type siteInfo struct {
	Title, Subtitle string
	Repo            string // the repository's web address, linked from every page
}

// RepositoryURL is where the course's source lives: the platform's module
// path is its GitHub repository (TestRepositoryIsTheModule compares the two,
// so that this package need not import one that knows the module path).
const RepositoryURL = "https://github.com/faultline-dev/faultline"

type navLink struct {
	Title, File string
	Current     bool
	Note        string
}

type navSection struct {
	Title string
	Links []navLink
}

type labView struct {
	Lab    *suite.Lab
	Parts  []partView
	Max    int
	Lesson *navLink
	// NodeAPI and LabAPI are the Go declarations a student programs
	// against (api/*.go.txt, copied from labs/ and kept current by a
	// test), rendered; empty when there is no copy for the lab.
	NodeAPI, LabAPI template.HTML
	Package         string // "labs/raft", where the lab's interface lives
}

type partView struct {
	suite.Part
	Tests  []suite.Test
	Points int
	Lesson *navLink
}

// searchEntry is one page in the search index; a result links to the
// section that matched best.
type searchEntry struct {
	Title    string          `json:"t"`
	URL      string          `json:"u"`
	Summary  string          `json:"s"`
	Sections []searchSection `json:"x"`
}

func lessonFile(slug string) string { return slug + ".html" }
func labFile(name string) string    { return "lab-" + name + ".html" }

// Build renders the whole site into o.Out.
func Build(o Options) (Stats, error) {
	var st Stats
	if o.Course == nil {
		return st, errors.New("site: no course")
	}
	tmpl, err := template.New("").Funcs(template.FuncMap{
		"inc": func(i int) int { return i + 1 },
	}).ParseFS(files, "templates/*.html")
	if err != nil {
		return st, fmt.Errorf("site: templates: %w", err)
	}
	d, ch := newDiagrams(o.Demo), newCharts(o.Demo)
	// The grader's figures come from the labs being built, as the
	// terminal's come from the labs the binary links.
	facts := content.LabFacts(o.Labs)
	md := newMarkdown(d, ch, &factBlocks{look: facts})
	c := o.Course
	labs := map[string]*suite.Lab{}
	for _, l := range o.Labs {
		labs[l.Name] = l
	}
	lessonPages := map[string]string{}
	for _, l := range c.Lessons {
		lessonPages[l.Slug] = lessonFile(l.Slug)
	}
	var problems []error
	failed := map[string]bool{} // pages that did not render: links to them are not checked
	for _, l := range c.Lessons {
		if l.Lab != "" && labs[l.Lab] == nil && !comingLab(l.Body) {
			problems = append(problems, fmt.Errorf("%s:1: lab %q is not registered (run `faultline labs`), and the lesson does not say the lab is coming", l.Path, l.Lab))
		}
	}
	info := siteInfo{Title: c.Title, Subtitle: c.Subtitle, Repo: RepositoryURL}
	sidebar := func(current string) []navSection {
		var out []navSection
		for _, s := range c.Sections {
			ns := navSection{Title: s.Title}
			for _, l := range s.Lessons {
				f := lessonFile(l.Slug)
				ns.Links = append(ns.Links, navLink{Title: l.Title, File: f, Current: f == current})
			}
			out = append(out, ns)
		}
		if len(o.Labs) > 0 {
			ns := navSection{Title: "Labs"}
			for _, l := range o.Labs {
				f := labFile(l.Name)
				ns.Links = append(ns.Links, navLink{Title: l.Title, File: f, Current: f == current})
			}
			out = append(out, ns)
		}
		return out
	}

	pages := map[string]*page{}
	anchors := map[string]map[string]bool{}
	var links []link
	var index []searchEntry
	var order []string

	for _, l := range c.Lessons {
		body, err := content.ExpandFacts(l.Body, l.Path, l.BodyLine, facts)
		if err != nil {
			problems = append(problems, err)
			failed[lessonFile(l.Slug)] = true
			continue
		}
		r, err := render(md, []byte(body), l.Path, l.BodyLine, lessonPages)
		if err != nil {
			problems = append(problems, err)
			failed[lessonFile(l.Slug)] = true
			continue
		}
		f := lessonFile(l.Slug)
		p := &page{Site: info, Title: l.Title, File: f, Summary: l.Summary, Lesson: l, Body: template.HTML(r.html), Sidebar: sidebar(f)}
		for _, h := range r.headings {
			if h.Level == 2 || h.Level == 3 {
				p.TOC = append(p.TOC, h)
			}
		}
		if lab := labs[l.Lab]; lab != nil {
			p.LabLink = &navLink{Title: lab.Title, File: labFile(lab.Name), Note: l.Part}
		}
		if prev := c.Prev(l); prev != nil {
			p.Prev = &navLink{Title: prev.Title, File: lessonFile(prev.Slug)}
		}
		if next := c.Next(l); next != nil {
			p.Next = &navLink{Title: next.Title, File: lessonFile(next.Slug)}
		} else if len(o.Labs) > 0 {
			p.Next = &navLink{Title: "Lab: " + o.Labs[0].Title, File: labFile(o.Labs[0].Name)}
		}
		pages[f], anchors[f] = p, r.anchors
		links = append(links, r.links...)
		order = append(order, f)
		index = append(index, searchEntry{Title: l.Title, URL: f, Summary: l.Summary, Sections: r.sections})
	}

	nodeAPI, err := renderAPI(md, "node")
	if err != nil {
		problems = append(problems, err)
	}
	for i, lab := range o.Labs {
		f := labFile(lab.Name)
		lv := &labView{Lab: lab, Max: lab.MaxScore(), NodeAPI: nodeAPI, Package: "labs/" + lab.Name}
		if lv.LabAPI, err = renderAPI(md, lab.Name); err != nil {
			problems = append(problems, err)
		}
		if les, err := c.Lesson(lab.Lesson); err == nil {
			lv.Lesson = &navLink{Title: les.Title, File: lessonFile(les.Slug)}
		}
		for _, part := range lab.Parts {
			pv := partView{Part: part}
			if les, err := c.Lesson(part.Lesson); err == nil {
				pv.Lesson = &navLink{Title: les.Title, File: lessonFile(les.Slug)}
			}
			for _, t := range lab.Tests {
				if t.Part == part.ID {
					pv.Tests = append(pv.Tests, t)
					pv.Points += t.Points
				}
			}
			lv.Parts = append(lv.Parts, pv)
		}
		if len(lab.Parts) == 0 {
			lv.Parts = []partView{{Part: suite.Part{Title: "Tests"}, Tests: lab.Tests, Points: lv.Max}}
		}
		p := &page{Site: info, Title: lab.Title, File: f, Summary: lab.Summary, Lab: lv, Sidebar: sidebar(f)}
		if i > 0 {
			p.Prev = &navLink{Title: "Lab: " + o.Labs[i-1].Title, File: labFile(o.Labs[i-1].Name)}
		} else if n := len(c.Lessons); n > 0 {
			p.Prev = &navLink{Title: c.Lessons[n-1].Title, File: lessonFile(c.Lessons[n-1].Slug)}
		}
		if i+1 < len(o.Labs) {
			p.Next = &navLink{Title: "Lab: " + o.Labs[i+1].Title, File: labFile(o.Labs[i+1].Name)}
		}
		src := fmt.Sprintf("lab %s (Task)", lab.Name)
		task, first := dropTitle(lab.Task)
		task, err = content.ExpandFacts(task, src, first, facts)
		var r *rendered
		if err == nil {
			r, err = render(md, []byte(task), src, first, lessonPages)
		}
		if err != nil {
			problems = append(problems, err)
		} else {
			p.Body = template.HTML(r.html)
			links = append(links, r.links...)
			anchors[f] = r.anchors
			for _, h := range r.headings {
				if h.Level == 2 || h.Level == 3 {
					p.TOC = append(p.TOC, h)
				}
			}
		}
		// The lab's own sections (the template's) follow the task's.
		p.TOC = append(p.TOC, heading{Level: 2, Text: "Grade your code", ID: "grade-your-code"}, heading{Level: 2, Text: "Your API", ID: "your-api"})
		for _, pv := range lv.Parts {
			text := pv.Title
			if pv.ID != "" {
				text = "Part " + pv.ID + ": " + pv.Title
			}
			p.TOC = append(p.TOC, heading{Level: 2, Text: text, ID: "part-" + pv.ID})
		}
		pages[f] = p
		order = append(order, f)
		index = append(index, searchEntry{Title: "Lab: " + lab.Title, URL: f, Summary: lab.Summary, Sections: labSections(lab, r)})
	}

	home := &page{Site: info, Title: c.Title, File: "index.html", IsHome: true, Sidebar: sidebar("index.html")}
	for _, s := range c.Sections {
		cs := cardSection{Title: s.Title}
		for _, l := range s.Lessons {
			cd := card{Title: l.Title, File: lessonFile(l.Slug), Summary: l.Summary, Minutes: l.Minutes}
			if lab := labs[l.Lab]; lab != nil {
				cd.Lab = &navLink{Title: lab.Title, File: labFile(lab.Name), Note: l.Part}
			} else if l.Lab != "" {
				cd.Lab = &navLink{Title: l.Lab + " (coming)", Note: l.Part}
			}
			cs.Cards = append(cs.Cards, cd)
		}
		home.Cards = append(home.Cards, cs)
	}
	if len(c.Lessons) > 0 {
		home.Next = &navLink{Title: c.Lessons[0].Title, File: lessonFile(c.Lessons[0].Slug)}
	}
	pages["index.html"], anchors["index.html"] = home, map[string]bool{}
	order = append(order, "index.html")

	// Every internal link must land on a page and, if it names one, an anchor.
	for _, l := range links {
		target := l.page
		if target == "" || failed[target] {
			continue // same-page links are checked below; failed pages are already reported
		}
		as, ok := anchors[target]
		if !ok {
			problems = append(problems, fmt.Errorf("%s:%d: link %q points to %s, which the site does not have", l.file, l.line, l.dest, target))
			continue
		}
		if l.frag != "" && !as[l.frag] {
			problems = append(problems, fmt.Errorf("%s:%d: link %q: %s has no heading with anchor #%s (anchors: %s)", l.file, l.line, l.dest, target, l.frag, anchorList(as)))
		}
	}
	for f, p := range pages {
		if p.Lesson == nil {
			continue
		}
		for _, l := range links {
			if l.page == "" && l.file == p.Lesson.Path && l.frag != "" && !anchors[f][l.frag] {
				problems = append(problems, fmt.Errorf("%s:%d: link %q: this lesson has no heading with anchor #%s", l.file, l.line, l.dest, l.frag))
			}
		}
	}
	if len(problems) > 0 {
		return st, fmt.Errorf("site: %w", errors.Join(problems...))
	}

	if err := os.MkdirAll(filepath.Join(o.Out, "assets"), 0o755); err != nil {
		return st, fmt.Errorf("site: %w", err)
	}
	write := func(name string, data []byte) error {
		st.Bytes += int64(len(data))
		if err := os.WriteFile(filepath.Join(o.Out, name), data, 0o644); err != nil {
			return fmt.Errorf("site: %w", err)
		}
		return nil
	}
	sort.Strings(order)
	for _, f := range order {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "layout.html", pages[f]); err != nil {
			return st, fmt.Errorf("site: render %s: %w", f, err)
		}
		if err := write(f, buf.Bytes()); err != nil {
			return st, err
		}
		st.Pages++
	}
	idx, err := json.Marshal(index)
	if err != nil {
		return st, fmt.Errorf("site: search index: %w", err)
	}
	// A script, not a JSON file, so that search works from file:// too.
	// Pages do not load it: site.js adds it on the first use of search, so
	// that reading a lesson does not fetch the text of the whole course.
	if err := write("assets/search-index.js", append(append([]byte("window.FAULTLINE_INDEX="), idx...), ';', '\n')); err != nil {
		return st, err
	}
	if err := write("assets/highlight.css", highlightCSS()); err != nil {
		return st, err
	}
	err = fs.WalkDir(files, "assets", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		return write(p, data)
	})
	if err != nil {
		return st, err
	}
	st.Diagrams = len(d.cache)
	st.Charts = len(ch.cache)
	return st, nil
}

// comingLab reports whether a lesson says its lab is still to come.
func comingLab(body string) bool {
	b := strings.ToLower(body)
	return strings.Contains(b, "coming")
}

func anchorList(as map[string]bool) string {
	var names []string
	for a := range as {
		names = append(names, "#"+a)
	}
	sort.Strings(names)
	if len(names) > 12 {
		names = append(names[:12], "...")
	}
	return strings.Join(names, " ")
}

// labSections is a lab page's search text: its task (r, nil when it did not
// render) and a section per part listing the tests.
func labSections(l *suite.Lab, r *rendered) []searchSection {
	var out []searchSection
	if r != nil {
		out = append(out, r.sections...)
	}
	parts := l.Parts
	if len(parts) == 0 {
		parts = []suite.Part{{}}
	}
	for _, p := range parts {
		s := searchSection{ID: "part-" + p.ID, Title: "Part " + p.ID + ": " + p.Title}
		if p.ID == "" {
			s = searchSection{ID: "part-", Title: "Tests"}
		}
		var b strings.Builder
		for _, t := range l.Tests {
			if t.Part == p.ID {
				b.WriteString(t.Name + " " + t.Description + " ")
			}
		}
		s.Body = strings.TrimSpace(b.String())
		out = append(out, s)
	}
	return out
}

// dropTitle removes a leading "# Title" line from a lab's task: the page
// prints the lab's title as its one H1. It returns the Markdown and the
// line of the task on which it now starts.
func dropTitle(task string) (string, int) {
	line := 1
	rest := task
	for strings.HasPrefix(rest, "\n") {
		rest, line = rest[1:], line+1
	}
	if !strings.HasPrefix(rest, "# ") {
		return task, 1
	}
	i := strings.IndexByte(rest, '\n')
	if i < 0 {
		return "", line + 1
	}
	return rest[i+1:], line + 1
}

// highlightCSS returns chroma's classes for the light theme, and for the
// dark theme scoped under [data-theme="dark"].
func highlightCSS() []byte {
	f := html.New(html.WithClasses(true))
	var light, dark bytes.Buffer
	_ = f.WriteCSS(&light, styles.Get("github"))
	_ = f.WriteCSS(&dark, styles.Get("github-dark"))
	scope := func(css, theme string) string {
		css = strings.ReplaceAll(css, ".chroma", `[data-theme="`+theme+`"] .chroma`)
		return strings.ReplaceAll(css, ".bg {", `[data-theme="`+theme+`"] .bg {`)
	}
	// Each theme's rules apply only under it, so no token keeps the other's colour.
	return []byte(scope(light.String(), "light") + "\n" + scope(dark.String(), "dark"))
}
