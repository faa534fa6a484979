package trace

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
)

// Sink receives a run's header and then its records, in order. The record
// pointer is reused by the caller after Record returns; an implementation
// keeps a copy (Data is never reused, so a shallow copy is enough).
type Sink interface {
	Header(h Header)
	Record(r *Record)
}

// Writer streams a trace as JSON lines to an io.Writer and hashes every byte
// it writes. Write errors are sticky and reported by Flush.
type Writer struct {
	w   *bufio.Writer
	h   hash.Hash
	n   int
	err error
	// lbuf and enc encode each value into one reused buffer; json.Marshal
	// allocated a new one per record. Encoder writes what Marshal returns,
	// then a newline, so the bytes (and the hash) are the same.
	lbuf bytes.Buffer
	enc  *json.Encoder
}

var _ Sink = (*Writer)(nil)

// NewWriter returns a Writer on w. Use io.Discard to compute only the hash.
func NewWriter(w io.Writer) *Writer {
	tw := &Writer{w: bufio.NewWriterSize(w, 64<<10), h: sha256.New()}
	tw.enc = json.NewEncoder(&tw.lbuf)
	return tw
}

// Header writes the header line. Format and Version are filled in.
func (w *Writer) Header(h Header) {
	h.Format, h.Version = Format, Version
	w.line(h)
}

// Record writes one record line.
func (w *Writer) Record(r *Record) { w.line(r) }

func (w *Writer) line(v any) {
	if w.err != nil {
		return
	}
	w.lbuf.Reset()
	if err := w.enc.Encode(v); err != nil {
		w.err = fmt.Errorf("trace: encode record %d: %w", w.n, err)
		return
	}
	b := w.lbuf.Bytes()
	w.h.Write(b)
	w.n++
	if _, err := w.w.Write(b); err != nil {
		w.err = fmt.Errorf("trace: write: %w", err)
	}
}

// Lines returns how many lines were written, header included.
func (w *Writer) Lines() int { return w.n }

// Hash returns the hash of everything written so far (see HashOf).
func (w *Writer) Hash() string { return shortHash(w.h) }

// Flush writes buffered lines and returns the first error seen.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("trace: write: %w", err)
	}
	return nil
}

func shortHash(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil))[:16] }

// Buffer keeps a whole trace in memory. It is what the viewer, the site and
// the grader hold while they work on a run.
type Buffer struct {
	Head    Header
	Records []Record
}

var _ Sink = (*Buffer)(nil)

// Header stores h with Format and Version filled in.
func (b *Buffer) Header(h Header) {
	h.Format, h.Version = Format, Version
	b.Head = h
}

// Record appends a copy of r.
func (b *Buffer) Record(r *Record) { b.Records = append(b.Records, *r) }

// WriteTo writes the trace as JSON lines.
func (b *Buffer) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	tw := NewWriter(cw)
	b.replay(tw)
	err := tw.Flush()
	return cw.n, err
}

// Hash returns the trace hash: the first 16 hex digits of the SHA-256 of the
// trace's JSON lines. Two runs that did the same things in the same order at
// the same virtual times have the same hash, and a trace read back from a file
// hashes the same as when it was written.
func (b *Buffer) Hash() string {
	tw := NewWriter(io.Discard)
	b.replay(tw)
	return tw.Hash()
}

func (b *Buffer) replay(s Sink) {
	s.Header(b.Head)
	for i := range b.Records {
		s.Record(&b.Records[i])
	}
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Tee sends everything to each of sinks.
type Tee []Sink

// Header forwards h.
func (t Tee) Header(h Header) {
	for _, s := range t {
		s.Header(h)
	}
}

// Record forwards r.
func (t Tee) Record(r *Record) {
	for _, s := range t {
		s.Record(r)
	}
}
