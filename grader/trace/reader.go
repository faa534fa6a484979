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
	lastT int64
	nodes map[int]bool
}

// NewReader reads and checks the header. file, if not empty, prefixes errors.
func NewReader(r io.Reader, file string) (*Reader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	rd := &Reader{sc: sc, file: file}
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
	if err := decodeStrict(line, &r); err != nil {
		return r, rd.errorf("bad record: %v", jsonProblem(err))
	}
	switch {
	case r.Kind == "":
		return r, rd.errorf("record has no kind (field \"k\")")
	case !r.Kind.Known():
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
	return r, nil
}

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
	b := &Buffer{Head: rd.Head}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		b.Records = append(b.Records, rec)
	}
}

// ReadFile reads the trace in path; errors name the file and line.
func ReadFile(path string) (*Buffer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	defer f.Close()
	return Read(f, path)
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
