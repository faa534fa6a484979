package suite

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
)

func TestItemNamesRoundTrip(t *testing.T) {
	for _, it := range []Item{
		{Kind: "fault", Index: 3},
		{Kind: "op", At: 1500 * time.Millisecond},
		{Kind: "crash", At: 2 * time.Second, Index: 2},
	} {
		got, err := ParseItem(it.String())
		require.NoError(t, err, it.String())
		assert.Equal(t, it, got)
	}
	for _, bad := range []string{"fault#x", "op", "@1s", "op@soon", "op@1s#-1"} {
		_, err := ParseItem(bad)
		assert.Error(t, err, bad)
	}
}

func TestUndoOf(t *testing.T) {
	s := faults.Schedule{
		{Kind: faults.Partition},                       // 0
		{Kind: faults.Crash, Nodes: []node.ID{1}},      // 1
		{Kind: faults.OneWay},                          // 2
		{Kind: faults.Heal},                            // 3: undoes 0 and 2
		{Kind: faults.Pause, Nodes: []node.ID{2}},      // 4
		{Kind: faults.Restart, Nodes: []node.ID{1, 3}}, // 5: undoes 1
		{Kind: faults.Resume, Nodes: []node.ID{2}},     // 6: undoes 4
		{Kind: faults.Heal},                            // 7: undoes nothing
	}
	assert.Equal(t, map[int][]int{3: {0, 2}, 5: {1}, 6: {4}, 7: nil}, UndoOf(s))
}

// TestScheduleDropsUndoWithItsFaults: removing every fault a heal undoes
// removes the heal; removing one of two keeps it.
func TestScheduleDropsUndoWithItsFaults(t *testing.T) {
	s := faults.Schedule{{Kind: faults.Partition}, {Kind: faults.OneWay}, {Kind: faults.Heal}, {Kind: faults.Crash, Nodes: []node.ID{1}}, {Kind: faults.Restart, Nodes: []node.ID{1}}}
	for _, tc := range []struct {
		name string
		drop []int
		want []faults.Kind
	}{
		{"nothing", nil, []faults.Kind{faults.Partition, faults.OneWay, faults.Heal, faults.Crash, faults.Restart}},
		{"one cut", []int{0}, []faults.Kind{faults.OneWay, faults.Heal, faults.Crash, faults.Restart}},
		{"both cuts", []int{0, 1}, []faults.Kind{faults.Crash, faults.Restart}},
		{"the crash", []int{3}, []faults.Kind{faults.Partition, faults.OneWay, faults.Heal}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			drop := map[Item]bool{}
			for _, i := range tc.drop {
				drop[Item{Kind: "fault", Index: i}] = true
			}
			tt := NewT(Options{Drop: drop})
			var got []faults.Kind
			for _, e := range tt.Schedule(s) {
				got = append(got, e.Kind)
			}
			assert.Equal(t, tc.want, got)
			assert.Len(t, tt.items, 3, "undo events are not items")
		})
	}
}

func TestKindOf(t *testing.T) {
	for msg, want := range map[string]string{
		"leader completeness: n2 was elected leader of term 4":               "leader completeness",
		`command "c1002" was not applied by 5 nodes within 10s: n1 follower`: `command "c#" was not applied by 5 nodes within 10s`,
		`command "c58" was not applied by 1 nodes within 10s: n1`:            `command "c#" was not applied by 1 nodes within 10s`,
		"the leader changed from n4 to n5 with no failure (at 6.3s)":         "the leader changed from n4 to n5 with no failure",
	} {
		assert.Equal(t, want, KindOf(msg), msg)
	}
}
