package content

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed course.yaml all:lessons
var files embed.FS

// Course is the whole course in order.
type Course struct {
	Title    string
	Subtitle string
	Sections []Section
	// Lessons lists every lesson in course order, except lessons with
	// problems (see LoadFS).
	Lessons []*Lesson

	broken map[string][]*Problem // slug -> why the lesson was left out
}

// Section is a titled group of lessons.
type Section struct {
	Title   string
	Lessons []*Lesson
}

// Lesson is one lesson: its front matter, and its Markdown body.
type Lesson struct {
	Slug       string
	Title      string
	Summary    string
	Objectives []string
	Minutes    int
	Lab        string // paired lab's registry name, or ""
	Part       string // the lab's part, or ""
	Section    string // the section's title
	Index      int    // position in course order, from 0
	Path       string // "lessons/02-unreliable-networks.md"
	Body       string // Markdown after the front matter
	BodyLine   int    // the file line on which Body starts

	slugLine int // the file line of the slug field, for errors
}

type manifest struct {
	Title    string `yaml:"title"`
	Subtitle string `yaml:"subtitle"`
	Sections []struct {
		Title   string   `yaml:"title"`
		Lessons []string `yaml:"lessons"`
	} `yaml:"sections"`
}

type frontMatter struct {
	Title      string   `yaml:"title"`
	Slug       string   `yaml:"slug"`
	Summary    string   `yaml:"summary"`
	Objectives []string `yaml:"objectives"`
	Minutes    int      `yaml:"minutes"`
	Lab        string   `yaml:"lab"`
	Part       string   `yaml:"part"`
}

// Load reads the course embedded in the binary.
func Load() (*Course, error) { return LoadFS(files) }

// LoadDir reads a course from a directory on disk that holds course.yaml
// and lessons/, such as an author's working copy of content/. Problems name
// files by their path under dir.
func LoadDir(dir string) (*Course, error) {
	if _, err := os.Stat(filepath.Join(dir, "course.yaml")); err != nil {
		return nil, fmt.Errorf("content: %s has no course.yaml: give a directory like content/, holding course.yaml and lessons/", dir)
	}
	c, err := LoadFS(os.DirFS(dir))
	var le *LoadError
	if errors.As(err, &le) {
		for _, p := range le.Problems {
			p.File = filepath.Join(dir, filepath.FromSlash(p.File))
		}
	}
	return c, err
}

// Problem is one thing wrong with the course, located by file and line.
type Problem struct {
	File string // "lessons/09-raft-election.md" or "course.yaml"
	Line int    // from 1; 0 when the problem is with the file as a whole
	Slug string // the lesson the problem belongs to, "" when none
	Msg  string // what is wrong and what to do
}

func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// LoadError lists every problem LoadFS found, in the order found.
type LoadError struct {
	Problems []*Problem
}

func (e *LoadError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return "content: " + strings.Join(msgs, "\n")
}

// Unwrap returns the problems, for errors.As.
func (e *LoadError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

var fileName = regexp.MustCompile(`^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)

// LoadFS reads a course from fsys, which holds course.yaml and lessons/.
//
// One bad lesson does not cost the others: a lesson with a problem is left
// out of the course, and the course that comes back holds every good
// lesson even when err is not nil. err is then a *LoadError listing every
// problem; Course.Lesson returns a left-out lesson's own problems. The
// course is nil only when course.yaml or lessons/ cannot be read.
func LoadFS(fsys fs.FS) (*Course, error) {
	raw, err := fs.ReadFile(fsys, "course.yaml")
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	var m manifest
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		line, msg := yamlProblem(err, string(raw), 0)
		return nil, &LoadError{Problems: []*Problem{{File: "course.yaml", Line: line, Msg: "bad manifest: " + msg}}}
	}
	var problems []*Problem
	broken := map[string][]*Problem{} // slug -> the problems that left it out
	bad := func(p *Problem) {
		problems = append(problems, p)
		if p.Slug != "" {
			broken[p.Slug] = append(broken[p.Slug], p)
		}
	}

	entries, err := fs.ReadDir(fsys, "lessons")
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	bySlug := map[string]*Lesson{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		p := path.Join("lessons", e.Name())
		match := fileName.FindStringSubmatch(e.Name())
		if match == nil {
			bad(&Problem{File: p, Msg: "file name must be NN-slug.md (two digits, a dash, a lower-case slug)"})
			continue
		}
		slug := match[2]
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			bad(&Problem{File: p, Slug: slug, Msg: err.Error()})
			continue
		}
		l, prob := parseLesson(p, data)
		if prob != nil {
			prob.Slug = slug
			bad(prob)
			continue
		}
		if l.Slug != slug {
			bad(&Problem{File: p, Line: l.slugLine, Slug: slug, Msg: fmt.Sprintf("slug %q does not match the file name (want slug: %s)", l.Slug, slug)})
			continue
		}
		if other, dup := bySlug[l.Slug]; dup {
			bad(&Problem{File: p, Line: l.slugLine, Slug: slug, Msg: fmt.Sprintf("duplicate slug %q (also in %s)", l.Slug, other.Path)})
			continue
		}
		_, err = l.Diagrams()
		if err == nil {
			_, err = l.Charts()
		}
		if err == nil {
			_, err = l.FactBlocks()
		}
		if _, ps := findFacts(l.Body, l.Path, l.BodyLine); err == nil && len(ps) > 0 {
			err = ps[0]
		}
		if err != nil {
			var dp *Problem
			if errors.As(err, &dp) {
				dp.Slug = slug
				bad(dp)
			} else {
				bad(&Problem{File: p, Slug: slug, Msg: err.Error()})
			}
			continue
		}
		bySlug[l.Slug] = l
	}

	c := &Course{Title: m.Title, Subtitle: m.Subtitle, broken: broken}
	listed := map[string]bool{}
	for _, sec := range m.Sections {
		s := Section{Title: sec.Title}
		for _, slug := range sec.Lessons {
			if listed[slug] {
				bad(&Problem{File: "course.yaml", Msg: fmt.Sprintf("lesson %q is listed twice", slug)})
				continue
			}
			listed[slug] = true
			l, ok := bySlug[slug]
			if !ok {
				if broken[slug] == nil { // a lesson left out has said why already
					bad(&Problem{File: "course.yaml", Msg: fmt.Sprintf("lesson %q has no file lessons/NN-%s.md", slug, slug)})
				}
				continue
			}
			l.Section, l.Index = sec.Title, len(c.Lessons)
			s.Lessons = append(s.Lessons, l)
			c.Lessons = append(c.Lessons, l)
		}
		c.Sections = append(c.Sections, s)
	}
	var unlisted []string
	for slug := range bySlug {
		if !listed[slug] {
			unlisted = append(unlisted, slug)
		}
	}
	sort.Strings(unlisted)
	for _, slug := range unlisted {
		bad(&Problem{File: bySlug[slug].Path, Msg: fmt.Sprintf("lesson %q is not listed in course.yaml (add it to a section)", slug)})
	}
	if len(problems) > 0 {
		return c, &LoadError{Problems: problems}
	}
	return c, nil
}

// parseLesson splits front matter from body and checks the front matter.
func parseLesson(p string, data []byte) (*Lesson, *Problem) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return nil, &Problem{File: p, Line: 1, Msg: "missing front matter: a lesson starts with a line '---', YAML fields, and '---' (see content/AUTHORING.md)"}
	}
	end := strings.Index(text[4:], "\n---\n")
	if end < 0 {
		if strings.HasSuffix(text, "\n---") {
			end = len(text) - 8
		} else {
			return nil, &Problem{File: p, Line: 1, Msg: "front matter is not closed: add a line '---' after the YAML fields"}
		}
	}
	fmText := text[4 : 4+end+1]
	body := ""
	if 4+end+5 <= len(text) {
		body = text[4+end+5:]
	}
	bodyLine := strings.Count(text[:4+end+5-1], "\n") + 2
	var fm frontMatter
	dec := yaml.NewDecoder(strings.NewReader(fmText))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		line, msg := yamlProblem(err, fmText, 1)
		return nil, &Problem{File: p, Line: line, Msg: "bad front matter: " + msg}
	}
	line := func(field string) int {
		for i, l := range strings.Split(fmText, "\n") {
			if strings.HasPrefix(l, field+":") {
				return i + 2
			}
		}
		return 1
	}
	problem := func(field, format string, args ...any) (*Lesson, *Problem) {
		return nil, &Problem{File: p, Line: line(field), Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case strings.TrimSpace(fm.Title) == "":
		return problem("title", "front matter has no title")
	case fm.Slug == "":
		return problem("slug", "front matter has no slug")
	case strings.TrimSpace(fm.Summary) == "":
		return problem("summary", "front matter has no summary (one sentence for lists and search)")
	case fm.Minutes < 0:
		return problem("minutes", "minutes is negative")
	case fm.Part != "" && fm.Lab == "":
		return problem("part", "part %q is set but lab is not", fm.Part)
	}
	return &Lesson{
		Slug: fm.Slug, Title: fm.Title, Summary: strings.TrimSpace(fm.Summary), Objectives: fm.Objectives,
		Minutes: fm.Minutes, Lab: fm.Lab, Part: fm.Part, Path: p, Body: body, BodyLine: bodyLine,
		slugLine: line("slug"),
	}, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlProblem turns a YAML error in src into a file line (offset is the
// number of file lines before src) and a plain description.
//
// A type error (a field that does not exist, a word where a number belongs)
// carries the right line. A syntax error's line is not reliable: yaml.v3
// reports a tab in indentation on the line before it, and an unclosed
// bracket on the line before the one that opens it. So a syntax error is
// placed on the first line at which a prefix of src fails with the same
// message.
func yamlProblem(err error, src string, offset int) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	var typeErr *yaml.TypeError
	isType := errors.As(err, &typeErr)
	if isType {
		msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	}
	n := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ = strconv.Atoi(m[1])
		msg = strings.Replace(msg, m[0]+": ", "", 1)
		msg = strings.Replace(msg, m[0], "", 1)
	}
	msg = strings.TrimSpace(msg)
	if !isType {
		if at := syntaxLine(src, msg); at > 0 {
			n = at
		}
	}
	return n + offset, msg
}

// syntaxLine returns the first line of src at which the text up to and
// including that line fails to parse with the message msg, or 0.
func syntaxLine(src, msg string) int {
	lines := strings.SplitAfter(src, "\n")
	for i := range lines {
		var v any
		err := yaml.Unmarshal([]byte(strings.Join(lines[:i+1], "")), &v)
		if err == nil {
			continue
		}
		got := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(got); m != nil {
			got = strings.Replace(got, m[0]+": ", "", 1)
		}
		if strings.TrimSpace(got) == msg {
			return i + 1
		}
	}
	return 0
}

// Lesson returns the lesson with slug, or an error listing the slugs.
// A lesson that was left out because of problems returns them instead.
func (c *Course) Lesson(slug string) (*Lesson, error) {
	slug = strings.TrimSuffix(slug, ".md")
	for _, l := range c.Lessons {
		if l.Slug == slug {
			return l, nil
		}
	}
	if ps := c.broken[slug]; len(ps) > 0 {
		return nil, &LoadError{Problems: ps}
	}
	slugs := make([]string, len(c.Lessons))
	for i, l := range c.Lessons {
		slugs[i] = l.Slug
	}
	return nil, fmt.Errorf("unknown lesson %q (lessons: %s)", slug, strings.Join(slugs, ", "))
}

// Next returns the lesson after l, or nil.
func (c *Course) Next(l *Lesson) *Lesson {
	if l.Index+1 < len(c.Lessons) {
		return c.Lessons[l.Index+1]
	}
	return nil
}

// Prev returns the lesson before l, or nil.
func (c *Course) Prev(l *Lesson) *Lesson {
	if l.Index > 0 {
		return c.Lessons[l.Index-1]
	}
	return nil
}

// ForLab returns the lessons paired with a lab, in course order.
func (c *Course) ForLab(lab string) []*Lesson {
	var out []*Lesson
	for _, l := range c.Lessons {
		if l.Lab == lab {
			out = append(out, l)
		}
	}
	return out
}
