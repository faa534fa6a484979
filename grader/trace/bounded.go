package trace

import (
	"fmt"
	"time"
)

// Bounded passes the first Head records of a run to a sink and keeps only
// the last Tail of the rest, so that a storm cannot write a gigabyte of
// trace: the run's beginning and its end (where a run that fails stops)
// survive, with a note saying what was cut. Call Close after the run.
type Bounded struct {
	Sink       Sink
	Head, Tail int

	n    int
	ring []Record
	at   int // next slot of ring
	cut  int // records neither in the head nor in the ring
	from int64
}

var _ Sink = (*Bounded)(nil)

// Header forwards h.
func (b *Bounded) Header(h Header) { b.Sink.Header(h) }

// Record forwards r while the head lasts, then keeps it in the tail.
func (b *Bounded) Record(r *Record) {
	b.n++
	if b.n <= b.Head {
		b.Sink.Record(r)
		return
	}
	if b.Tail <= 0 {
		b.cut++
		return
	}
	if len(b.ring) < b.Tail {
		b.ring = append(b.ring, *r)
		return
	}
	if b.cut == 0 {
		b.from = b.ring[b.at].T
	}
	b.ring[b.at] = *r
	b.at = (b.at + 1) % b.Tail
	b.cut++
}

// Cut reports how many records were left out.
func (b *Bounded) Cut() int { return b.cut }

// Close writes the note about what was cut, then the tail.
func (b *Bounded) Close() {
	if len(b.ring) == 0 {
		return
	}
	first := b.ring[b.at%len(b.ring)]
	if b.cut > 0 {
		b.Sink.Record(&Record{T: first.T, Kind: Note, Text: fmt.Sprintf(
			"trace cut: %d records from %v to %v are left out (the run had %d records; the first %d and the last %d are kept)",
			b.cut, time.Duration(b.from), time.Duration(first.T), b.n, b.Head, len(b.ring))})
	}
	for i := range b.ring {
		b.Sink.Record(&b.ring[(b.at+i)%len(b.ring)])
	}
}
