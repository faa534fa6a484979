package site

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// A timer circle with no arrow from it (an election timer that fires after
// the node heard from a leader, and is set again) looks like a fault to a
// reader who saw other circles start elections: when a window shows both
// kinds, the legend says what the silent one means (issue 25, item 3).
func TestLegendExplainsSilentTimers(t *testing.T) {
	fire := func(n int) *trace.Record {
		return &trace.Record{Kind: trace.TimerFire, Node: node.ID(n), Type: "electionTimeout"}
	}
	send := func(from, to int) *trace.Record {
		return &trace.Record{Kind: trace.Send, Node: node.ID(from), Peer: node.ID(to), Type: "RequestVote"}
	}
	lost := func(from, to int) *trace.Record {
		return &trace.Record{Kind: trace.Drop, Node: node.ID(to), Peer: node.ID(from), Type: "RequestVote"}
	}
	for _, tc := range []struct {
		name string
		rows []timeRow
		want bool
	}{
		{"a timer that sends and one that does not", []timeRow{{recs: []*trace.Record{fire(1), send(1, 2)}}, {recs: []*trace.Record{fire(2)}}}, true},
		{"a timer whose messages are all lost still sent them", []timeRow{{recs: []*trace.Record{fire(1), lost(1, 2)}}, {recs: []*trace.Record{fire(2)}}}, true},
		{"only silent timers", []timeRow{{recs: []*trace.Record{fire(1)}}, {recs: []*trace.Record{fire(2)}}}, false},
		{"only timers that send", []timeRow{{recs: []*trace.Record{fire(1), send(1, 2)}}}, false},
		{"another node's send does not count", []timeRow{{recs: []*trace.Record{fire(1), send(2, 1)}}, {recs: []*trace.Record{fire(3), send(3, 1)}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items := legendItems(tc.rows, func(*trace.Record) string { return "" }, false)
			found := false
			for _, it := range items {
				if it.glyph == "" && it.text == silentTimerNote {
					found = true
				}
			}
			assert.Equal(t, tc.want, found, "%+v", items)
		})
	}
}
