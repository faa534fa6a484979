package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/suite"
)

// TestLabsShowMutation: `faultline labs` shows every lab's mutation score,
// or says it was not measured, and --json carries the same numbers.
func TestLabsShowMutation(t *testing.T) {
	code, out, _ := runCLI("labs")
	require.Equal(t, 0, code)
	for _, l := range suite.Labs() {
		assert.Contains(t, out, "  "+mutationLine(l.Mutation)+"\n", l.Name)
	}
	code, out, _ = runCLI("labs", "--json")
	require.Equal(t, 0, code)
	var labs []struct {
		Name     string        `json:"name"`
		Mutation *mutationJSON `json:"mutation"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &labs))
	for _, lj := range labs {
		l, err := suite.Lookup(lj.Name)
		require.NoError(t, err)
		assert.Equal(t, mutationOf(l.Mutation), lj.Mutation, lj.Name)
	}
}

func TestMutationLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    suite.MutationScore
		want string
	}{
		{"not measured", suite.MutationScore{}, "mutation not measured (scripts/mutation.sh)"},
		{"measured", suite.MutationScore{Killed: 48, Lived: 2, Equivalent: 21, Date: "2026-12-06"},
			"mutation 96% (48/50) of the reference's non-equivalent mutants killed; 21 set aside as equivalent or a design the task admits (docs/grading.md; scripts/mutation.sh, 2026-12-06)"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, mutationLine(tc.m)) })
	}
}

// gradingRow is one lab's row of docs/grading.md's "Mutation testing"
// table.
type gradingRow struct {
	measured                   bool
	killed, lived, equivalents int // lived counts the equivalent mutants too
}

// gradingRows parses the table of docs/grading.md's "Mutation testing"
// section: | lab | score | killed | lived | not covered | not viable | time |.
func gradingRows(t *testing.T) map[string]gradingRow {
	t.Helper()
	b, err := os.ReadFile("../../docs/grading.md")
	require.NoError(t, err)
	doc := string(b)
	i := strings.Index(doc, "## Mutation testing")
	require.GreaterOrEqual(t, i, 0, "docs/grading.md has no \"## Mutation testing\" section")
	doc = doc[i:]
	equivalent := regexp.MustCompile(`without the (\d+) equivalent`)
	rows := map[string]gradingRow{}
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "| ") {
			if len(rows) > 0 {
				break // the end of the first table
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		lab, _, _ := strings.Cut(cells[0], " ")
		if len(cells) < 4 || lab == "lab" || strings.HasPrefix(lab, "---") {
			continue
		}
		var r gradingRow
		if killed, err := strconv.Atoi(cells[2]); err == nil {
			lived, err := strconv.Atoi(cells[3])
			require.NoError(t, err, "docs/grading.md, %s's row: lived %q", lab, cells[3])
			r = gradingRow{measured: true, killed: killed, lived: lived}
			if m := equivalent.FindStringSubmatch(cells[1]); m != nil {
				r.equivalents, _ = strconv.Atoi(m[1])
			}
		}
		rows[lab] = r
	}
	return rows
}

// TestMutationScoresMatchTheDocs: each lab's Lab.Mutation is the row
// docs/grading.md publishes ("Mutation testing"), so that `faultline labs`
// and the docs cannot drift apart. A lab the table does not measure
// records no score.
func TestMutationScoresMatchTheDocs(t *testing.T) {
	rows := gradingRows(t)
	for _, l := range suite.Labs() {
		t.Run(l.Name, func(t *testing.T) {
			row, ok := rows[l.Name]
			require.True(t, ok, "docs/grading.md's mutation table has no row for %s", l.Name)
			m := l.Mutation
			if !row.measured {
				assert.False(t, m.Measured(), "%s records a mutation score %v, but docs/grading.md's row says it was not measured", l.Name, m)
				return
			}
			want := suite.MutationScore{Killed: row.killed, Lived: row.lived - row.equivalents, Equivalent: row.equivalents, Date: m.Date}
			assert.Equal(t, want, m, "%s's Lab.Mutation disagrees with its row in docs/grading.md (killed %d, lived %d of which %d equivalent): set both from the same scripts/mutation.sh run",
				l.Name, row.killed, row.lived, row.equivalents)
			assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, m.Date, "%s's Lab.Mutation.Date", l.Name)
		})
	}
}
