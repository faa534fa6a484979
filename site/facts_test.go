package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// factLab is a lab with facts, whose task quotes them.
func factLab() *suite.Lab {
	return &suite.Lab{
		Name: "toy", Title: "Toy", Summary: "A lab with facts.",
		Task: "# Toy\n\nElect a leader within {{fact toy election-bound}}.\n\n```faultline-facts\nlab: toy\n```\n\n```faultline-assumes\nlab: toy\n```\n",
		Facts: []suite.Fact{
			suite.DurationFact("election-bound", 1300*suite.Ms, "a leader within this after the heal, from `electionBound`"),
			suite.TextFact("crashes", "inside a handler", "where a crash <may> strike").Assume(),
		},
		Tests: []suite.Test{{Name: "Election", Points: 3, Seeds: 20}},
	}
}

const factLesson = "---\ntitle: Second\nslug: second\nsummary: The second fixture lesson.\n---\nBack to [the first](01-first.md). A leader within {{fact toy election-bound}}, {{fact toy Election.seeds}}.\n\n```faultline-assumes\nlab: toy\nfacts: crashes, election-bound\n```\n\n## The end\n"

// TestBuildFacts: the site fills in the grader's figures on a lesson and on
// a lab's task, draws the table and the box, and stops on an unknown fact
// with file:line.
func TestBuildFacts(t *testing.T) {
	out := t.TempDir()
	c := loadFixture(t, map[string]string{"lessons/02-second.md": factLesson})
	_, err := Build(Options{Out: out, Course: c, Demo: fakeDemo, Labs: []*suite.Lab{factLab()}})
	require.NoError(t, err)

	lesson, err := os.ReadFile(filepath.Join(out, "second.html"))
	require.NoError(t, err)
	for _, want := range []string{
		"A leader within 1.3 s, 20 seeds.",
		`<aside class="facts assumes">`, "<strong>What the grader assumes</strong> (lab toy)",
		"<li>Where a crash &lt;may&gt; strike: <strong>inside a handler</strong></li>",
		"<li>A leader within this after the heal, from <code>electionBound</code>: <strong>1.3 s</strong></li>",
	} {
		assert.Contains(t, string(lesson), want)
	}
	assert.NotContains(t, string(lesson), "{{fact")

	lab, err := os.ReadFile(filepath.Join(out, "lab-toy.html"))
	require.NoError(t, err)
	for _, want := range []string{
		"Elect a leader within 1.3 s.",
		`<figure class="facts checks">`, "<strong>What the grader checks</strong> (lab toy)",
		"<tr><td>1.3 s</td><td>a leader within this after the heal, from <code>electionBound</code></td><td><code>election-bound</code></td></tr>",
		"<li>Where a crash &lt;may&gt; strike: <strong>inside a handler</strong></li>",
	} {
		assert.Contains(t, string(lab), want)
	}

	for _, tc := range []struct{ name, from, to, want string }{
		{"inline", "{{fact toy Election.seeds}}", "{{fact toy Election.sedes}}", `lessons/02-second.md:6: lab toy has no fact "Election.sedes"`},
		{"block", "facts: crashes, election-bound", "facts: crashes, bound", `lessons/02-second.md:8: lab toy has no fact "bound"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadFixture(t, map[string]string{"lessons/02-second.md": strings.Replace(factLesson, tc.from, tc.to, 1)})
			_, err := Build(Options{Out: t.TempDir(), Course: c, Demo: fakeDemo, Labs: []*suite.Lab{factLab()}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	t.Run("task", func(t *testing.T) {
		l := factLab()
		l.Task = strings.Replace(l.Task, "election-bound}}", "election}}", 1)
		_, err := Build(Options{Out: t.TempDir(), Course: c, Demo: fakeDemo, Labs: []*suite.Lab{l}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `lab toy (Task):3: lab toy has no fact "election"`)
	})
}
