package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"time"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// SVGOptions choose what part of a trace a diagram shows.
type SVGOptions struct {
	MaxEvents int      // rows to draw; 0 means 80
	Nodes     []string // node names to show ("n1"); empty means all
	Title     string   // accessible title
}

// Geometry of the diagram, in SVG user units.
const (
	gutterW = 78
	colW    = 130
	rowH    = 20
	headH   = 44
	padB    = 16
)

// row is one drawn event.
type row struct {
	rec *trace.Record
	y   int
}

// DrawSVG draws a space-time diagram of buf: one vertical lifeline per node,
// time flowing down one row per event, messages as arrows from the send row
// on the sender's line to the delivery row on the receiver's, drops as
// arrows ending in a cross, and crashes, restarts, pauses, partitions and
// state changes marked on the lifelines. Styling is by CSS class (dg-*), so
// the site's light and dark themes apply.
func DrawSVG(buf *trace.Buffer, o SVGOptions) ([]byte, error) {
	if o.MaxEvents <= 0 {
		o.MaxEvents = 80
	}
	cols := map[node.ID]int{}
	var ids []node.ID
	for _, id := range buf.Head.Nodes {
		if len(o.Nodes) == 0 || slices.Contains(o.Nodes, id.String()) {
			cols[id] = len(ids)
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("diagram shows no nodes: nodes %v are not in the run (it has %v)", o.Nodes, buf.Head.Nodes)
	}
	shown := func(id node.ID) bool { _, ok := cols[id]; return ok }
	x := func(id node.ID) int { return gutterW + cols[id]*colW + colW/2 }

	// Choose the rows: events a reader can see, in order.
	var rows []row
	sendRow := map[uint64]int{} // message id -> y of its send
	for i := range buf.Records {
		r := &buf.Records[i]
		keep := false
		switch r.Kind {
		case trace.Send:
			keep = shown(r.Node) && shown(r.Peer)
		case trace.Deliver, trace.Drop:
			keep = shown(r.Node) && shown(r.Peer)
		case trace.TimerFire, trace.Crash, trace.Restart, trace.Pause, trace.Resume, trace.Clock, trace.Panic:
			keep = shown(r.Node)
		case trace.Partition:
			keep = true
		case trace.State:
			keep = shown(r.Node) && stateLabel(r.Data) != ""
		}
		if !keep {
			continue
		}
		if len(rows) == o.MaxEvents {
			break
		}
		y := headH + len(rows)*rowH + rowH/2
		rows = append(rows, row{rec: r, y: y})
		if r.Kind == trace.Send {
			sendRow[r.Msg] = y
		}
	}
	width := gutterW + len(ids)*colW
	height := headH + len(rows)*rowH + padB

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="dg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		width, height, width, height, html.EscapeString(o.Title))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(o.Title))
	b.WriteString(`<defs><marker id="dg-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="dg-head"/></marker></defs>`)

	// Column headers and lifelines; a crashed node's line is dashed until it restarts.
	bottom := height - padB
	for _, id := range ids {
		fmt.Fprintf(&b, `<text class="dg-node" x="%d" y="20" text-anchor="middle">%s</text>`, x(id), id)
		segStart, downFrom := headH-8, -1
		for _, r := range rows {
			if r.rec.Node != id {
				continue
			}
			switch {
			case r.rec.Kind == trace.Crash && downFrom < 0:
				lifeline(&b, "dg-life", x(id), segStart, r.y)
				downFrom = r.y
			case r.rec.Kind == trace.Restart && downFrom >= 0:
				lifeline(&b, "dg-life dg-down", x(id), downFrom, r.y)
				segStart, downFrom = r.y, -1
			}
		}
		if downFrom >= 0 {
			lifeline(&b, "dg-life dg-down", x(id), downFrom, bottom)
		} else {
			lifeline(&b, "dg-life", x(id), segStart, bottom)
		}
	}

	// Time gutter: the virtual time where it changes.
	last := int64(-1)
	for _, r := range rows {
		if r.rec.T != last {
			fmt.Fprintf(&b, `<text class="dg-time" x="%d" y="%d" text-anchor="end">%s</text>`, gutterW-10, r.y+4, fmtTime(r.rec.T))
			last = r.rec.T
		}
	}

	for _, r := range rows {
		rec := r.rec
		switch rec.Kind {
		case trace.Send:
			fmt.Fprintf(&b, `<circle class="dg-send" cx="%d" cy="%d" r="2.5"/>`, x(rec.Node), r.y)
		case trace.Deliver:
			y0, ok := sendRow[rec.Msg]
			if !ok {
				continue
			}
			x0, x1 := x(rec.Peer), x(rec.Node)
			fmt.Fprintf(&b, `<line class="dg-msg" x1="%d" y1="%d" x2="%d" y2="%d" marker-end="url(#dg-head)"><title>%s %s→%s at %s</title></line>`,
				x0, y0, x1, r.y, html.EscapeString(rec.Type), rec.Peer, rec.Node, fmtTime(rec.T))
			label(&b, "dg-label", (x0+x1)/2, (y0+r.y)/2-3, rec.Type)
		case trace.Drop:
			y0, ok := sendRow[rec.Msg]
			if !ok {
				y0 = r.y
			}
			x0, x1 := x(rec.Peer), x(rec.Node)
			xm, ym := x0+(x1-x0)*3/5, y0+(r.y-y0)*3/5
			if ym == y0 {
				ym = y0 + rowH/2
			}
			fmt.Fprintf(&b, `<line class="dg-msg dg-lost" x1="%d" y1="%d" x2="%d" y2="%d"><title>%s %s→%s dropped: %s</title></line>`,
				x0, y0, xm, ym, html.EscapeString(rec.Type), rec.Peer, rec.Node, html.EscapeString(rec.Text))
			fmt.Fprintf(&b, `<path class="dg-x" d="M%d,%d l8,8 M%d,%d l-8,8"/>`, xm-4, ym-4, xm+4, ym-4)
			label(&b, "dg-label dg-lost-label", xm, ym-7, rec.Type+" ✗ "+rec.Text)
		case trace.TimerFire:
			fmt.Fprintf(&b, `<circle class="dg-timer" cx="%d" cy="%d" r="4"><title>timer %s fired on %s</title></circle>`, x(rec.Node), r.y, html.EscapeString(rec.Type), rec.Node)
		case trace.Crash, trace.Panic:
			fmt.Fprintf(&b, `<path class="dg-crash" d="M%d,%d l12,12 M%d,%d l-12,12"/>`, x(rec.Node)-6, r.y-6, x(rec.Node)+6, r.y-6)
			label(&b, "dg-event dg-bad", x(rec.Node)+10, r.y+4, string(rec.Kind)).start()
		case trace.Restart:
			fmt.Fprintf(&b, `<rect class="dg-restart" x="%d" y="%d" width="10" height="10"/>`, x(rec.Node)-5, r.y-5)
			label(&b, "dg-event dg-good", x(rec.Node)+10, r.y+4, "restart").start()
		case trace.Pause, trace.Resume:
			fmt.Fprintf(&b, `<rect class="dg-pause" x="%d" y="%d" width="8" height="8"/>`, x(rec.Node)-4, r.y-4)
			label(&b, "dg-event", x(rec.Node)+10, r.y+4, string(rec.Kind)).start()
		case trace.Clock:
			label(&b, "dg-event", x(rec.Node)+8, r.y+4, "clock "+rec.Text).start()
		case trace.Partition:
			fmt.Fprintf(&b, `<line class="dg-partition" x1="%d" y1="%d" x2="%d" y2="%d"/>`, gutterW, r.y, width-4, r.y)
			label(&b, "dg-event dg-bad", gutterW+4, r.y-4, rec.Text).start()
		case trace.State:
			label(&b, "dg-state", x(rec.Node)+6, r.y+4, stateLabel(rec.Data)).start()
		}
	}
	b.WriteString(`</svg>`)
	return b.Bytes(), nil
}

func lifeline(b *bytes.Buffer, class string, x, y0, y1 int) {
	fmt.Fprintf(b, `<line class="%s" x1="%d" y1="%d" x2="%d" y2="%d"/>`, class, x, y0, x, y1)
}

type textEl struct {
	b   *bytes.Buffer
	pos int
}

// start makes the label left-aligned instead of centred.
func (t textEl) start() {
	bs := t.b.Bytes()
	tail := bytes.Replace(bs[t.pos:], []byte(`text-anchor="middle"`), []byte(`text-anchor="start"`), 1)
	t.b.Truncate(t.pos)
	t.b.Write(tail)
}

func label(b *bytes.Buffer, class string, x, y int, s string) textEl {
	pos := b.Len()
	fmt.Fprintf(b, `<text class="%s" x="%d" y="%d" text-anchor="middle">%s</text>`, class, x, y, html.EscapeString(s))
	return textEl{b: b, pos: pos}
}

// stateLabel turns a state record's data into a short label such as
// "leader t3"; it is empty for states with nothing to show.
func stateLabel(data json.RawMessage) string {
	var st struct {
		Role string `json:"role"`
		Term int    `json:"term"`
	}
	if json.Unmarshal(data, &st) != nil || st.Role == "" {
		return ""
	}
	if st.Term > 0 {
		return fmt.Sprintf("%s t%d", st.Role, st.Term)
	}
	return st.Role
}

func fmtTime(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d/time.Microsecond)
	case d%time.Millisecond == 0:
		return fmt.Sprintf("%dms", d/time.Millisecond)
	default:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
}
