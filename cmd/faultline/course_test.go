package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestContentDir runs the commands that read lessons on testdata/content,
// where one lesson has a tab in its front matter on line 7: the good
// lesson stays usable and only the bad one reports, with its own line.
func TestContentDir(t *testing.T) {
	dir := filepath.Join("testdata", "content")
	bad := filepath.Join(dir, "lessons", "02-bad.md") + ":7: bad front matter: found a tab character"
	facts := filepath.Join("testdata", "content-facts")
	unknownFact := filepath.Join(facts, "lessons", "01-facts.md") + `:8: lab raft has no fact "no-such-figure"`
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"read the good lesson", []string{"read", "good", "--content", dir}, 0, "# A good lesson", ""},
		{"read the bad lesson", []string{"read", "bad", "--content", dir}, 2, "", bad},
		{"read an unknown lesson", []string{"read", "ghost", "--content", dir}, 2, "", `unknown lesson "ghost" (lessons: good)`},
		{"list the lessons", []string{"lessons", "--content", dir}, 1, "A good lesson", bad},
		{"no course there", []string{"lessons", "--content", t.TempDir()}, 2, "", "has no course.yaml"},
		{"site build stops", []string{"site", "build", "--content", dir, "-o", t.TempDir()}, 2, "", bad},
		// A figure quoted from the grader that no lab has: the lesson loads,
		// and every command that shows or checks it names the line.
		{"list a lesson quoting no such fact", []string{"lessons", "--content", facts}, 1, "facts", unknownFact},
		{"read a lesson quoting no such fact", []string{"read", "facts", "--content", facts}, 0, "could not be filled in from the grader", ""},
		{"site build stops on no such fact", []string{"site", "build", "--content", facts, "-o", t.TempDir()}, 2, "", `lessons/01-facts.md:8: lab raft has no fact "no-such-figure"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.out)
			assert.Contains(t, errOut, tc.err)
			assert.NotContains(t, errOut, "has no file", "a bad lesson is not also reported missing")
		})
	}
}
