package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// SVGOptions choose what part of a trace a diagram shows and how.
type SVGOptions struct {
	MaxEvents int      // events to draw at most; 0 means 80
	Nodes     []string // node names to show ("n1"); empty means all
	Title     string   // accessible title
	// From and To bound the window in virtual time (To 0: to the end).
	From, To time.Duration
	// Around starts the window a few events before the run's first event
	// of a kind: first-drop, first-crash, first-partition or
	// first-failed-check (content.Arounds).
	Around string
	// Label labels a message from its type name and payload; nil, or "",
	// means the type name (suite.Labeler gives a lab's labels).
	Label func(typ string, payload json.RawMessage) string
	// MaxHeight bounds the diagram's height; 0 means DefaultMaxHeight.
	// Events that do not fit are left out, as if MaxEvents were smaller.
	MaxHeight int
	// Logs draws the nodes' log lines (Env.Logf) as rows of text.
	Logs bool
}

// DefaultMaxHeight is the tallest a diagram is drawn, in pixels: about a
// screen, so that a reader sees the whole figure next to its caption.
const DefaultMaxHeight = 900

// Geometry of the diagram, in SVG user units.
const (
	gutterW   = 78
	colW      = 130
	minWidth  = 460
	logsWidth = 700 // the least width of a diagram that shows log lines
	padR      = 16
	headH     = 44
	bodyTop   = headH + 10
	padB      = 10
	nodeSize  = 13
	labelSize = 10
	timeSize  = 10
)

// DrawSVG draws a space-time diagram of buf: one vertical lifeline per node,
// time flowing down, messages as labelled arrows from the send on the
// sender's line to the delivery on the receiver's, drops as arrows ending
// in a cross, crashes, restarts, pauses and state changes marked on the
// lifelines, partitions, notes and failed checks as bands across, and
// stretches of time with nothing to show as a break marked with the time
// skipped. Events at one instant share a row. A legend under the diagram
// explains the marks it uses. Styling is by CSS class (dg-*), so the
// site's light and dark themes apply.
func DrawSVG(buf *trace.Buffer, o SVGOptions) ([]byte, error) {
	if o.MaxEvents <= 0 {
		o.MaxEvents = 80
	}
	if o.MaxHeight <= 0 {
		o.MaxHeight = DefaultMaxHeight
	}
	if label := o.Label; label == nil {
		o.Label = func(typ string, _ json.RawMessage) string { return typ }
	} else {
		o.Label = func(typ string, payload json.RawMessage) string {
			if s := label(typ, payload); s != "" {
				return s
			}
			return typ
		}
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
	least := minWidth
	if o.Logs {
		least = logsWidth
	}
	cw := max(colW, (least-gutterW-padR)/len(ids))
	width := gutterW + len(ids)*cw + padR
	x := func(id node.ID) float64 { return float64(gutterW + cols[id]*cw + cw/2) }

	recs, err := window(buf, o, shown)
	if err != nil {
		return nil, err
	}
	sends := map[uint64]*trace.Record{}
	for i := range buf.Records {
		if r := &buf.Records[i]; r.Kind == trace.Send {
			sends[r.Msg] = r
		}
	}
	msgLabel := func(r *trace.Record) string {
		var payload json.RawMessage
		if s := sends[r.Msg]; s != nil {
			payload = s.Data
		}
		return o.Label(r.Type, payload)
	}

	// Rows, then the legend under them; the legend is sized for every
	// event of the window, so it never grows once rows are cut to fit.
	if len(recs) == 0 {
		return nil, fmt.Errorf("diagram window has no events (from %v to %v, around %q)", o.From, o.To, o.Around)
	}
	down := downBefore(buf, recs[0])
	anyDown := false
	for _, id := range ids {
		anyDown = anyDown || down[id]
	}
	legendFor := func(rows []timeRow) []legendItem { return legendItems(rows, msgLabel, anyDown) }
	bandW := float64(width - gutterW - padR)
	lines := func(r *trace.Record) int { return len(wrapText(bandText(r), bandW, labelSize)) }
	all := layoutRows(recs, bodyTop, 1<<30, lines)
	legendH := legendHeight(legendFor(all), width)
	rows := layoutRows(recs, bodyTop, o.MaxHeight-padB-legendH-rowMin-8-lineH*2, lines)
	if len(rows) == 0 {
		return nil, fmt.Errorf("diagram window has no events (from %v to %v, around %q)", o.From, o.To, o.Around)
	}
	bottom := rows[len(rows)-1].y + rowMin
	if last := rows[len(rows)-1].recs[0]; fullWidth(last) {
		bottom += (lines(last) - 1) * lineH
	}
	legendTop := bottom + 8
	items := legendFor(rows)
	height := legendTop + legendHeight(items, width) + padB

	rowOf := map[uint64]float64{} // message id -> y of its send
	for _, r := range rows {
		for _, rec := range r.recs {
			if rec.Kind == trace.Send {
				rowOf[rec.Msg] = float64(r.y)
			}
		}
	}

	var b bytes.Buffer // the body; the svg element is written last, when it is known what fitted
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(o.Title))
	b.WriteString(`<defs><marker id="dg-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="dg-head"/></marker></defs>`)
	text := &labels{width: float64(width), height: float64(height)}
	for _, id := range ids {
		text.lines = append(text.lines, x(id))
	}

	// Column headers and lifelines; a crashed node's line is dashed until
	// it restarts, from the top if it crashed before the window.
	for _, id := range ids {
		text.fixed("dg-node", id.String(), x(id), 20, nodeSize, "middle")
		segStart, downFrom := headH-8, -1
		if down[id] {
			downFrom = headH - 8
		}
		for _, r := range rows {
			for _, rec := range r.recs {
				if rec.Node != id {
					continue
				}
				switch {
				case rec.Kind == trace.Crash && downFrom < 0:
					lifeline(&b, "dg-life", x(id), segStart, r.y)
					downFrom = r.y
				case rec.Kind == trace.Restart && downFrom >= 0:
					lifeline(&b, "dg-life dg-down", x(id), downFrom, r.y)
					segStart, downFrom = r.y, -1
				}
			}
		}
		if downFrom >= 0 {
			lifeline(&b, "dg-life dg-down", x(id), downFrom, bottom)
		} else {
			lifeline(&b, "dg-life", x(id), segStart, bottom)
		}
	}

	// Time: the gutter shows each row's virtual time, and a break hides
	// the lifelines where time was skipped.
	for i, r := range rows {
		if r.gap > 0 {
			top, bot := float64(rows[i-1].y+8), float64(r.y-8)
			if prev := rows[i-1].recs[0]; fullWidth(prev) {
				top += float64((lines(prev) - 1) * lineH)
			}
			if hasDrop(rows[i-1]) {
				top += dropExtra
			}
			fmt.Fprintf(&b, `<rect class="dg-gap" x="%d" y="%s" width="%d" height="%s"><title>%s with nothing to show</title></rect>`,
				4, num(top), width-8, num(bot-top), fmtTime(r.gap))
			text.fixed("dg-skip", "⋯ "+fmtGap(r.gap), gutterW-10, (top+bot)/2+4, timeSize, "end")
		}
		if i == 0 || fmtTime(r.t) != fmtTime(rows[i-1].t) {
			text.fixed("dg-time", fmtTime(r.t), gutterW-10, float64(r.y+4), timeSize, "end")
		}
	}

	// Marks first, so that labels of arrows go around the marks' labels.
	var later []label
	said := map[string]bool{} // drop reasons already spelled out
	for _, r := range rows {
		y := float64(r.y)
		for _, rec := range r.recs {
			switch rec.Kind {
			case trace.Send:
				fmt.Fprintf(&b, `<circle class="dg-send" cx="%s" cy="%s" r="2.5"/>`, num(x(rec.Node)), num(y))
				if !delivered(rec, rows) {
					// In flight when the window ends: drawn to the bottom edge.
					x0, x1 := x(rec.Node), x(rec.Peer)
					y1 := float64(bottom)
					lbl := msgLabel(rec)
					fmt.Fprintf(&b, `<line class="dg-msg dg-cut" x1="%s" y1="%s" x2="%s" y2="%s"><title>%s %s→%s sent at %s, arrives after the window</title></line>`,
						num(x0), num(y), num(x1), num(y1), html.EscapeString(lbl), rec.Node, rec.Peer, fmtTime(rec.T))
					later = append(later, label{class: "dg-label", text: lbl, size: labelSize, spots: append(alongArrow(x0, y, x1, y1), offArrow(x0, y, x1, y1)...), offLines: true})
				}
			case trace.Deliver:
				y0, ok := rowOf[rec.Msg]
				if !ok {
					y0 = bodyTop - 6 // sent before the window
				}
				x0, x1 := x(rec.Peer), x(rec.Node)
				lbl := msgLabel(rec)
				fmt.Fprintf(&b, `<line class="dg-msg" x1="%s" y1="%s" x2="%s" y2="%s" marker-end="url(#dg-head)"><title>%s %s→%s at %s</title></line>`,
					num(x0), num(y0), num(x1), num(y), html.EscapeString(lbl+" ("+rec.Type+")"), rec.Peer, rec.Node, fmtTime(rec.T))
				later = append(later, label{class: "dg-label", text: lbl, size: labelSize, spots: append(alongArrow(x0, y0, x1, y), offArrow(x0, y0, x1, y)...), offLines: true})
			case trace.Drop:
				y0, ok := rowOf[rec.Msg]
				if !ok {
					y0 = bodyTop - 6
				}
				x0, x1 := x(rec.Peer), x(rec.Node)
				xm, ym := x0+(x1-x0)*3/5, y0+(y-y0)*3/5
				if ym-y0 < rowMin/2 {
					ym = y0 + rowMin/2
				}
				// The reason is spelled out on the first drop it causes;
				// a partition drops every message across it, and the
				// repeats would crowd the picture. The tooltip keeps it.
				lbl := msgLabel(rec) + " ✗"
				if !said[rec.Text] {
					lbl += " " + rec.Text
					said[rec.Text] = true
				}
				fmt.Fprintf(&b, `<line class="dg-msg dg-lost" x1="%s" y1="%s" x2="%s" y2="%s"><title>%s %s→%s dropped: %s</title></line>`,
					num(x0), num(y0), num(xm), num(ym), html.EscapeString(msgLabel(rec)), rec.Peer, rec.Node, html.EscapeString(rec.Text))
				fmt.Fprintf(&b, `<path class="dg-x" d="M%s,%s l8,8 M%s,%s l-8,8"/>`, num(xm-4), num(ym-4), num(xm+4), num(ym-4))
				text.reserve(textBox{xm - 5, ym - 5, xm + 5, ym + 5})
				later = append(later, label{class: "dg-label dg-lost-label", text: lbl, size: labelSize, offLines: true,
					spots: append(append(alongArrow(x0, y0, xm, ym), spot{xm, ym + 16, "middle"}, spot{xm, ym - 8, "middle"}), offArrow(x0, y0, xm, ym)...)})
			case trace.TimerFire:
				fmt.Fprintf(&b, `<circle class="dg-timer" cx="%s" cy="%s" r="4"><title>timer %s fired on %s at %s</title></circle>`,
					num(x(rec.Node)), num(y), html.EscapeString(rec.Type), rec.Node, fmtTime(rec.T))
			case trace.Crash, trace.Panic:
				xn := x(rec.Node)
				fmt.Fprintf(&b, `<path class="dg-crash" d="M%s,%s l12,12 M%s,%s l-12,12"/>`, num(xn-6), num(y-6), num(xn+6), num(y-6))
				text.reserve(textBox{xn - 7, y - 7, xn + 7, y + 7})
				text.place(label{class: "dg-event dg-bad", text: string(rec.Kind), size: labelSize, title: rec.Text, spots: besideMark(xn, y)})
			case trace.Restart:
				xn := x(rec.Node)
				fmt.Fprintf(&b, `<rect class="dg-restart" x="%s" y="%s" width="10" height="10"/>`, num(xn-5), num(y-5))
				text.place(label{class: "dg-event dg-good", text: "restart", size: labelSize, spots: besideMark(xn, y)})
			case trace.Pause, trace.Resume:
				xn := x(rec.Node)
				fmt.Fprintf(&b, `<rect class="dg-pause" x="%s" y="%s" width="8" height="8"/>`, num(xn-4), num(y-4))
				text.place(label{class: "dg-event", text: string(rec.Kind), size: labelSize, spots: besideMark(xn, y)})
			case trace.Clock:
				what := rec.Text
				if !strings.HasPrefix(what, "clock") {
					what = "clock " + what
				}
				text.place(label{class: "dg-event", text: what, size: labelSize, spots: besideMark(x(rec.Node), y)})
			case trace.State:
				text.place(label{class: "dg-state", text: stateLabel(rec.Data), size: labelSize, spots: besideMark(x(rec.Node), y)})
			case trace.Partition, trace.Note, trace.Check, trace.Log:
				class, base := "dg-note", y-4
				switch rec.Kind {
				case trace.Partition:
					class = "dg-event dg-bad"
					fmt.Fprintf(&b, `<line class="dg-partition" x1="%d" y1="%s" x2="%d" y2="%s"/>`, gutterW, num(y), width-padR/2, num(y))
				case trace.Check:
					class = "dg-event dg-bad"
					fmt.Fprintf(&b, `<line class="dg-check" x1="%d" y1="%s" x2="%d" y2="%s"/>`, gutterW, num(y), width-padR/2, num(y))
				case trace.Log:
					class, base = "dg-log", y+4
					fmt.Fprintf(&b, `<circle class="dg-logdot" cx="%s" cy="%s" r="2"/>`, num(x(rec.Node)), num(y))
				}
				for i, line := range wrapText(bandText(rec), bandW, labelSize) {
					ly := base + float64(i*lineH)
					var spots []spot
					for dx := 4.0; dx < float64(width-gutterW); dx += 40 {
						spots = append(spots, spot{gutterW + dx, ly, "start"})
					}
					spots = append(spots, spot{gutterW + 4, ly + 16, "start"})
					text.place(label{class: class, text: line, size: labelSize, spots: spots})
				}
			}
		}
	}
	for _, l := range later {
		text.place(l)
	}
	drawLegend(&b, text, items, legendTop, width)
	b.Write(text.out.Bytes())
	b.WriteString(`</svg>`)

	var out bytes.Buffer
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" class="dg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s"`,
		width, height, width, height, html.EscapeString(o.Title))
	if len(text.unplaced) > 0 {
		// Labels with no free spot are left to their tooltips; say which,
		// so that a test can hold a figure to none.
		fmt.Fprintf(&out, ` data-unplaced="%s"`, html.EscapeString(strings.Join(text.unplaced, "; ")))
	}
	out.WriteString(">")
	out.Write(b.Bytes())
	return out.Bytes(), nil
}

// downBefore reports which nodes are down (crashed and not restarted) when
// record first happens.
func downBefore(buf *trace.Buffer, first *trace.Record) map[node.ID]bool {
	down := map[node.ID]bool{}
	for i := range buf.Records {
		r := &buf.Records[i]
		if r == first {
			break
		}
		switch r.Kind {
		case trace.Crash, trace.Panic:
			down[r.Node] = true
		case trace.Restart:
			down[r.Node] = false
		}
	}
	return down
}

// delivered reports whether message send is delivered or dropped within
// rows.
func delivered(send *trace.Record, rows []timeRow) bool {
	for _, r := range rows {
		for _, rec := range r.recs {
			if (rec.Kind == trace.Deliver || rec.Kind == trace.Drop) && rec.Msg == send.Msg {
				return true
			}
		}
	}
	return false
}

func lifeline(b *bytes.Buffer, class string, x float64, y0, y1 int) {
	fmt.Fprintf(b, `<line class="%s" x1="%s" y1="%d" x2="%s" y2="%d"/>`, class, num(x), y0, num(x), y1)
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
	}
	// The fewest decimals that tell neighbouring events apart: 1.25ms,
	// 9.84ms, 171.5ms, 800ms (not 800.0ms for 800.000001ms).
	prec := 1
	if d < 10*time.Millisecond {
		prec = 2
	}
	s := strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', prec, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "ms"
}

// fmtGap formats skipped time to a precision a reader can take in: whole
// milliseconds from 10 ms up.
func fmtGap(ns int64) string {
	if d := time.Duration(ns); d >= 10*time.Millisecond {
		return fmtTime(int64(d.Round(time.Millisecond)))
	}
	return fmtTime(ns)
}

// bandText is what a band across the diagram says.
func bandText(r *trace.Record) string {
	switch r.Kind {
	case trace.Check:
		return "check failed: " + r.Text
	case trace.Log:
		return r.Node.String() + ": " + r.Text
	}
	return r.Text
}

// wrapText breaks s into lines at most width wide at font size size,
// between words where it can.
func wrapText(s string, width, size float64) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		next := w
		if line != "" {
			next = line + " " + w
		}
		if line != "" && textWidth(next, size) > width {
			out = append(out, line)
			next = w
		}
		for textWidth(next, size) > width && len([]rune(next)) > 1 {
			// A word wider than a line is cut where it must be.
			r := []rune(next)
			n := len(r) - 1
			for n > 1 && textWidth(string(r[:n]), size) > width {
				n--
			}
			out = append(out, string(r[:n]))
			next = string(r[n:])
		}
		line = next
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}
