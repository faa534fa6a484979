package content

import (
	"os"
	"path/filepath"
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
		{"slug mismatch", lesson("alfa", "", ""), `lessons/01-alpha.md:3: slug "alfa" does not match the file name`},
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

// TestFrontMatterLines pins the file:line of each kind of problem in a
// lesson (testdata/frontmatter/NAME.md, loaded as lessons/01-alpha.md), and
// checks that the bad lesson costs only itself: the problem is reported
// once, the good lesson still loads, and asking for the bad one gives its
// own problem.
func TestFrontMatterLines(t *testing.T) {
	for _, tc := range []struct {
		file string
		want string
	}{
		{"tab-in-list.md", "lessons/01-alpha.md:7: bad front matter: found a tab character that violates indentation"},
		{"tab-before-field.md", "lessons/01-alpha.md:8: bad front matter: found a tab character that violates indentation"},
		{"unclosed-bracket.md", "lessons/01-alpha.md:3: bad front matter: did not find expected ',' or ']'"},
		{"colon-in-summary.md", "lessons/01-alpha.md:4: bad front matter: mapping values are not allowed in this context"},
		{"unknown-field.md", "lessons/01-alpha.md:6: bad front matter: field colour not found in type content.frontMatter"},
		{"wrong-type.md", "lessons/01-alpha.md:5: bad front matter: cannot unmarshal !!str `half an...` into int"},
		{"slug-mismatch.md", `lessons/01-alpha.md:4: slug "alfa" does not match the file name (want slug: alpha)`},
		{"part-without-lab.md", `lessons/01-alpha.md:6: part "A" is set but lab is not`},
		{"diagram-without-seed.md", "lessons/01-alpha.md:10: diagram block has no seed (a positive integer)"},
		{"no-front-matter.md", "lessons/01-alpha.md:1: missing front matter"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "frontmatter", tc.file))
			require.NoError(t, err)
			c, err := LoadFS(fstest.MapFS{
				"course.yaml":         {Data: []byte(manifestYAML)},
				"lessons/01-alpha.md": {Data: data},
				"lessons/02-beta.md":  {Data: []byte(lesson("beta", "", "Body.\n"))},
			})
			var le *LoadError
			require.ErrorAs(t, err, &le)
			require.Len(t, le.Problems, 1, "one bad lesson is one problem: %v", err)
			assert.True(t, strings.HasPrefix(le.Problems[0].Error(), tc.want), "got  %s\nwant %s", le.Problems[0], tc.want)

			require.NotNil(t, c, "the good lessons load despite the bad one")
			require.Len(t, c.Lessons, 1)
			_, err = c.Lesson("beta")
			assert.NoError(t, err)
			_, err = c.Lesson("alpha")
			assert.ErrorContains(t, err, tc.want, "the bad lesson reports its own problem")
		})
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "lessons"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "course.yaml"), []byte(manifestYAML), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lessons", "01-alpha.md"), []byte(lesson("alpha", "", "A.\n")), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lessons", "02-beta.md"), []byte("---\ntitle: B\nslug: beta\n---\n"), 0o644))
	c, err := LoadDir(dir)
	require.NotNil(t, c)
	assert.Len(t, c.Lessons, 1)
	assert.EqualError(t, err, "content: "+filepath.Join(dir, "lessons", "02-beta.md")+":1: front matter has no summary (one sentence for lists and search)")

	_, err = LoadDir(t.TempDir())
	assert.ErrorContains(t, err, "has no course.yaml")
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
		`lessons/03-alpha.md:3: duplicate slug "alpha" (also in lessons/01-alpha.md)`,
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

func TestParseChart(t *testing.T) {
	tests := []struct {
		name, body string
		want       Chart
		err        string
	}{
		{"comma list", "scenario: backoff-storm\nseed: 1\nseries: goodput, server arrivals\ncaption: A storm.",
			Chart{Scenario: "backoff-storm", Seed: 1, Series: Names{"goodput", "server arrivals"}, Caption: "A storm."}, ""},
		{"yaml list", "scenario: backoff-storm\nseed: 2\nseries: [queue]\ncaption: A queue.",
			Chart{Scenario: "backoff-storm", Seed: 2, Series: Names{"queue"}, Caption: "A queue."}, ""},
		{"no series", "scenario: backoff-storm\nseed: 1\ncaption: c", Chart{}, "chart block has no series"},
		{"no seed", "scenario: backoff-storm\nseries: goodput\ncaption: c", Chart{}, "chart block has no seed"},
		{"no caption", "scenario: backoff-storm\nseed: 1\nseries: goodput", Chart{}, "chart block has no caption"},
		{"no scenario", "seed: 1\nseries: goodput\ncaption: c", Chart{}, "chart block has no scenario"},
		{"unknown key", "scenario: x\nseed: 1\nseries: goodput\ncaption: c\nfrom: 1s", Chart{}, "bad chart block"},
		{"series a map", "scenario: x\nseed: 1\nseries: {a: b}\ncaption: c", Chart{}, "bad chart block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChart(tt.body)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestChartBlocks(t *testing.T) {
	body := "Text.\n\n```faultline-chart\nscenario: backoff-storm\nseed: 1\nseries: goodput\ncaption: It recovers.\n```\n"
	want := "Text.\n\n> **Chart** (goodput): It recovers.\n>\n> See the charts of this run: `faultline demo backoff-storm --seed 1` (it opens on them; `c` shows every message)\n"
	assert.Equal(t, want, TerminalMarkdown(body))

	_, err := LoadFS(fstest.MapFS{
		"course.yaml":         {Data: []byte(manifestYAML)},
		"lessons/01-alpha.md": {Data: []byte(lesson("alpha", "", "text\n```faultline-chart\nscenario: x\nseed: 1\ncaption: c\n```\n"))},
		"lessons/02-beta.md":  {Data: []byte(lesson("beta", "", "Body.\n"))},
	})
	assert.ErrorContains(t, err, "lessons/01-alpha.md:7: chart block has no series")
}
