package content

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const manifestYAML = `title: t
sections:
  - title: One
    lessons: [alpha, beta]
`

func lesson(slug, extra, body string) string {
	return "---\ntitle: " + strings.ToUpper(slug) + "\nslug: " + slug + "\nsummary: About " + slug + ".\n" + extra + "---\n" + body
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"course.yaml":            {Data: []byte(manifestYAML)},
		"lessons/01-alpha.md":    {Data: []byte(lesson("alpha", "lab: pingpong\nminutes: 20\n", "Intro.\n\n## Part\n"))},
		"lessons/02-beta.md":     {Data: []byte(lesson("beta", "", "```faultline-diagram\nscenario: raft-election\nseed: 3\ncaption: An election.\n```\n\n```faultline-diagram\nscenario: raft-election\nseed: 3\ncaption: Later.\nfrom: 150ms\nto: 1.5s\n```\n"))},
		"lessons/notes.txt":      {Data: []byte("ignored")},
		"lessons/03-draft.md.sw": {Data: []byte("ignored")},
	}
	c, err := LoadFS(fsys)
	require.NoError(t, err)
	require.Len(t, c.Lessons, 2)
	a, err := c.Lesson("alpha")
	require.NoError(t, err)
	assert.Equal(t, "ALPHA", a.Title)
	assert.Equal(t, "pingpong", a.Lab)
	assert.Equal(t, 20, a.Minutes)
	assert.Equal(t, "One", a.Section)
	assert.Equal(t, 8, a.BodyLine)
	assert.Equal(t, "beta", c.Next(a).Slug)
	assert.Nil(t, c.Prev(a))
	b := c.Next(a)
	ds, err := b.Diagrams()
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, Diagram{Scenario: "raft-election", Seed: 3, Caption: "An election.", MaxEvents: DefaultMaxEvents, Line: 6}, ds[0])
	assert.Equal(t, Diagram{Scenario: "raft-election", Seed: 3, Caption: "Later.", MaxEvents: DefaultMaxEvents,
		From: 150 * time.Millisecond, To: 1500 * time.Millisecond, Line: 12}, ds[1])
	_, err = c.Lesson("gamma")
	assert.ErrorContains(t, err, `unknown lesson "gamma" (lessons: alpha, beta)`)
}

func TestLoadFSErrors(t *testing.T) {
	good := lesson("beta", "", "Body.\n")
	for _, tc := range []struct {
		name  string
		alpha string
		want  string
	}{
		{"no front matter", "# Alpha\n", "lessons/01-alpha.md:1: missing front matter"},
		{"unclosed", "---\ntitle: x\n", "lessons/01-alpha.md:1: front matter is not closed"},
		{"bad yaml", "---\ntitle: x\nslug: [alpha\n---\n", "lessons/01-alpha.md:"},
		{"unknown field", "---\ntitle: x\nslug: alpha\nsummary: s\ncolour: red\n---\n", "lessons/01-alpha.md:5: bad front matter: field colour not found"},
		{"wrong type", "---\ntitle: x\nslug: alpha\nsummary: s\nminutes: soon\n---\n", "lessons/01-alpha.md:5: bad front matter"},
		{"no summary", "---\ntitle: x\nslug: alpha\n---\n", "lessons/01-alpha.md:1: front matter has no summary"},
		{"slug mismatch", lesson("alfa", "", ""), `lessons/01-alpha.md:2: slug "alfa" does not match the file name`},
		{"part without lab", lesson("alpha", "part: A\n", ""), `lessons/01-alpha.md:5: part "A" is set but lab is not`},
		{"diagram without seed", lesson("alpha", "", "text\n```faultline-diagram\nscenario: x\ncaption: c\n```\n"), "lessons/01-alpha.md:7: diagram block has no seed"},
		{"diagram window backwards", lesson("alpha", "", "```faultline-diagram\nscenario: x\nseed: 1\ncaption: c\nfrom: 400ms\nto: 150ms\n```\n"), "lessons/01-alpha.md:6: diagram block's to (150ms) must be after its from (400ms)"},
		{"diagram window not a duration", lesson("alpha", "", "```faultline-diagram\nscenario: x\nseed: 1\ncaption: c\nfrom: soon\n```\n"), "lessons/01-alpha.md:6: bad diagram block"},
		{"diagram around unknown", lesson("alpha", "", "```faultline-diagram\nscenario: x\nseed: 1\ncaption: c\naround: first-vote\n```\n"), `lessons/01-alpha.md:6: diagram block's around is "first-vote"; want one of first-drop, first-crash`},
		{"diagram two windows", lesson("alpha", "", "```faultline-diagram\nscenario: x\nseed: 1\ncaption: c\naround: first-drop\nfrom: 1s\n```\n"), "lessons/01-alpha.md:6: diagram block has both around and from/to"},
		{"diagram unknown key", lesson("alpha", "", "```faultline-diagram\nscenario: x\nseed: 1\ncaption: c\ncolour: red\n```\n"), "lessons/01-alpha.md:6: bad diagram block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadFS(fstest.MapFS{
				"course.yaml":         {Data: []byte(manifestYAML)},
				"lessons/01-alpha.md": {Data: []byte(tc.alpha)},
				"lessons/02-beta.md":  {Data: []byte(good)},
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestManifestProblems(t *testing.T) {
	_, err := LoadFS(fstest.MapFS{
		"course.yaml":          {Data: []byte("title: t\nsections:\n  - title: S\n    lessons: [alpha, alpha, ghost]\n")},
		"lessons/01-alpha.md":  {Data: []byte(lesson("alpha", "", ""))},
		"lessons/02-orphan.md": {Data: []byte(lesson("orphan", "", ""))},
		"lessons/03-alpha.md":  {Data: []byte(lesson("alpha", "", ""))},
		"lessons/Bad Name.md":  {Data: []byte(lesson("x", "", ""))},
	})
	require.Error(t, err)
	for _, want := range []string{
		`course.yaml: lesson "alpha" is listed twice`,
		`course.yaml: lesson "ghost" has no file`,
		`lessons/02-orphan.md: lesson "orphan" is not listed in course.yaml`,
		`lessons/03-alpha.md:2: duplicate slug "alpha" (also in lessons/01-alpha.md)`,
		`lessons/Bad Name.md: file name must be NN-slug.md`,
	} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestTerminalMarkdown(t *testing.T) {
	in := "Text.\n\n```faultline-diagram\nscenario: raft-election\nseed: 2\ncaption: Votes fly.\n```\n\n1. Q?\n\n   <details><summary>Answer</summary>\n\n   Because.\n\n   </details>\n\n```go\nx := 1\n```\n"
	want := "Text.\n\n> **Diagram:** Votes fly.\n>\n> Step through this run yourself: `faultline demo raft-election --seed 2`\n\n1. Q?\n\n   *Answer:*\n\n   Because.\n\n\n```go\nx := 1\n```\n"
	assert.Equal(t, want, TerminalMarkdown(in))

	windowed := strings.Replace(in, "caption: Votes fly.", "caption: Votes fly.\nfrom: 1.5s", 1)
	assert.Contains(t, TerminalMarkdown(windowed), "`faultline demo raft-election --seed 2` (press `t` and jump to `1.5s`)")
}

// TestEmbeddedCourse checks the real course: every lesson loads, is listed,
// and has the parts AUTHORING.md requires.
func TestEmbeddedCourse(t *testing.T) {
	c, err := Load()
	require.NoError(t, err)
	require.NotEmpty(t, c.Lessons)
	for _, l := range c.Lessons {
		t.Run(l.Slug, func(t *testing.T) {
			for _, h := range []string{"## Try it", "## Review questions", "## Further reading"} {
				assert.Contains(t, l.Body, "\n"+h, "%s has no %q section", l.Path, h)
			}
			assert.Contains(t, l.Body, "<details>", "%s has no folded answers", l.Path)
			words := len(strings.Fields(l.Body))
			assert.GreaterOrEqual(t, words, 1200, "%s has only %d words", l.Path, words)
			assert.NotEmpty(t, l.Objectives, "%s lists no objectives", l.Path)
		})
	}
}
