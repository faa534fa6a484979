package site

import (
	"testing"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLayoutRows(t *testing.T) {
	send := func(ms int64, n node.ID) *trace.Record {
		return &trace.Record{T: ms * 1_000_000, Kind: trace.Send, Node: n, Peer: 9}
	}
	state := func(ms int64, n node.ID) *trace.Record {
		return &trace.Record{T: ms * 1_000_000, Kind: trace.State, Node: n}
	}
	note := func(ms int64) *trace.Record { return &trace.Record{T: ms * 1_000_000, Kind: trace.Note, Text: "x"} }
	one := func(*trace.Record) int { return 1 }
	for _, tc := range []struct {
		name  string
		recs  []*trace.Record
		maxY  int
		lines func(*trace.Record) int
		ys    []int   // row heights
		gaps  []int64 // ms skipped before each row
	}{
		{"one instant shares a row", []*trace.Record{send(0, 1), send(0, 2), send(0, 1)}, 1000, one,
			[]int{100}, []int64{0}},
		{"two labelled marks on a node take two rows", []*trace.Record{state(0, 1), state(0, 2), state(0, 1)}, 1000, one,
			[]int{100, 100 + rowMin}, []int64{0, 0}},
		{"a band has a row of its own", []*trace.Record{send(0, 1), note(0), send(0, 2)}, 1000, one,
			[]int{100, 100 + rowMin, 100 + 2*rowMin}, []int64{0, 0, 0}},
		{"steps of one unit, then a break for 48 units", []*trace.Record{send(0, 1), send(1, 1), send(2, 1), send(3, 1), send(51, 1)}, 1000, one,
			[]int{100, 100 + rowMin + 3, 100 + 2*(rowMin+3), 100 + 3*(rowMin+3), 100 + 3*(rowMin+3) + breakH}, []int64{0, 0, 0, 0, 48}},
		{"a wrapped band pushes the next row down", []*trace.Record{note(0), send(0, 1)}, 1000, func(*trace.Record) int { return 3 },
			[]int{100, 100 + rowMin + 2*lineH}, []int64{0, 0}},
		{"no break for a gap that is a small share of the window", []*trace.Record{send(0, 1), send(1, 1), send(2, 1), send(3, 1), send(12, 1), send(13, 1), send(200, 1)}, 1000, one,
			[]int{100, 125, 150, 175, 175 + rowMin + rowExtra, 175 + rowMin + rowExtra + 25, 175 + rowMin + rowExtra + 25 + breakH}, []int64{0, 0, 0, 0, 0, 0, 187}},
		{"no events", nil, 1000, one, nil, nil},
		{"rows stop at maxY", []*trace.Record{send(0, 1), send(1, 1), send(2, 1)}, 100 + rowMin + 3, one,
			[]int{100, 100 + rowMin + 3}, []int64{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := layoutRows(tc.recs, 100, tc.maxY, tc.lines)
			var ys []int
			var gaps []int64
			for _, r := range rows {
				ys = append(ys, r.y)
				gaps = append(gaps, r.gap/1_000_000)
			}
			assert.Equal(t, tc.ys, ys)
			assert.Equal(t, tc.gaps, gaps)
		})
	}
}

func TestWrapText(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     string
		width float64 // in characters of 6 units (size 10)
		want  []string
	}{
		{"fits", "a short line", 20, []string{"a short line"}},
		{"breaks between words", "one two three four", 9, []string{"one two", "three", "four"}},
		{"cuts a word wider than a line", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"empty", "", 10, []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, wrapText(tc.s, tc.width*6, 10))
		})
	}
}

// TestSVGProblems checks the checker the course's diagrams are held to.
func TestSVGProblems(t *testing.T) {
	text := func(x, y int, anchor, s string) string {
		return `<text class="dg-label" x="` + itoa(x) + `" y="` + itoa(y) + `" font-size="10" text-anchor="` + anchor + `">` + s + `</text>`
	}
	svg := func(h int, texts ...string) []byte {
		out := `<svg xmlns="http://www.w3.org/2000/svg" class="dg" viewBox="0 0 200 ` + itoa(h) + `" width="200" height="` + itoa(h) + `">`
		for _, t := range texts {
			out += t
		}
		return []byte(out + `</svg>`)
	}
	for _, tc := range []struct {
		name string
		svg  []byte
		want []string
	}{
		{"apart", svg(100, text(10, 20, "start", "one"), text(10, 40, "start", "two")), nil},
		{"overlapping", svg(100, text(10, 20, "start", "follower t1"), text(40, 24, "start", "RequestVoteReply")),
			[]string{`"RequestVoteReply" at (40, 24) overlaps "follower t1"`}},
		{"cut at the right edge", svg(100, text(190, 20, "start", "follower t")),
			[]string{`"follower t" at (190, 20) crosses the edge of the 200x100 diagram`}},
		{"cut at the left edge", svg(100, text(5, 20, "end", "0ms")),
			[]string{`"0ms" at (5, 20) crosses the edge`}},
		{"too tall", svg(DefaultMaxHeight+1, text(10, 20, "start", "x")), []string{"901 px tall, more than 900"}},
		{"no text", svg(100), []string{"no text at all"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := svgProblems(tc.svg)
			assert.Len(t, got, len(tc.want), "%q", got)
			for i := range min(len(got), len(tc.want)) {
				assert.Contains(t, got[i], tc.want[i])
			}
		})
	}
}

func itoa(i int) string { return num(float64(i)) }

// The legend says which timers its circles are: a circle alone does not
// tell an election timeout from a heartbeat. A predeclared payload type
// (string) names nothing and is left out.
func TestLegendNamesTimers(t *testing.T) {
	fire := func(typ string) *trace.Record { return &trace.Record{Kind: trace.TimerFire, Node: 1, Type: typ} }
	for _, tc := range []struct {
		name string
		recs []*trace.Record
		want string
	}{
		{"lab timers in order", []*trace.Record{fire("heartbeat"), fire("electionTimeout"), fire("heartbeat")}, "timer fired: heartbeat, electionTimeout"},
		{"a string payload", []*trace.Record{fire("string")}, "timer fired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items := legendItems([]timeRow{{recs: tc.recs}}, func(*trace.Record) string { return "" }, false)
			require.Len(t, items, 1)
			assert.Equal(t, legendItem{glyph: "timer", text: tc.want}, items[0])
		})
	}
}
