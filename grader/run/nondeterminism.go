package run

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
)

// explain says how two runs of one seed differ. The determinism check
// compares fingerprints only; when they differ (rarely, so cost does not
// matter), the seed is traced twice, in two runners, and the traces are
// compared record by record to name the first event where they part and
// show both versions of what differs.
func (o *Options) explain(ctx context.Context, ex executor, t *suite.Test, d *difference) string {
	what := fmt.Sprintf("the fingerprints of its events were %s and %s", d.orig.Hash, d.again.Hash)
	if d.orig.signature() != d.again.signature() {
		what = fmt.Sprintf("one run ended %q and the other %q", d.orig.signature(), d.again.signature())
	}
	dir, err := os.MkdirTemp("", "faultline-determinism-*")
	if err != nil {
		return what
	}
	defer os.RemoveAll(dir)
	// Two tries: a nondeterministic run may happen to agree with itself
	// once.
	for try := range 2 {
		other := o.newExecutor(fmt.Sprintf("explain%d", try))
		a, errA := o.traceTo(ctx, ex, t, d.seed, filepath.Join(dir, fmt.Sprintf("a%d.jsonl", try)))
		b, errB := o.traceTo(ctx, other, t, d.seed, filepath.Join(dir, fmt.Sprintf("b%d.jsonl", try)))
		other.close()
		if errA != nil || errB != nil {
			break
		}
		if diff := firstDifference(a, b); diff != "" {
			return what + "; " + diff
		}
	}
	return what
}

// traceTo runs seed of t on ex with its trace written to path, and reads
// the trace back.
func (o *Options) traceTo(ctx context.Context, ex executor, t *suite.Test, seed uint64, path string) (*trace.Buffer, error) {
	req := o.request(t, seed)
	req.Trace = path
	if out := ex.exec(ctx, req); out.TraceErr != "" {
		return nil, fmt.Errorf("%s", out.TraceErr)
	}
	return trace.ReadFile(path)
}

// firstDifference names the first record where two traces of one seed
// part, with both versions of the fields that differ; "" when they agree.
func firstDifference(a, b *trace.Buffer) string {
	n := min(len(a.Records), len(b.Records))
	for i := range n {
		ra, rb := &a.Records[i], &b.Records[i]
		if fields := differingFields(ra, rb); fields != "" {
			return fmt.Sprintf("they part at event %d (%s): %s", i+1, recordName(ra), fields)
		}
	}
	if len(a.Records) != len(b.Records) {
		return fmt.Sprintf("one run had %d events and the other %d; they agree up to event %d", len(a.Records), len(b.Records), n)
	}
	return ""
}

// recordName says what a record is, from the fields two versions share.
func recordName(r *trace.Record) string {
	s := fmt.Sprintf("at %v, %s", r.Time(), r.Kind)
	if r.Node != 0 {
		s += fmt.Sprintf(" on %v", r.Node)
	}
	return s
}

// differingFields lists the fields of two records that differ, each as
// "field: first run X, second run Y"; "" when the records agree.
func differingFields(a, b *trace.Record) string {
	var out []string
	add := func(name string, x, y any) {
		out = append(out, fmt.Sprintf("%s: one run %v, the other %v", name, x, y))
	}
	if a.T != b.T {
		add("time", a.Time(), b.Time())
	}
	if a.Kind != b.Kind {
		add("kind", a.Kind, b.Kind)
	}
	if a.Node != b.Node {
		add("node", a.Node, b.Node)
	}
	if a.Peer != b.Peer {
		add("peer", a.Peer, b.Peer)
	}
	if a.Type != b.Type {
		add("type", a.Type, b.Type)
	}
	if a.Size != b.Size {
		add("size", a.Size, b.Size)
	}
	if a.Text != b.Text {
		add("text", quote(a.Text), quote(b.Text))
	}
	if a.Verdict != b.Verdict {
		add("verdict", a.Verdict, b.Verdict)
	}
	if !bytes.Equal(a.Data, b.Data) {
		add("data", quote(string(a.Data)), quote(string(b.Data)))
	}
	// Message and timer IDs count sends and timers: they differ whenever
	// an earlier record did, so they are named only if nothing else is.
	if len(out) == 0 && a.Msg != b.Msg {
		add("message", a.Msg, b.Msg)
	}
	if len(out) == 0 && a.Timer != b.Timer {
		add("timer", a.Timer, b.Timer)
	}
	return strings.Join(out, "; ")
}

// quote shows a field's value, at most 200 bytes of it.
func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}
