package run

import (
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/series"
)

// metrics lists a chart set's series names.
func names(c *result.Charts) []string {
	var out []string
	for _, s := range c.Set.Series {
		out = append(out, s.Name)
	}
	return out
}

// TestChartsOfTheStudentsOwnRun: a failing test that records its series
// reports them beside the reference's run of the same seed, with the
// bounds its checks judged; a passing one only when asked; a test that
// records nothing never; and an edition without the reference says so
// instead of drawing it.
func TestChartsOfTheStudentsOwnRun(t *testing.T) {
	pongs := regexp.MustCompile("^Pongs$")
	guide := series.Guide{Metric: "pongs", V: minPongs, Label: "bound ≥ 50"}
	for _, tc := range []struct {
		name  string
		grade func(t *testing.T) *result.Result
		want  []string // series names; nil: no charts
		note  string
	}{
		{"a mutant that fails, beside the reference", func(t *testing.T) *result.Result {
			return grade(t, goodImpl(), Options{Impl: "mutant:mute", Seeds: 2, Run: pongs, NoShrink: true})
		}, []string{"mutant:mute: pongs", "reference: pongs"}, ""},
		{"the reference passing: none unless asked", func(t *testing.T) *result.Result {
			return grade(t, goodImpl(), Options{Impl: "solution", Seeds: 2, Run: pongs})
		}, nil, ""},
		{"the reference passing, asked: its own curve alone", func(t *testing.T) *result.Result {
			return grade(t, goodImpl(), Options{Impl: "solution", Seeds: 2, Run: pongs, Charts: true})
		}, []string{"reference: pongs"}, ""},
		{"a student's failing run in a runner process", func(t *testing.T) *result.Result {
			return gradeInRunner(t, "mute", Options{Seeds: 2, Run: pongs, NoShrink: true})
		}, []string{"yours: pongs", "reference: pongs"}, ""},
		{"a student's passing run in a runner process, asked", func(t *testing.T) *result.Result {
			return gradeInRunner(t, "good", Options{Seeds: 2, Run: pongs, Charts: true})
		}, []string{"yours: pongs", "reference: pongs"}, ""},
		{"the student edition: no reference to draw", func(t *testing.T) *result.Result {
			lab := fakeLab(goodImpl())
			lab.Solution, lab.Mutants = nil, nil
			res, err := Grade(context.Background(), Options{Lab: lab, Impl: "student", Student: muteImpl(), Seeds: 2, Run: pongs, NoShrink: true, TraceDir: t.TempDir()})
			require.NoError(t, err)
			return res
		}, []string{"yours: pongs"}, noReferenceNote},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.grade(t)
			tr := test(res, "Pongs")
			if tc.want == nil {
				assert.Nil(t, tr.Charts)
				return
			}
			require.NotNil(t, tr.Charts, tr.Message)
			assert.Equal(t, tc.want, names(tr.Charts))
			assert.Equal(t, tr.Seed, tr.Charts.Seed, "the charts are of the run reported")
			assert.Equal(t, []series.Guide{guide}, tr.Charts.Set.Guides)
			assert.Equal(t, tc.note, tr.Charts.Note)
			for _, s := range tr.Charts.Set.Series {
				assert.NotEmpty(t, s.Points, s.Name)
			}
		})
	}
}

// TestChartsOnlyForTestsThatRecord: a failing test that records nothing
// reports no charts.
func TestChartsOnlyForTestsThatRecord(t *testing.T) {
	res := grade(t, goodImpl(), Options{Impl: "mutant:mute", Seeds: 1, NoShrink: true, Charts: true})
	require.Equal(t, result.Fail, test(res, "Pongs").Status)
	assert.Nil(t, test(res, "Shrinkable").Charts)
}
