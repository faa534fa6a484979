package content_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/all"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// courseText is a lesson or a lab's task, as the drift tests read it.
type courseText struct {
	file  string // relative to the repository root
	first int    // the file line of body's first line
	lab   string // the lab it belongs to, "" for none
	body  string
}

// courseTexts returns every lesson and every registered lab's task.md
// (found by the layout every lab shares, docs/design.md).
func courseTexts(t *testing.T) []courseText {
	t.Helper()
	c, err := content.Load()
	require.NoError(t, err)
	var out []courseText
	for _, l := range c.Lessons {
		out = append(out, courseText{file: filepath.Join("content", l.Path), first: l.BodyLine, lab: l.Lab, body: l.Body})
	}
	for _, lab := range suite.Labs() {
		p := filepath.Join("labs", lab.Name, lab.Name+"lab", "task.md")
		data, err := os.ReadFile(filepath.Join("..", p))
		require.NoError(t, err, "lab %s: its task is %s by the layout every lab shares", lab.Name, p)
		out = append(out, courseText{file: p, first: 1, lab: lab.Name, body: string(data)})
	}
	return out
}

// TestCourseFacts: every fact a lesson or a task quotes exists, and every
// block resolves; each problem is reported with file:line.
func TestCourseFacts(t *testing.T) {
	for _, x := range courseTexts(t) {
		assert.NoError(t, content.CheckFacts(x.body, x.file, x.first, content.RegisteredFacts))
	}
}

// TestLabFacts: each lab's own facts are well formed.
func TestLabFacts(t *testing.T) {
	for _, lab := range suite.Labs() {
		assert.NoError(t, lab.CheckFacts())
	}
}

// TestNoHandCopies is the drift test (issue 25.1): no lesson or task writes
// by hand a figure the grader checks or assumes. A lesson or task is
// checked against the facts of its own lab and of every lab it quotes.
func TestNoHandCopies(t *testing.T) {
	var problems []string
	for _, x := range courseTexts(t) {
		labs := content.QuotedLabs(x.body)
		if x.lab != "" && !contains(labs, x.lab) {
			labs = append(labs, x.lab)
		}
		for _, name := range labs {
			lab, err := suite.Lookup(name)
			if err != nil {
				continue // TestCourseFacts reports it
			}
			for _, p := range content.HandCopies(x.body, x.file, x.first, name, lab.AllFacts()) {
				problems = append(problems, p.Error())
			}
		}
	}
	assert.Empty(t, problems, "figures the grader uses, written by hand (content/AUTHORING.md, \"The grader's figures\"):\n%s", strings.Join(problems, "\n"))
}

// TestHandCopyCaught: a figure copied by hand into a real lesson is found,
// with the lesson's file and line, and quoting it instead passes.
func TestHandCopyCaught(t *testing.T) {
	lab, err := suite.Lookup("pingpong")
	require.NoError(t, err)
	test := lab.Tests[len(lab.Tests)/2]
	seeds, err := lab.LookupFact(test.Name + ".seeds")
	require.NoError(t, err)
	c, err := content.Load()
	require.NoError(t, err)
	l, err := c.Lesson(lab.Lesson)
	require.NoError(t, err)

	lines := strings.Split(l.Body, "\n")
	at := len(lines) / 2
	copied := append(append(append([]string{}, lines[:at]...), "The grader runs "+test.Name+" with "+seeds.Value+"."), lines[at:]...)
	ps := content.HandCopies(strings.Join(copied, "\n"), l.Path, l.BodyLine, lab.Name, lab.AllFacts())
	var found []string
	for _, p := range ps {
		found = append(found, p.Error())
	}
	assert.Contains(t, strings.Join(found, "\n"), l.Path+":"+strconv.Itoa(l.BodyLine+at)+": \""+seeds.Value+"\" is written by hand")

	quoted := append(append(append([]string{}, lines[:at]...), "The grader runs "+test.Name+" with {{fact pingpong "+test.Name+".seeds}}."), lines[at:]...)
	before := len(content.HandCopies(l.Body, l.Path, l.BodyLine, lab.Name, lab.AllFacts()))
	assert.Len(t, content.HandCopies(strings.Join(quoted, "\n"), l.Path, l.BodyLine, lab.Name, lab.AllFacts()), before)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
