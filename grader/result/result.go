// Package result is the one result model of a graded run (DESIGN decision 6).
// Terminal text, the TUI, JSON, JUnit XML and GitHub annotations are all
// renderings of a Result (package report). The JSON field names are part of
// the documented schema in docs/grading.md: change them only with a version
// bump.
package result

// Status of a test or a whole run.
const (
	Pass  = "pass"
	Fail  = "fail"
	Error = "error" // the grader could not judge: nondeterminism, a broken test, a bad build
	// Skipped marks a test that did not run because grading was interrupted.
	Skipped = "skipped"
)

// Version is the schema version written into every JSON result.
//
// Version 2: seeds are strings (JSON numbers above 2^53 lose precision in
// common tools), wall times are fractional milliseconds, and a test may
// carry the implementation's output, a hint and its lesson. Later
// additions that a version-2 reader may ignore (submission, reason) keep
// the version: the number changes only when a field changes its name, type
// or meaning.
const Version = 2

// Reason kinds: why a submission was not graded at all.
const (
	// ReasonBuild: the submission does not compile.
	ReasonBuild = "build"
	// ReasonRules: the submission breaks the lab's rules (faultline vet).
	ReasonRules = "rules"
	// ReasonWorkspace: no workspace where one was named, or the lab's
	// package is missing from it.
	ReasonWorkspace = "workspace"
	// ReasonGrader: the grader itself failed (no Go toolchain, no cache
	// directory, interrupted before grading began); nothing about the
	// submission.
	ReasonGrader = "grader"
)

// Result is one grading of one implementation of one lab.
type Result struct {
	Version int    `json:"version"`
	Lab     string `json:"lab"`
	Impl    string `json:"impl"`
	// Submission names what was graded, for a roster: the workspace
	// folder's name, the implementation's name, or what --name said.
	Submission string `json:"submission"`
	Status     string `json:"status"`
	Score      int    `json:"score"`
	MaxScore   int    `json:"max_score"`
	// Shard is "i/n" when only part of the work ran.
	Shard string `json:"shard,omitempty"`
	Tests []Test `json:"tests"`
	// WallMS is the wall time of the whole grading.
	WallMS int64 `json:"wall_ms"`
	// Interrupted is set when grading stopped early (Ctrl-C): the tests
	// not run are "skipped" and the score is partial.
	Interrupted bool `json:"interrupted,omitempty"`
	// Reason is set when nothing was graded (the status is Error and there
	// are no tests): a submission that does not build or breaks the rules
	// still gets a result, so that no roster silently drops it. A test
	// that could not be judged (nondeterminism) is a test with status
	// Error instead, and its message says why.
	Reason *Reason `json:"reason,omitempty"`
}

// Reason says why a submission was not graded.
type Reason struct {
	// Kind is one of ReasonBuild, ReasonRules, ReasonWorkspace and
	// ReasonGrader.
	Kind string `json:"kind"`
	// Message is the whole explanation, as the text report prints it.
	Message string `json:"message"`
	// Problems lists each compile error or rule violation, with the
	// student's file:line:col, when there are such.
	Problems []string `json:"problems,omitempty"`
}

// Test is the outcome of one test over its seeds.
type Test struct {
	Name   string `json:"name"`
	Part   string `json:"part"`
	Points int    `json:"points"`
	Score  int    `json:"score"`
	Status string `json:"status"`
	// Seed is the first failing seed, or the last seed run when all passed.
	Seed uint64 `json:"seed,string"`
	// Seeds is how many seeds ran.
	Seeds int `json:"seeds"`
	// Message explains a failure: which check, when, where, and a hint.
	Message string `json:"message"`
	// Trace is the path of the failing run's trace file, if one was written.
	Trace string `json:"trace"`
	// Artifacts are files the test wrote beside the trace, such as
	// porcupine's view of a history ("…-porcupine.html").
	Artifacts []string `json:"artifacts,omitempty"`
	// TraceHash identifies the run reported (the failing seed's, else the
	// last seed's): the same seed always gives the same hash.
	TraceHash string `json:"trace_hash"`
	VirtualMS int64  `json:"virtual_ms"`
	// WallMS sums the wall time of the test's runs.
	WallMS float64 `json:"wall_ms"`
	// Replay is a command that reruns exactly the reported run.
	Replay string  `json:"replay,omitempty"`
	Shrink *Shrink `json:"shrink,omitempty"`
	// Description is the test's one-line description.
	Description string `json:"description,omitempty"`
	// Lesson is the lesson section the test checks ("raft-election#voting").
	Lesson string `json:"lesson,omitempty"`
	// Kind names how the reported run failed: its status and the failed
	// check's kind ("fail:raft safety/leader completeness"); a replay or a
	// shrunk run of the same failure has the same Kind.
	Kind string `json:"kind,omitempty"`
	// Hint says where to look, for a failure.
	Hint string `json:"hint,omitempty"`
	// Output is what the implementation printed during the reported run:
	// shown as the student's output, never parsed.
	Output string `json:"output,omitempty"`
	// Charts are the series the reported run recorded, beside the
	// reference's for the same seed (charts.go): for a failing overload
	// or hot-shard test, or any that records when charts were asked for.
	Charts *Charts `json:"charts,omitempty"`
}

// Shrink reports how a failing run was reduced.
type Shrink struct {
	OriginalItems  int      `json:"original_items"`
	ShrunkItems    int      `json:"shrunk_items"`
	OriginalEvents int64    `json:"original_events"`
	ShrunkEvents   int64    `json:"shrunk_events"`
	Removed        []string `json:"removed"`
	Runs           int      `json:"runs"`
	// Trace is the shrunk run's trace, when written; Replay runs it again.
	Trace  string `json:"trace,omitempty"`
	Replay string `json:"replay,omitempty"`
}

// Mutation reports a run of the suite against every mutant.
type Mutation struct {
	Version int              `json:"version"`
	Lab     string           `json:"lab"`
	Caught  int              `json:"caught"`
	Total   int              `json:"total"`
	Mutants []MutationResult `json:"mutants"`
	WallMS  int64            `json:"wall_ms"`
}

// MutationResult is one mutant's fate.
type MutationResult struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Caught      bool   `json:"caught"`
	CaughtBy    string `json:"caught_by,omitempty"`
	Seed        uint64 `json:"seed,omitempty,string"`
	Message     string `json:"message,omitempty"`
}

// PartScore sums a part's points.
type PartScore struct {
	Part            string
	Score, MaxScore int
}

// Parts returns per-part subtotals in the order parts first appear.
func (r *Result) Parts() []PartScore {
	var out []PartScore
	idx := map[string]int{}
	for _, t := range r.Tests {
		i, ok := idx[t.Part]
		if !ok {
			i = len(out)
			idx[t.Part] = i
			out = append(out, PartScore{Part: t.Part})
		}
		out[i].Score += t.Score
		out[i].MaxScore += t.Points
	}
	return out
}
