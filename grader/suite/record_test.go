package suite

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/series"
)

func TestRecord(t *testing.T) {
	bound := series.Guide{Metric: "queue length", V: 20, Label: "bound ≤ 20"}
	deadline := series.Interval{From: 2 * Sec, To: 2 * Sec, Label: "recovered by"}
	queue := func(n int) series.Set {
		s := series.Series{Name: "queue length", Unit: "requests"}
		for i := range n {
			s.Add(time.Duration(i)*100*Ms, float64(i))
		}
		return series.Set{Series: []series.Series{s}}
	}
	for _, tc := range []struct {
		name   string
		run    func(t *T, n *int)
		passed bool
		points int // in the recorded series; -1: no recording
		guides []series.Guide
		err    string
	}{
		{"nothing recorded", func(t *T, n *int) {}, true, -1, nil, ""},
		{"a run that passed", func(t *T, n *int) {
			t.Record(func() series.Set { return queue(*n) })
			*n = 5
			t.Guide(bound)
			t.Check("bounded queue", nil)
		}, true, 5, []series.Guide{bound}, ""},
		{"a failed check stops the run, which is recorded up to there", func(t *T, n *int) {
			t.Record(func() series.Set { return queue(*n) })
			*n = 3
			t.Guide(bound)
			t.Guide(bound) // in a loop: kept once
			t.Fatalf("the queue grew to 30")
			*n = 9
		}, false, 3, []series.Guide{bound}, ""},
		{"guides alone", func(t *T, n *int) { t.Guide(bound) }, true, 0, []series.Guide{bound}, ""},
		{"a guide the set has already is kept once; marks are added", func(t *T, n *int) {
			t.Record(func() series.Set { s := queue(2); s.Guides = []series.Guide{bound}; return s })
			t.Guide(bound)
			t.Mark(deadline)
			t.Mark(deadline)
		}, true, 2, []series.Guide{bound}, ""},
		{"a recorder that panics loses the recording, not the verdict", func(t *T, n *int) {
			t.Record(func() series.Set { panic("no meter") })
		}, true, -1, nil, "recording the run's series panicked: no meter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			test := &Test{Name: "T", Run: func(st *T) { tc.run(st, &n) }}
			o := NewT(Options{Lab: &Lab{Name: "record-lab"}, Test: test}).Run()
			assert.Equal(t, tc.passed, o.Passed(), o.Describe())
			if tc.err != "" {
				require.Error(t, o.RecordErr)
				assert.Contains(t, o.RecordErr.Error(), tc.err)
			} else {
				assert.NoError(t, o.RecordErr)
			}
			if tc.points < 0 {
				assert.Nil(t, o.Recording)
				return
			}
			require.NotNil(t, o.Recording)
			assert.Equal(t, tc.guides, o.Recording.Guides)
			if strings.Contains(tc.name, "marks") {
				assert.Equal(t, []series.Interval{deadline}, o.Recording.Marks)
			}
			if tc.points == 0 {
				assert.Empty(t, o.Recording.Series)
				return
			}
			require.Len(t, o.Recording.Series, 1)
			assert.Len(t, o.Recording.Series[0].Points, tc.points)
		})
	}
}

// TestReferenceCodeIsTheImplementations: for a platform implementation, a
// panic in a lab's internal/reference or mutants package is the
// implementation's (whatever closure wraps it); for a student's, never.
func TestReferenceCodeIsTheImplementations(t *testing.T) {
	const ref = "github.com/faultline-dev/faultline/labs/shardkv/internal/reference"
	for _, tc := range []struct {
		impl, pkg string
		want      bool
	}{
		{"mutant:config-saved-apart", ref, true},
		{"solution", "github.com/faultline-dev/faultline/labs/backoff/mutants", true},
		{"solution", "github.com/faultline-dev/faultline/labs/shardkv/shardkvlab", false},
		{"solution", "github.com/faultline-dev/faultline/grader/sim", false},
		{"student", ref, false},
	} {
		t.Run(tc.impl+" "+tc.pkg, func(t *testing.T) {
			rt := NewT(Options{Lab: &Lab{Name: "blame-lab"}, Test: &Test{Name: "T"}, ImplName: tc.impl})
			assert.Equal(t, tc.want, rt.isImpl(tc.pkg))
		})
	}
}
