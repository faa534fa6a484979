package content_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/all"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// lessonRef matches a reference to a lesson section: "raft-election#voting",
// "lesson raft-election#voting", or a Markdown link target
// "raft-election.md#voting" (optionally "09-raft-election.md#voting"). It
// must start a word (after a space, quote, backtick or bracket), so that a
// URL's "raft.pdf#page=3" or a format string's "%s#%d" is not one.
var lessonRef = regexp.MustCompile("(?:^|[\\s\"'`(\\[])(?:\\d\\d-)?([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(\\.md)?#([A-Za-z0-9_-]+)")

// ref is one lesson reference found in a file.
type ref struct {
	file string // relative to the repository root
	line int
	slug string
	frag string
}

func (r ref) String() string { return fmt.Sprintf("%s:%d: %s#%s", r.file, r.line, r.slug, r.frag) }

// findRefs returns the lesson references in src, with 1-based lines.
func findRefs(file, src string) []ref {
	var out []ref
	for i, line := range strings.Split(src, "\n") {
		for _, m := range lessonRef.FindAllStringSubmatch(line, -1) {
			out = append(out, ref{file: file, line: i + 1, slug: m[1], frag: m[3]})
		}
	}
	return out
}

// headingAnchors returns the ids goldmark gives the headings of a lesson
// body: the anchors AUTHORING.md promises ("lower case, spaces to -"), made
// by the same parser options the site uses.
func headingAnchors(body string) map[string]bool {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	src := []byte(body)
	doc := md.Parser().Parse(text.NewReader(src))
	out := map[string]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			if id, ok := h.AttributeString("id"); ok {
				out[string(id.([]byte))] = true
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

// checkRef says what is wrong with r, or "" when it names a lesson heading.
// A reference without an anchor is checked by the caller (registry fields).
func checkRef(r ref, anchors map[string]map[string]bool) string {
	as, ok := anchors[r.slug]
	if !ok {
		return fmt.Sprintf("%s:%d: %q is not a lesson (see content/course.yaml)", r.file, r.line, r.slug)
	}
	if r.frag != "" && !as[r.frag] {
		return fmt.Sprintf("%s:%d: lesson %s has no heading with anchor #%s (anchors: %s)", r.file, r.line, r.slug, r.frag, sortedKeys(as))
	}
	return ""
}

func sortedKeys(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, "#"+k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

func lessonAnchors(t *testing.T) map[string]map[string]bool {
	t.Helper()
	c, err := content.Load()
	require.NoError(t, err)
	anchors := map[string]map[string]bool{}
	for _, l := range c.Lessons {
		anchors[l.Slug] = headingAnchors(l.Body)
	}
	return anchors
}

func TestFindRefs(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       []string // slug#frag
	}{
		{"bare", "see raft-election#voting.", []string{"raft-election#voting"}},
		{"lesson prefix", "// TODO(part A, lesson raft-election#state): x", []string{"raft-election#state"}},
		{"markdown link", "[votes](raft-election.md#voting)", []string{"raft-election#voting"}},
		{"numbered file", "[votes](09-raft-election.md#voting)", []string{"raft-election#voting"}},
		{"go string", `Lesson: "raft-replication#commit"},`, []string{"raft-replication#commit"}},
		{"same-page link", "[up](#terms)", nil},
		{"url fragment", "https://raft.github.io/raft.pdf#page=3", nil},
		{"format verb", `fmt.Sprintf("%s#%d", k, i)`, nil},
		{"two", "a#b and (c.md#d)", []string{"a#b", "c#d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range findRefs("f", tc.line) {
				got = append(got, r.slug+"#"+r.frag)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestLessonAnchors checks every reference to a lesson section in the
// lessons, the labs' task.md files and the labs' Go code (starter comments,
// the registry's Lesson fields), so that a renamed heading cannot leave a
// student following a dead link.
func TestLessonAnchors(t *testing.T) {
	anchors := lessonAnchors(t)
	var files []string
	for _, root := range []string{"lessons", "../labs"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			name := d.Name()
			if (root == "lessons" && strings.HasSuffix(name, ".md")) || name == "task.md" || strings.HasSuffix(name, ".go") {
				files = append(files, p)
			}
			return nil
		})
		require.NoError(t, err)
	}
	require.NotEmpty(t, files)
	for _, p := range files {
		rel := filepath.ToSlash(filepath.Clean(filepath.Join("content", p)))
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			for _, r := range findRefs(rel, string(data)) {
				if msg := checkRef(r, anchors); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

// TestRegistryLessons checks the Lesson fields of every registered lab,
// part and test: a slug, or slug#anchor naming a heading of that lesson.
func TestRegistryLessons(t *testing.T) {
	anchors := lessonAnchors(t)
	labs := suite.Labs()
	require.NotEmpty(t, labs)
	for _, lab := range labs {
		t.Run(lab.Name, func(t *testing.T) {
			fields := map[string]string{"lab " + lab.Name: lab.Lesson}
			for _, p := range lab.Parts {
				fields["part "+p.ID] = p.Lesson
			}
			for _, tc := range lab.Tests {
				fields["test "+tc.Name] = tc.Lesson
			}
			for where, v := range fields {
				if v == "" {
					continue
				}
				slug, frag, _ := strings.Cut(v, "#")
				r := ref{file: "lab " + lab.Name + " (" + where + ")", slug: slug, frag: frag}
				if msg := checkRef(r, anchors); msg != "" {
					t.Errorf("%s: Lesson %q: %s", r.file, v, strings.TrimPrefix(msg, r.file+":0: "))
				}
			}
		})
	}
}
