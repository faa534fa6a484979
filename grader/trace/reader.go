package trace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxLine is the longest line a Reader accepts.
const MaxLine = 16 << 20

// Error is a problem with a trace's content, at a line.
type Error struct {
	File string // may be empty
	Line int    // 1-based
	Msg  string
}

func (e *Error) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.File != "" {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("trace: %s: %s", where, e.Msg)
}

// Reader streams a trace. It validates as it goes: the header's format and
// version, every record's JSON, kind, node IDs, and that time never goes back.
type Reader struct {
	Head  Header
	sc    *bufio.Scanner
	file  string
	line  int
	bytes int64 // bytes read, newlines included
	lastT int64
	nodes map[int]bool
	n     int // records returned

	// One decoder serves every record line: a decoder per line cost a dozen
	// allocations and a second scan of each line. feed hands it one line at
	// a time and fed counts what it was given, to find what it left over.
	dec   *json.Decoder
	feed  lineFeed
	fed   int64
	types map[string]string // message type names, interned: a big trace repeats a few
}

// lineFeed gives the decoder the rest of the current line, then io.EOF. A
// record is a JSON object, which ends at its '}', so the decoder never asks
// for more unless the line is cut short.
type lineFeed struct{ b []byte }

func (f *lineFeed) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

// NewReader reads and checks the header. file, if not empty, prefixes errors.
func NewReader(r io.Reader, file string) (*Reader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	rd := &Reader{sc: sc, file: file, types: map[string]string{}}
	rd.dec = json.NewDecoder(&rd.feed)
	rd.dec.DisallowUnknownFields()
	line, err := rd.next()
	if err == io.EOF {
		return nil, rd.errorf("empty file: a trace starts with a header line (is this a faultline trace?)")
	}
	if err != nil {
		return nil, err
	}
	if err := decodeStrict(line, &rd.Head); err != nil {
		return nil, rd.errorf("bad header: %v", jsonProblem(err))
	}
	if rd.Head.Format != Format {
		return nil, rd.errorf("format is %q, want %q (is this a faultline trace?)", rd.Head.Format, Format)
	}
	if rd.Head.Version != Version {
		return nil, rd.errorf("trace format version %d is not supported (this faultline reads version %d); regenerate the trace with this version", rd.Head.Version, Version)
	}
	if len(rd.Head.Nodes) == 0 {
		return nil, rd.errorf("header lists no nodes")
	}
	rd.nodes = make(map[int]bool, len(rd.Head.Nodes))
	for _, id := range rd.Head.Nodes {
		rd.nodes[int(id)] = true
	}
	return rd, nil
}

func (rd *Reader) next() ([]byte, error) {
	for rd.sc.Scan() {
		rd.line++
		b := rd.sc.Bytes()
		rd.bytes += int64(len(b)) + 1
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		return b, nil
	}
	if err := rd.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &Error{File: rd.file, Line: rd.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", MaxLine)}
		}
		return nil, fmt.Errorf("trace: read: %w", err)
	}
	return nil, io.EOF
}

func (rd *Reader) errorf(format string, args ...any) error {
	return &Error{File: rd.file, Line: max(rd.line, 1), Msg: fmt.Sprintf(format, args...)}
}

// Next returns the next record, or io.EOF after the last one.
func (rd *Reader) Next() (Record, error) {
	var r Record
	line, err := rd.next()
	if err != nil {
		return r, err
	}
	if err := rd.decode(line, &r); err != nil {
		return r, rd.errorf("bad record: %v", jsonProblem(err))
	}
	kind, known := kinds[r.Kind]
	switch {
	case r.Kind == "":
		return r, rd.errorf("record has no kind (field \"k\")")
	case !known:
		return r, rd.errorf("unknown event kind %q", r.Kind)
	case r.T < 0:
		return r, rd.errorf("negative time %d", r.T)
	case r.T < rd.lastT:
		return r, rd.errorf("time goes backwards: %d after %d (records must be in dispatch order)", r.T, rd.lastT)
	case r.Node != 0 && !rd.nodes[int(r.Node)]:
		return r, rd.errorf("node %d is not in the header's node list", r.Node)
	case r.Peer != 0 && !rd.nodes[int(r.Peer)]:
		return r, rd.errorf("peer %d is not in the header's node list", r.Peer)
	case r.Kind.IsMessage() && r.Msg == 0:
		return r, rd.errorf("%s record has no message id (field \"msg\")", r.Kind)
	}
	rd.lastT = r.T
	r.Kind = kind // the constant's string, not a fresh copy per record
	if r.Type != "" {
		if t, ok := rd.types[r.Type]; ok {
			r.Type = t
		} else if len(rd.types) < 4096 {
			rd.types[r.Type] = r.Type
		}
	}
	rd.n++
	return r, nil
}

// decode decodes one record line with the reader's decoder. On any problem
// it decodes the line again on its own, so that the error (and its byte
// offset) is the same as for a line read alone.
func (rd *Reader) decode(line []byte, r *Record) error {
	rd.feed.b = line
	rd.fed += int64(len(line))
	err := rd.dec.Decode(r)
	if err == nil {
		// Whatever follows the object on its line must be blank.
		rest := rd.fed - rd.dec.InputOffset()
		if rest < 0 || rest > int64(len(line)) || len(bytes.TrimSpace(line[int64(len(line))-rest:])) == 0 {
			return nil
		}
	}
	*r = Record{}
	if err2 := decodeStrict(line, r); err2 != nil {
		return err2
	}
	if err == nil {
		err = errors.New("more than one JSON value on the line")
	}
	return err
}

// Records returns how many records Next has returned.
func (rd *Reader) Records() int { return rd.n }

// Bytes returns how many bytes of input have been read, header included.
func (rd *Reader) Bytes() int64 { return rd.bytes }

// decodeStrict decodes one JSON line into v, rejecting unknown fields.
func decodeStrict(line []byte, v any) error {
	if !json.Valid(line) {
		var any any
		return json.Unmarshal(line, &any) // a *json.SyntaxError with the offset
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q has a %s, want %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// Read reads a whole trace into a Buffer.
func Read(r io.Reader, file string) (*Buffer, error) {
	rd, err := NewReader(r, file)
	if err != nil {
		return nil, err
	}
	return rd.ReadAll(0, nil)
}

// ReadFile reads the trace in path; errors name the file and line.
func ReadFile(path string) (*Buffer, error) {
	return ReadFileProgress(path, nil)
}

// ReadFileProgress reads the trace in path like ReadFile, calling progress
// (when not nil) every ProgressEvery records with the records and bytes read
// so far and the file's size, so that a screen can show how far it is.
func ReadFileProgress(path string, progress func(records int, read, size int64)) (*Buffer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	rd, err := NewReader(f, path)
	if err != nil {
		return nil, err
	}
	var report func(int, int64)
	if progress != nil {
		report = func(n int, read int64) { progress(n, read, size) }
	}
	return rd.ReadAll(size, report)
}

// ProgressEvery is how many records apart ReadAll reports progress.
const ProgressEvery = 1 << 14

// ReadAll reads the rest of the trace into a Buffer. size, when known
// (else 0), is the input's length in bytes: after a first sample of lines
// the record slice is allocated once for the whole trace instead of being
// grown and copied, which for a million records was most of the reading
// time and twice the memory. progress, when not nil, is called every
// ProgressEvery records with the records and bytes read so far.
func (rd *Reader) ReadAll(size int64, progress func(records int, read int64)) (*Buffer, error) {
	b := &Buffer{Head: rd.Head}
	const sample = 1024
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			if n := len(b.Records); cap(b.Records) > n+n/4 {
				// The first lines were shorter than the rest, and the
				// estimate too high: give the spare room back.
				b.Records = append([]Record(nil), b.Records...)
			}
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b.Records) == sample && size > rd.bytes {
			// Lines of one trace are alike in length; allow a tenth more.
			perRecord := float64(rd.bytes) / float64(sample+1) // the header counts as a line
			want := sample + int(float64(size-rd.bytes)/perRecord*1.1)
			grown := make([]Record, len(b.Records), want)
			copy(grown, b.Records)
			b.Records = grown
		}
		b.Records = append(b.Records, rec)
		if progress != nil && rd.n%ProgressEvery == 0 {
			progress(rd.n, rd.bytes)
		}
	}
}

// Summary is what Validate finds in a whole trace.
type Summary struct {
	Head    Header
	Records int
	Hash    string // the trace hash, as Buffer.Hash computes it
}

// Validate reads a whole trace, checking every line, and returns its summary.
// It keeps no records, so its memory does not grow with the trace.
func Validate(r io.Reader, file string) (Summary, error) {
	rd, err := NewReader(r, file)
	if err != nil {
		return Summary{}, err
	}
	w := NewWriter(io.Discard)
	w.Header(rd.Head)
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Summary{}, err
		}
		w.Record(&rec)
	}
	if err := w.Flush(); err != nil {
		return Summary{}, err
	}
	return Summary{Head: rd.Head, Records: rd.n, Hash: w.Hash()}, nil
}

// ValidateFile runs Validate on the trace in path.
func ValidateFile(path string) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, fmt.Errorf("trace: %w", err)
	}
	defer f.Close()
	return Validate(f, path)
}

// WriteFile writes b to path.
func WriteFile(path string, b *Buffer) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	if _, err := b.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
