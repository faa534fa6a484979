package content

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
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
	// Lessons lists every lesson in course order.
	Lessons []*Lesson
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

var fileName = regexp.MustCompile(`^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)

// LoadFS reads a course from fsys, which holds course.yaml and lessons/.
func LoadFS(fsys fs.FS) (*Course, error) {
	raw, err := fs.ReadFile(fsys, "course.yaml")
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	var m manifest
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("content: course.yaml: %s", yamlProblem(err, 0))
	}
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }

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
			bad("%s: file name must be NN-slug.md (two digits, a dash, a lower-case slug)", p)
			continue
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			bad("%s: %v", p, err)
			continue
		}
		l, err := parseLesson(p, data)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if l.Slug != match[2] {
			bad("%s:2: slug %q does not match the file name (want slug: %s)", p, l.Slug, match[2])
			continue
		}
		if other, dup := bySlug[l.Slug]; dup {
			bad("%s:2: duplicate slug %q (also in %s)", p, l.Slug, other.Path)
			continue
		}
		if _, err := l.Diagrams(); err != nil {
			problems = append(problems, err)
		}
		bySlug[l.Slug] = l
	}

	c := &Course{Title: m.Title, Subtitle: m.Subtitle}
	listed := map[string]bool{}
	for _, sec := range m.Sections {
		s := Section{Title: sec.Title}
		for _, slug := range sec.Lessons {
			if listed[slug] {
				bad("course.yaml: lesson %q is listed twice", slug)
				continue
			}
			listed[slug] = true
			l, ok := bySlug[slug]
			if !ok {
				bad("course.yaml: lesson %q has no file lessons/NN-%s.md", slug, slug)
				continue
			}
			l.Section, l.Index = sec.Title, len(c.Lessons)
			s.Lessons = append(s.Lessons, l)
			c.Lessons = append(c.Lessons, l)
		}
		c.Sections = append(c.Sections, s)
	}
	for slug, l := range bySlug {
		if !listed[slug] {
			bad("%s: lesson %q is not listed in course.yaml (add it to a section)", l.Path, slug)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("content: %w", errors.Join(problems...))
	}
	return c, nil
}

// parseLesson splits front matter from body and checks the front matter.
func parseLesson(p string, data []byte) (*Lesson, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return nil, fmt.Errorf("%s:1: missing front matter: a lesson starts with a line '---', YAML fields, and '---' (see content/AUTHORING.md)", p)
	}
	end := strings.Index(text[4:], "\n---\n")
	if end < 0 {
		if strings.HasSuffix(text, "\n---") {
			end = len(text) - 8
		} else {
			return nil, fmt.Errorf("%s:1: front matter is not closed: add a line '---' after the YAML fields", p)
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
		return nil, fmt.Errorf("%s:%s", p, yamlProblem(err, 1))
	}
	line := func(field string) int {
		for i, l := range strings.Split(fmText, "\n") {
			if strings.HasPrefix(l, field+":") {
				return i + 2
			}
		}
		return 1
	}
	switch {
	case strings.TrimSpace(fm.Title) == "":
		return nil, fmt.Errorf("%s:%d: front matter has no title", p, line("title"))
	case fm.Slug == "":
		return nil, fmt.Errorf("%s:%d: front matter has no slug", p, line("slug"))
	case strings.TrimSpace(fm.Summary) == "":
		return nil, fmt.Errorf("%s:%d: front matter has no summary (one sentence for lists and search)", p, line("summary"))
	case fm.Minutes < 0:
		return nil, fmt.Errorf("%s:%d: minutes is negative", p, line("minutes"))
	case fm.Part != "" && fm.Lab == "":
		return nil, fmt.Errorf("%s:%d: part %q is set but lab is not", p, line("part"), fm.Part)
	}
	return &Lesson{
		Slug: fm.Slug, Title: fm.Title, Summary: strings.TrimSpace(fm.Summary), Objectives: fm.Objectives,
		Minutes: fm.Minutes, Lab: fm.Lab, Part: fm.Part, Path: p, Body: body, BodyLine: bodyLine,
	}, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlProblem rewrites a YAML error to start with the file line (offset is
// the number of lines before the YAML text) and a plain description.
func yamlProblem(err error, offset int) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		msg = strings.Replace(msg, m[0]+": ", "", 1)
		msg = strings.Replace(msg, m[0], "", 1)
		return fmt.Sprintf("%d: bad front matter: %s", n+offset, strings.TrimSpace(msg))
	}
	return fmt.Sprintf("%d: bad front matter: %s", 1+offset, msg)
}

// Lesson returns the lesson with slug, or an error listing the slugs.
func (c *Course) Lesson(slug string) (*Lesson, error) {
	slug = strings.TrimSuffix(slug, ".md")
	for _, l := range c.Lessons {
		if l.Slug == slug {
			return l, nil
		}
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
