// Package progress keeps a student's progress between sessions: the last
// grade of each test of each lab, per implementation, and how far each
// lesson has been read. The TUI and `faultline grade` (on a terminal)
// write it; the course map shows it.
//
// The file is JSON, at $FAULTLINE_HOME/progress.json, or
// <user config dir>/faultline/progress.json when FAULTLINE_HOME is unset.
// Every change is a read-modify-write (Update) ending in an atomic rename,
// so a crash never leaves half a file, and it holds a lock
// (progress.json.lock) from the read to the rename, so that two writers at
// once, in one program or two, keep both changes. A file that does not
// parse is reported with its line and column and never overwritten.
package progress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Version is the file format's version.
const Version = 1

// Store is the whole file.
type Store struct {
	Version    int                `json:"version"`
	Labs       map[string]*Lab    `json:"labs,omitempty"`    // by lab name
	Lessons    map[string]*Lesson `json:"lessons,omitempty"` // by lesson slug
	LastLesson string             `json:"last_lesson,omitempty"`
}

// Lab is one lab's results, per implementation ("solution", "starter",
// "mutant:votes-twice", ...).
type Lab struct {
	LastImpl string           `json:"last_impl"`
	Impls    map[string]*Impl `json:"impls"`
}

// Impl is the last result of each test for one implementation.
type Impl struct {
	Tests map[string]Test `json:"tests"` // by test name
}

// Test is the last grade of one test.
type Test struct {
	Passed  bool      `json:"passed"`
	Points  int       `json:"points"` // earned
	Seed    uint64    `json:"seed,omitempty"`
	Seeds   int       `json:"seeds,omitempty"`
	Message string    `json:"message,omitempty"`
	At      time.Time `json:"at"`
}

// Lesson is how far a lesson has been read.
type Lesson struct {
	Read     float64   `json:"read"`     // the furthest fraction of the lesson seen on screen, 0..1; never lowered
	Position float64   `json:"position"` // where the reader last stood, as a fraction of the lesson's lines
	At       time.Time `json:"at"`
}

// New returns an empty store.
func New() *Store {
	return &Store{Version: Version, Labs: map[string]*Lab{}, Lessons: map[string]*Lesson{}}
}

// DefaultPath returns where progress lives on this machine; getenv is
// os.Getenv, or a test's stand-in.
func DefaultPath(getenv func(string) string) (string, error) {
	if home := getenv("FAULTLINE_HOME"); home != "" {
		return filepath.Join(home, "progress.json"), nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("progress: no place to keep it (%v); set FAULTLINE_HOME to a directory", err)
	}
	return filepath.Join(dir, "faultline", "progress.json"), nil
}

// Load reads the store at path. A missing file is an empty store; a file
// that does not parse is an error naming path:line:col.
func Load(path string) (*Store, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	return parse(path, data)
}

func parse(path string, data []byte) (*Store, error) {
	s := New()
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(s); err != nil {
		line, col := 1, 1
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			line, col = position(data, int64(len(data)))
			err = errors.New("the file ends in the middle of a value")
		case errors.As(err, &se):
			line, col = position(data, se.Offset-1) // Offset is just past the bad byte
		case errors.As(err, &te):
			line, col = position(data, te.Offset-1) // the last byte of the bad value
		}
		return nil, fmt.Errorf("%s:%d:%d: progress file is not valid: %v; fix it or move it away (it is left untouched, and this session's progress is not saved)", path, line, col, err)
	}
	if s.Version != Version {
		return nil, fmt.Errorf("%s:1:1: progress file has version %d; this faultline reads version %d (it is left untouched, and this session's progress is not saved)", path, s.Version, Version)
	}
	if s.Labs == nil {
		s.Labs = map[string]*Lab{}
	}
	if s.Lessons == nil {
		s.Lessons = map[string]*Lesson{}
	}
	return s, nil
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Save writes s to path atomically, creating the directory if needed.
func (s *Store) Save(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	data = append(data, '\n')
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".progress-*.json")
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("progress: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("progress: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	return nil
}

// Update loads the file at path, applies change, and saves it. It
// re-reads the file first so that a change made meanwhile by another
// faultline (a grade in another terminal) is kept, and it holds a lock
// from the read to the rename: without one, updates that overlap (the
// TUI saves each test of a lab run as it finishes, several at once) each
// read the same file and the last rename won, keeping 35 of 39 results.
func Update(path string, change func(*Store)) error {
	unlock, err := lock(path)
	if err != nil {
		return err
	}
	defer unlock()
	s, err := Load(path)
	if err != nil {
		return err
	}
	change(s)
	return s.Save(path)
}

// lock takes an flock(2) on path+".lock", created if need be, and returns
// the function that releases it. An flock belongs to an open file, so it
// excludes other updates in this process as well as in other processes,
// and the system releases it if the process dies (grader/workspace locks
// its build cache the same way).
func lock(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("progress: lock %s: %w", path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("progress: lock %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// SetTest records one test's grade for lab and impl.
func (s *Store) SetTest(lab, impl, test string, t Test) {
	l := s.Labs[lab]
	if l == nil {
		l = &Lab{Impls: map[string]*Impl{}}
		s.Labs[lab] = l
	}
	im := l.Impls[impl]
	if im == nil {
		im = &Impl{Tests: map[string]Test{}}
		l.Impls[impl] = im
	}
	im.Tests[test] = t
	l.LastImpl = impl
}

// Tests returns the last grades of lab's tests for impl (nil if none).
func (s *Store) Tests(lab, impl string) map[string]Test {
	if l := s.Labs[lab]; l != nil {
		if im := l.Impls[impl]; im != nil {
			return im.Tests
		}
	}
	return nil
}

// SetLesson records that the reader of slug stands at position and has
// read the fraction read of it (both 0..1). The furthest fraction is kept.
func (s *Store) SetLesson(slug string, position, read float64, at time.Time) {
	l := s.Lessons[slug]
	if l == nil {
		l = &Lesson{}
		s.Lessons[slug] = l
	}
	l.Read = max(l.Read, min(max(read, 0), 1))
	l.Position = min(max(position, 0), 1)
	l.At = at
	s.LastLesson = slug
}
