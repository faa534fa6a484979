package tui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/faultline-dev/faultline/content"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnwrap(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"a paragraph becomes one line", "one\ntwo\nthree\n\nnext", "one two three\n\nnext"},
		{"a list item and its continuation", "1. first\n   still first\n2. second", "1. first still first\n2. second"},
		{"a fence is left alone", "text\n```\na\nb\n```\nmore", "text\n```\na\nb\n```\nmore"},
		{"indented code after a blank line is left alone", "text\n\n    a := 1\n    b := 2", "text\n\n    a := 1\n    b := 2"},
		{"indented text right after a paragraph continues it", "text\n    more", "text more"},
		{"a table is left alone", "| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 | 2 |"},
		{"a hard break is kept", "one\\\ntwo", "one\\\ntwo"},
		{"a heading is its own line", "# Title\ntext\nmore", "# Title\ntext more"},
		{"a quote's lines join inside it", "> one\n> two\n\n> three", "> one two\n\n> three"},
		{"a rule is not joined", "text\n---\nmore", "text\n---\nmore"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, unwrap(tc.in))
		})
	}
}

func TestLinksAsText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"a relative link", "see [Tail latency](tail-latency.md) now", "see Tail latency now"},
		{"a link over a line break", "the [next\nlesson](unreliable-networks.md) applies", "the next\nlesson applies"},
		{"an external link with a title", `[Raft](https://raft.github.io "home")`, "Raft"},
		{"an image is kept", "![diagram](d.svg)", "![diagram](d.svg)"},
		{"a code span is kept", "use `[x](y)` literally", "use `[x](y)` literally"},
		{"a fence is kept", "```\n[x](y)\n```", "```\n[x](y)\n```"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, linksAsText(tc.in))
		})
	}
}

func TestFoldAnswers(t *testing.T) {
	item := "1. Why?\n\n   <details><summary>Answer</summary>\n\n   Because\n   so.\n\n   More.\n\n   </details>\n\n2. Next?"
	top := "Why?\n\n<details><summary>Hint</summary>\n\nLook left.\n\n</details>\n\nAfter."
	for _, tc := range []struct {
		name, in string
		o        LessonOptions
		want     string
	}{
		{"folded in a list item, hanging off the question", item, LessonOptions{FoldedHint: "press a", Unwrap: true},
			"1. Why?\\\n   \\\n   ▸ Answer (press a)\\\n   \u00a0\n\n\n2. Next?"},
		{"shown in a list item, one paragraph per line", item, LessonOptions{Answers: true, Unwrap: true},
			"1. Why?\\\n   \\\n   ▾ **Answer**\\\n   Because so.\\\n   \\\n   More.\\\n   \u00a0\n\n\n2. Next?"},
		{"plain Markdown keeps paragraphs in the item", item, LessonOptions{Answers: true},
			"1. Why?\n\n\n   ▾ **Answer**\n\n   Because so.\n\n   More.\n\n\n2. Next?"},
		{"folded at the top level, with its own label", top, LessonOptions{FoldedHint: "press a"},
			"Why?\n\n\n▸ Hint (press a)\n\n\nAfter."},
		{"shown at the top level", top, LessonOptions{Answers: true},
			"Why?\n\n\n▾ **Hint**\n\nLook left.\n\n\nAfter."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := foldAnswers(tc.in, tc.o)
			assert.Equal(t, tc.want, got)
			assert.NotContains(t, got, "<details>")
		})
	}
}

func TestLessonMarkdownStartsWithObjectives(t *testing.T) {
	l := &content.Lesson{Slug: "x", Title: "X", Summary: "About x.", Objectives: []string{"Do one thing.", "Do another."}, Body: "Body."}
	md := LessonMarkdown(l, LessonOptions{})
	assert.True(t, strings.HasPrefix(md, "# X\n\n*About x.*\n\n**After this lesson you can:**\n\n- Do one thing.\n- Do another.\n"), md)
	assert.True(t, strings.HasSuffix(md, "Body."))
}

// A rendered lesson is never wider than the terminal, and a hyphenated
// word is never split at its hyphen: ansi.Wordwrap put "exactly-" and
// "once" on two lines and ran "(--watch" two columns past 72.
func TestRenderedLinesFitAndKeepHyphenatedWords(t *testing.T) {
	text := "Run faultline grade raft inside your workspace to grade your package (--watch grades again on every save). " +
		"A queue gives at-least-once delivery; exactly-once needs the server to remember what it applied, and a " +
		"client-chosen request ID makes a retry safe. The path labs/raft/raftlab/a-very-long-file-name-that-cannot-fit-on-one-line-of-the-screen.go is cut."
	l := &content.Lesson{Slug: "x", Title: "X", Body: text + "\n\n- " + text + "\n"}
	for _, width := range []int{40, 60, 71, 72, 73, 80, 100} {
		t.Run(strconv.Itoa(width), func(t *testing.T) {
			out, err := RenderLesson(l, "notty", width, LessonOptions{})
			require.NoError(t, err)
			joined := strings.Join(strings.Fields(out), " ")
			for _, w := range []string{"exactly-once", "at-least-once", "client-chosen", "(--watch"} {
				assert.Contains(t, joined, w, "%q is split across lines", w)
			}
			for i, line := range strings.Split(out, "\n") {
				assert.LessOrEqual(t, ansi.StringWidth(line), width, "line %d: %q", i, line)
			}
		})
	}
}

// TestLessonMarkdownFacts: the terminal fills in the grader's figures from
// the registered labs (here tuifake, registered by TestMain), as the site
// does, and says at the top of the page which it could not.
func TestLessonMarkdownFacts(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want, not  []string
	}{
		{name: "inline and a table",
			body: "Broken is worth {{fact tuifake Broken.points}}.\n\n```faultline-facts\nlab: tuifake\nfacts: points, Works.seeds\n```\n",
			want: []string{"Broken is worth 3 points.", "**What the grader checks** (lab tuifake)", "| 5 points | the lab's maximum score", "| 1 seed |"},
			not:  []string{"{{fact", "faultline-facts"}},
		{name: "an assumes box",
			body: "```faultline-assumes\nlab: tuifake\nfacts: [max-rate]\n```\n",
			want: []string{"> **What the grader assumes** (lab tuifake)", "> - The storm bound: a node that handles more events than this in one second of virtual time fails the run: **10,000 events per node per second of virtual time**"}},
		{name: "unknown fact",
			body: "Worth {{fact tuifake Brokn.points}}.\n",
			want: []string{"> **Some figures on this page could not be filled in from the grader:**", `lessons/01-x.md:7: lab tuifake has no fact "Brokn.points"`, "Worth {{fact tuifake Brokn.points}}."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &content.Lesson{Slug: "x", Title: "X", Summary: "S.", Path: "lessons/01-x.md", BodyLine: 7, Body: tc.body}
			got := LessonMarkdown(l, LessonOptions{})
			for _, w := range tc.want {
				assert.Contains(t, got, w)
			}
			for _, n := range tc.not {
				assert.NotContains(t, got, n)
			}
		})
	}
}
