package roster

import (
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/faultline-dev/faultline/grader/result"
)

// Version is the version of the roster's JSON form.
const Version = 1

// Roster is the grades of a class, or of one shard of it.
type Roster struct {
	Version int `json:"version"`
	// Platform is the source hash of the faultline that graded
	// (faultline.SourceHash): grades of different platforms are not
	// comparable, and Merge refuses to mix them.
	Platform string  `json:"platform"`
	Entries  []Entry `json:"entries"`
}

// Entry is one submission graded for one lab.
type Entry struct {
	Submission string `json:"submission"`
	Lab        string `json:"lab"`
	Score      int    `json:"score"`
	MaxScore   int    `json:"max_score"`
	// Status is the result's: result.Pass, result.Fail or result.Error.
	Status string `json:"status"`
	// Reason is the kind of an error (result.ReasonBuild, ReasonRules,
	// ReasonWorkspace, ReasonGrader); empty otherwise.
	Reason string `json:"reason,omitempty"`
	// FirstFailing is the first test, in the suite's order, that did not
	// pass, and Replay the command that runs its failing run again.
	FirstFailing string `json:"first_failing,omitempty"`
	Replay       string `json:"replay,omitempty"`
	// Report is the submission's JSON report (version 2, the same as
	// 'faultline grade --format json'), relative to the roster's folder.
	Report string `json:"report"`
	// Key identifies what was graded: the submission's code, the platform
	// and the grading options (see Key). Empty when the code could not be
	// read: such an entry is never reused.
	Key string `json:"key,omitempty"`
}

// id is the entry's identity in a roster.
func (e Entry) id() string { return e.Submission + "/" + e.Lab }

// FromResult summarizes a submission's report. report is the report's
// path relative to the roster, key what was graded (see Key).
func FromResult(res *result.Result, report, key string) Entry {
	e := Entry{Submission: res.Submission, Lab: res.Lab, Score: res.Score, MaxScore: res.MaxScore, Status: res.Status, Report: report, Key: key}
	if res.Reason != nil {
		e.Reason = res.Reason.Kind
	}
	for _, t := range res.Tests {
		if t.Status == result.Fail || t.Status == result.Error {
			e.FirstFailing, e.Replay = t.Name, t.Replay
			break
		}
	}
	return e
}

// Reusable says whether a later grading may keep this entry instead of
// grading again: its key is known and the grading judged the code (an
// error of the grader itself, an interrupted or overloaded run, is
// worth another try).
func (e Entry) Reusable() bool {
	return e.Key != "" && e.Reason != result.ReasonGrader
}

// Put adds e, or replaces the entry of the same submission and lab.
func (r *Roster) Put(e Entry) {
	for i := range r.Entries {
		if r.Entries[i].id() == e.id() {
			r.Entries[i] = e
			return
		}
	}
	r.Entries = append(r.Entries, e)
}

// Sort orders the entries by submission, then lab.
func (r *Roster) Sort() {
	slices.SortFunc(r.Entries, func(a, b Entry) int {
		return cmp.Or(strings.Compare(a.Submission, b.Submission), strings.Compare(a.Lab, b.Lab))
	})
}

// WriteJSON writes r as indented JSON.
func (r *Roster) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// csvHeader are the CSV columns, in order.
var csvHeader = []string{"submission", "lab", "score", "max_score", "status", "reason", "first_failing", "replay", "report"}

// WriteCSV writes r as CSV with a header line (RFC 4180, as encoding/csv
// writes it). A cell that a spreadsheet would run as a formula (a
// submission named "=HYPERLINK(...)") is prefixed with a quote, as OWASP
// advises for CSV injection.
func (r *Roster) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, e := range r.Entries {
		row := []string{e.Submission, e.Lab, strconv.Itoa(e.Score), strconv.Itoa(e.MaxScore), e.Status, e.Reason, e.FirstFailing, e.Replay, e.Report}
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && i != 2 && i != 3 {
				row[i] = "'" + c
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadFile reads a roster written by WriteJSON.
func ReadFile(path string) (*Roster, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Roster
	if err := json.Unmarshal(b, &r); err != nil {
		hint := ""
		if strings.HasSuffix(path, ".csv") {
			hint = " (give the roster.json beside it: the CSV leaves out what a merge checks)"
		}
		return nil, fmt.Errorf("%s is not a roster in JSON%s: %w", path, hint, err)
	}
	if r.Version != Version {
		return nil, fmt.Errorf("%s is a roster of version %d; this faultline reads version %d", path, r.Version, Version)
	}
	return &r, nil
}

// WriteFiles writes r as roster.json and roster.csv in dir, each through
// a temporary file renamed into place, so that a reader (or a grading
// stopped half-way) never sees half a roster.
func (r *Roster) WriteFiles(dir string) error {
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{{"roster.json", r.WriteJSON}, {"roster.csv", r.WriteCSV}} {
		if err := writeAtomic(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// File is one source file of a submission, for Key.
type File struct {
	Name string // its path within the workspace, such as raft/raft.go
	Data []byte
}

// Key identifies a grading: the platform's source hash, the lab, the
// options that can change a verdict (seeds, tests, limits), and the
// submission's files, in any order. Equal keys give equal reports (the
// grader is deterministic), so a grading with a key already in the roster
// need not run again.
func Key(platform, lab, options string, files []File) string {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	h := sha256.New()
	fmt.Fprintf(h, "faultline roster key 1\x00%s\x00%s\x00%s\x00", platform, lab, options)
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Name, len(f.Data))
		h.Write(f.Data)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Index is the resume index: the reusable entries of an earlier roster.
type Index struct {
	entries map[string]Entry
}

// NewIndex indexes r's reusable entries (r may be nil). A roster of
// another platform gives an empty index: every submission is graded
// again.
func NewIndex(r *Roster, platform string) *Index {
	x := &Index{entries: map[string]Entry{}}
	if r == nil || r.Platform != platform {
		return x
	}
	for _, e := range r.Entries {
		if e.Reusable() {
			x.entries[e.id()] = e
		}
	}
	return x
}

// Lookup returns the entry of submission and lab if it was graded with
// key.
func (x *Index) Lookup(submission, lab, key string) (Entry, bool) {
	e, ok := x.entries[submission+"/"+lab]
	if !ok || key == "" || e.Key != key {
		return Entry{}, false
	}
	return e, true
}

// Source is a roster to merge and the file it was read from.
type Source struct {
	Path   string
	Roster *Roster
}

// ErrDuplicate is returned (wrapped) by Merge when a submission's lab is in
// more than one roster.
var ErrDuplicate = errors.New("roster: a submission is graded in more than one roster")

// Merge joins the rosters of shards into one whose report paths are
// relative to dir (the folder the merged roster is written to). It
// refuses a submission's lab found in two rosters (each shard must grade
// its own submissions) and rosters graded by different platforms, naming
// the files.
func Merge(dir string, sources []Source) (*Roster, error) {
	out := &Roster{Version: Version}
	from := map[string]string{}
	var dups []string
	for _, s := range sources {
		if out.Platform == "" {
			out.Platform = s.Roster.Platform
		} else if s.Roster.Platform != out.Platform {
			return nil, fmt.Errorf("%s was graded by another faultline (platform %.12s) than %s (platform %.12s): grade every shard with the same binary, built from one tag",
				s.Path, s.Roster.Platform, sources[0].Path, out.Platform)
		}
		for _, e := range s.Roster.Entries {
			if first, ok := from[e.id()]; ok {
				dups = append(dups, fmt.Sprintf("%s is in %s and in %s", e.id(), first, s.Path))
				continue
			}
			from[e.id()] = s.Path
			if e.Report != "" && !filepath.IsAbs(e.Report) {
				if rel, err := filepath.Rel(dir, filepath.Join(filepath.Dir(s.Path), e.Report)); err == nil {
					e.Report = filepath.ToSlash(rel)
				}
			}
			out.Entries = append(out.Entries, e)
		}
	}
	if len(dups) > 0 {
		more := ""
		if len(dups) > 10 {
			more = fmt.Sprintf("\n  (and %d more)", len(dups)-10)
			dups = dups[:10]
		}
		return nil, fmt.Errorf("%w:\n  %s%s\neach submission must be graded by exactly one shard: split the class so that no submission is in two shards, or drop the extra rosters", ErrDuplicate, strings.Join(dups, "\n  "), more)
	}
	out.Sort()
	return out, nil
}
