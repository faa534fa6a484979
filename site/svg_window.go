package site

import (
	"fmt"
	"slices"
	"time"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// aroundBefore is how many events of context a window chosen with Around
// shows before the event it is about.
const aroundBefore = 8

// Vertical spacing of the rows, in SVG user units. A row holds the events
// of one instant; consecutive rows are rowMin apart plus up to rowExtra in
// proportion to the time between them, and a gap longer than breakAfter
// time units is drawn as a break of height breakH instead.
const (
	rowMin     = 22
	rowExtra   = 24
	breakAfter = 8
	breakH     = 34
	breakShare = 10 // a break hides at least 1/breakShare of the window's time
	lineH      = 14 // between the lines of a wrapped band
	dropExtra  = 14 // more room above a row with lost messages
)

// timeRow is one instant of the diagram: the events drawn at one height.
type timeRow struct {
	t    int64
	y    int
	recs []*trace.Record
	// gap is the virtual time skipped just before this row (drawn as a
	// break), or 0.
	gap int64
}

// drawable reports whether r is an event the diagram draws, given which
// nodes are shown and whether log lines are.
func drawable(r *trace.Record, shown func(node.ID) bool, logs bool) bool {
	switch r.Kind {
	case trace.Log:
		return logs && shown(r.Node)
	case trace.Send, trace.Deliver, trace.Drop:
		return shown(r.Node) && shown(r.Peer)
	case trace.TimerFire, trace.Crash, trace.Restart, trace.Pause, trace.Resume, trace.Clock, trace.Panic:
		return shown(r.Node)
	case trace.Partition, trace.Note:
		return true
	case trace.Check:
		return r.Verdict == "fail"
	case trace.State:
		return shown(r.Node) && stateLabel(r.Data) != ""
	}
	return false
}

// fullWidth reports whether r is drawn as a band across the diagram, on a
// row of its own.
func fullWidth(r *trace.Record) bool {
	return r.Kind == trace.Partition || r.Kind == trace.Note || r.Kind == trace.Check || r.Kind == trace.Log
}

// marks reports whether r puts a labelled mark on its node's lifeline, so
// that two of them on one node need two rows. A timer's circle has no
// label: a burst of timers on one node shares a row.
func marks(r *trace.Record) bool {
	switch r.Kind {
	case trace.Crash, trace.Restart, trace.Pause, trace.Resume, trace.Clock, trace.Panic, trace.State:
		return true
	}
	return false
}

// anchorOf reports whether r is the kind of event an around window is
// about.
func anchorOf(around string, r *trace.Record) bool {
	switch around {
	case "first-drop":
		return r.Kind == trace.Drop
	case "first-crash":
		return r.Kind == trace.Crash || r.Kind == trace.Panic
	case "first-partition":
		return r.Kind == trace.Partition
	case "first-failed-check":
		return r.Kind == trace.Check && r.Verdict == "fail"
	}
	return false
}

// window picks the events to draw: the drawable records in [From, To], or
// from a few events before the first one Around names, at most MaxEvents
// of them.
func window(buf *trace.Buffer, o SVGOptions, shown func(node.ID) bool) ([]*trace.Record, error) {
	var kept []*trace.Record
	for i := range buf.Records {
		r := &buf.Records[i]
		if !drawable(r, shown, o.Logs) {
			continue
		}
		if r.T < int64(o.From) || (o.To > 0 && r.T > int64(o.To)) {
			continue
		}
		kept = append(kept, r)
	}
	if o.Around != "" {
		at := slices.IndexFunc(kept, func(r *trace.Record) bool { return anchorOf(o.Around, r) })
		if at < 0 {
			return nil, fmt.Errorf("diagram is around %s, but the run has no such event among the nodes shown", o.Around)
		}
		kept = kept[max(0, at-aroundBefore):]
	}
	if len(kept) > o.MaxEvents {
		kept = kept[:o.MaxEvents]
	}
	return kept, nil
}

// layoutRows groups events into rows, one per instant (an instant that
// needs two marks on one node, or a band, takes more), and spaces the rows
// by the time between them: unit is the typical gap, and a gap of more
// than breakAfter units that is also a tenth of the window (so that a
// storm of events a microsecond apart is not cut by breaks of a
// millisecond) becomes a break. A band of more than one line of
// text (lines says how many) pushes the next row down. Rows stop before y
// would pass maxY; the caller learns how many events fit from the rows'
// recs.
func layoutRows(recs []*trace.Record, top, maxY int, lines func(*trace.Record) int) []timeRow {
	var rows []timeRow
	for _, r := range recs {
		if n := len(rows); n > 0 && r.T == rows[n-1].t && fitsRow(rows[n-1].recs, r) {
			rows[n-1].recs = append(rows[n-1].recs, r)
			continue
		}
		rows = append(rows, timeRow{t: r.T, recs: []*trace.Record{r}})
	}
	if len(rows) == 0 {
		return nil
	}
	unit := typicalGap(recs)
	span := rows[len(rows)-1].t - rows[0].t
	y := top
	for i := range rows {
		if i > 0 {
			prev := rows[i-1]
			if fullWidth(prev.recs[0]) {
				y += (lines(prev.recs[0]) - 1) * lineH
			}
			dt := rows[i].t - prev.t
			switch {
			case dt > breakAfter*unit && dt*breakShare >= span:
				y += breakH
				rows[i].gap = dt
			default:
				y += rowMin + int(min(int64(rowExtra), int64(rowExtra)*dt/(breakAfter*unit)))
			}
			// Room for lost messages' crosses and labels: a cross is drawn
			// between its send and its drop, or below both when they
			// happen at once.
			if hasDrop(rows[i]) {
				y += dropExtra
			}
			if hasDrop(prev) {
				y += dropExtra
			}
		}
		if y > maxY {
			return rows[:i]
		}
		rows[i].y = y
	}
	return rows
}

func hasDrop(r timeRow) bool {
	return slices.ContainsFunc(r.recs, func(r *trace.Record) bool { return r.Kind == trace.Drop })
}

// fitsRow reports whether r can share a row with recs: a band needs a row
// to itself, and a node shows one labelled mark per row.
func fitsRow(recs []*trace.Record, r *trace.Record) bool {
	for _, o := range recs {
		if fullWidth(o) || fullWidth(r) {
			return false
		}
		if marks(r) && marks(o) && o.Node == r.Node {
			return false
		}
	}
	return true
}

// typicalGap is the lower quartile of the positive time steps between
// events, at least a microsecond: the time unit rows are spaced by. Not the
// median: in a run that is quiet between heartbeats, half the steps may be
// the quiet stretches that should show as breaks.
func typicalGap(recs []*trace.Record) int64 {
	var gaps []int64
	for i := 1; i < len(recs); i++ {
		if d := recs[i].T - recs[i-1].T; d > 0 {
			gaps = append(gaps, d)
		}
	}
	if len(gaps) == 0 {
		return int64(time.Millisecond)
	}
	slices.Sort(gaps)
	return max(int64(time.Microsecond), gaps[len(gaps)/4])
}
