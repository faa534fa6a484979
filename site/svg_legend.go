package site

import (
	"bytes"
	"fmt"
	"go/types"
	"strings"
	"unicode"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// legendItem explains one mark the diagram uses, or one label abbreviation
// (glyph "").
type legendItem struct {
	glyph string
	text  string
}

// Legend geometry: items flow left to right and wrap.
const (
	legendLine   = 16
	legendGlyphW = 22
	legendGap    = 14
	legendLeft   = 8
)

// legendItems lists what rows use, in a fixed order: the marks, then the
// abbreviations of message labels ("RV: RequestVote, RequestVoteReply").
// down says a node is down when the window opens.
func legendItems(rows []timeRow, msgLabel func(*trace.Record) string, down bool) []legendItem {
	has := map[string]bool{"down": down}
	var abbrevs []string
	types := map[string][]string{}
	granted, failed := map[string]bool{}, map[string]bool{}
	var timers []string // the timers that fire, by their payload's type
	// idle and busy count timer fires after which the node sends nothing
	// at that instant, and those after which it does.
	idle, busy := 0, 0
	for _, r := range rows {
		for _, rec := range r.recs {
			if rec.Kind != trace.TimerFire {
				continue
			}
			if sendsAt(r.recs, rec.Node) {
				busy++
			} else {
				idle++
			}
		}
	}
	for _, r := range rows {
		if r.gap > 0 {
			has["gap"] = true
		}
		for _, rec := range r.recs {
			switch rec.Kind {
			case trace.Deliver, trace.Send:
				has["msg"] = true
			case trace.Drop:
				has["lost"] = true
			case trace.Crash, trace.Panic:
				has["crash"] = true
			case trace.Restart:
				has["restart"] = true
			case trace.TimerFire:
				has["timer"] = true
				if named(rec.Type) && !contains(timers, rec.Type) {
					timers = append(timers, rec.Type)
				}
			case trace.Pause, trace.Resume:
				has["pause"] = true
			case trace.Partition:
				has["partition"] = true
			case trace.Check:
				has["check"] = true
			case trace.State:
				has["state"] = true
			case trace.Log:
				has["log"] = true
			}
			if rec.Kind != trace.Deliver && rec.Kind != trace.Drop && rec.Kind != trace.Send {
				continue
			}
			word := abbrevOf(msgLabel(rec))
			if word == "" || word == rec.Type {
				continue
			}
			// A reply's ✓ and ✗ share an entry: "AE✓/✗".
			key := strings.ReplaceAll(word, "✗", "✓")
			if _, ok := types[key]; !ok {
				abbrevs = append(abbrevs, key)
			}
			if !contains(types[key], rec.Type) {
				types[key] = append(types[key], rec.Type)
			}
			if word != key {
				failed[key] = true
			} else if strings.Contains(word, "✓") {
				granted[key] = true
			}
		}
	}
	if has["crash"] {
		has["down"] = false
	}
	// A circle alone does not say which timer fired (an election timeout or
	// a heartbeat, in Raft): the legend names the ones the window shows.
	timerText := "timer fired"
	if len(timers) > 0 {
		timerText += ": " + strings.Join(timers, ", ")
	}
	var out []legendItem
	for _, it := range []legendItem{
		{"msg", "message"}, {"lost", "lost (✗ why)"}, {"timer", timerText},
		{"crash", "crash; node down"}, {"down", "node down"}, {"restart", "restart"}, {"pause", "pause / resume"},
		{"partition", "partition changes"}, {"check", "check failed"},
		{"state", "role and term"}, {"log", "log line"}, {"gap", "time skipped"},
	} {
		if has[it.glyph] {
			out = append(out, it)
		}
	}
	for _, a := range abbrevs {
		shown := a
		switch {
		case granted[a] && failed[a]:
			shown = strings.ReplaceAll(a, "✓", "✓/✗")
		case failed[a]:
			shown = strings.ReplaceAll(a, "✓", "✗")
		}
		out = append(out, legendItem{text: shown + ": " + strings.Join(types[a], ", ")})
	}
	// A circle with no arrow from it (an election timer that fires after
	// the node heard from a leader, a stale heartbeat) looks like a fault
	// to a reader who saw other circles start elections: when the window
	// shows both kinds, the legend says what the silent one means.
	if idle > 0 && busy > 0 {
		out = append(out, legendItem{text: silentTimerNote})
	}
	return out
}

// silentTimerNote explains a timer circle with no arrow from it.
const silentTimerNote = "a circle with no arrow: the timer sent nothing"

// sendsAt reports whether node sends a message among recs, the records
// of one instant.
func sendsAt(recs []*trace.Record, id node.ID) bool {
	for _, r := range recs {
		// A drop names the sender as its peer, as a delivery does.
		if r.Kind == trace.Send && r.Node == id || r.Kind == trace.Drop && r.Peer == id {
			return true
		}
	}
	return false
}

// named reports whether a timer's payload type names the timer: a lab's
// own type (electionTimeout) does, a predeclared one (string, int) does not.
func named(typ string) bool {
	return typ != "" && types.Universe.Lookup(typ) == nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// abbrevOf is the abbreviation a label starts with: its first word without
// a trailing number ("RV✓ t2" gives "RV✓", "L3 @20ms" gives "L").
func abbrevOf(label string) string {
	word, _, _ := strings.Cut(label, " ")
	return strings.TrimRightFunc(word, unicode.IsDigit)
}

// legendPos places items in a diagram width wide: the x of each item's
// glyph and its line, and the number of lines.
func legendPos(items []legendItem, width int) (xs []float64, lines []int, n int) {
	x, line := float64(legendLeft), 0
	for _, it := range items {
		w := textWidth(it.text, labelSize)
		if it.glyph != "" {
			w += legendGlyphW + 4
		}
		if x > legendLeft && x+w > float64(width-legendLeft) {
			x, line = legendLeft, line+1
		}
		xs, lines = append(xs, x), append(lines, line)
		x += w + legendGap
	}
	if len(items) > 0 {
		n = line + 1
	}
	return xs, lines, n
}

// legendHeight is the height the legend of items takes, separator included.
func legendHeight(items []legendItem, width int) int {
	_, _, n := legendPos(items, width)
	if n == 0 {
		return 0
	}
	return 8 + n*legendLine
}

// drawLegend draws items from y top down: each glyph, then its text.
func drawLegend(b *bytes.Buffer, text *labels, items []legendItem, top, width int) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, `<line class="dg-rule" x1="%d" y1="%d" x2="%d" y2="%d"/>`, legendLeft, top, width-legendLeft, top)
	xs, lines, _ := legendPos(items, width)
	for i, it := range items {
		x, mid := xs[i], float64(top+8+lines[i]*legendLine+legendLine/2)
		if it.glyph == "" {
			text.fixed("dg-legend", it.text, x, mid+3.5, labelSize, "start")
			continue
		}
		g0, g1 := x+2, x+legendGlyphW-2
		switch it.glyph {
		case "msg":
			fmt.Fprintf(b, `<line class="dg-msg" x1="%s" y1="%s" x2="%s" y2="%s" marker-end="url(#dg-head)"/>`, num(g0), num(mid), num(g1), num(mid))
		case "lost":
			fmt.Fprintf(b, `<line class="dg-msg dg-lost" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(g0), num(mid), num(g1-6), num(mid))
			fmt.Fprintf(b, `<path class="dg-x" d="M%s,%s l6,6 M%s,%s l-6,6"/>`, num(g1-6), num(mid-3), num(g1), num(mid-3))
		case "timer":
			fmt.Fprintf(b, `<circle class="dg-timer" cx="%s" cy="%s" r="4"/>`, num((g0+g1)/2), num(mid))
		case "crash":
			c := (g0 + g1) / 2
			fmt.Fprintf(b, `<path class="dg-crash" d="M%s,%s l8,8 M%s,%s l-8,8"/>`, num(c-4), num(mid-4), num(c+4), num(mid-4))
		case "down":
			fmt.Fprintf(b, `<line class="dg-life dg-down" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num((g0+g1)/2), num(mid-6), num((g0+g1)/2), num(mid+6))
		case "restart":
			fmt.Fprintf(b, `<rect class="dg-restart" x="%s" y="%s" width="10" height="10"/>`, num((g0+g1)/2-5), num(mid-5))
		case "pause":
			fmt.Fprintf(b, `<rect class="dg-pause" x="%s" y="%s" width="8" height="8"/>`, num((g0+g1)/2-4), num(mid-4))
		case "partition":
			fmt.Fprintf(b, `<line class="dg-partition" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(g0), num(mid), num(g1), num(mid))
		case "check":
			fmt.Fprintf(b, `<line class="dg-check" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(g0), num(mid), num(g1), num(mid))
		case "state":
			fmt.Fprintf(b, `<rect class="dg-state-key" x="%s" y="%s" width="%s" height="8"/>`, num(g0), num(mid-4), num(g1-g0))
		case "log":
			fmt.Fprintf(b, `<circle class="dg-logdot" cx="%s" cy="%s" r="2"/>`, num((g0+g1)/2), num(mid))
		case "gap":
			fmt.Fprintf(b, `<rect class="dg-gap" x="%s" y="%s" width="%s" height="8"/>`, num(g0), num(mid-4), num(g1-g0))
		}
		class := "dg-legend"
		text.fixed(class, it.text, x+legendGlyphW+4, mid+3.5, labelSize, "start")
	}
}
