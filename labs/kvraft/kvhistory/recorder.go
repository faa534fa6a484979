package kvhistory

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// A Recorder keeps the client-visible history as a test's clerks make it:
// each clerk has at most one request in flight, a request is its index in
// History, and a clerk's done callback returns it. The kvraft and shardkv
// harnesses share it.
type Recorder struct {
	History []Operation
	clerks  []node.ID
	// inflight is the index in History of each clerk's request in flight,
	// or -1; issued counts the operations each clerk has had its turn for.
	inflight map[node.ID]int
	issued   map[node.ID]int
	problem  suite.FirstViolation
}

// NewRecorder returns a Recorder for the given clerks, none busy.
func NewRecorder(clerks []node.ID) *Recorder {
	r := &Recorder{clerks: clerks, inflight: map[node.ID]int{}, issued: map[node.ID]int{}}
	for _, id := range clerks {
		r.inflight[id] = -1
	}
	return r
}

// Busy reports whether clerk id has a request in flight.
func (r *Recorder) Busy(id node.ID) bool { return r.inflight[id] >= 0 }

// Issued returns how many operations clerk id has had its turn for.
func (r *Recorder) Issued(id node.ID) int { return r.issued[id] }

// Skip counts a turn of clerk id that issued nothing (the shrinker removed
// its operation).
func (r *Recorder) Skip(id node.ID) { r.issued[id]++ }

// Call records that clerk id calls op at now and returns the request's
// number.
func (r *Recorder) Call(id node.ID, op kvraft.Op, now time.Duration) int {
	req := len(r.History)
	r.History = append(r.History, Operation{Clerk: id, Req: req, Op: op, Call: now})
	r.inflight[id] = req
	r.issued[id]++
	return req
}

// Return records clerk id's answer to req at now. It reports false, and
// keeps the first such problem for Problem, when req is not the clerk's
// request in flight.
func (r *Recorder) Return(id node.ID, req int, value string, now time.Duration) bool {
	cur := r.inflight[id]
	if cur < 0 || cur != req {
		r.problem.Record([]node.ID{id}, "unexpected done: %v reported request %d done, but its request in flight is %d (-1: none); call done exactly once per request", id, req, cur)
		return false
	}
	o := &r.History[req]
	o.Ret, o.Out, o.Returned = now, value, true
	r.inflight[id] = -1
	return true
}

// Problem returns the first done that did not match a request in flight:
// an invariant of the run.
func (r *Recorder) Problem() error { return r.problem.Err() }

// Idle reports whether no clerk has a request in flight.
func (r *Recorder) Idle() bool {
	for _, id := range r.clerks {
		if r.Busy(id) {
			return false
		}
	}
	return true
}

// Stuck describes the requests in flight, for a liveness failure.
func (r *Recorder) Stuck() string {
	var stuck []string
	for _, id := range r.clerks {
		if i := r.inflight[id]; i >= 0 {
			o := r.History[i]
			stuck = append(stuck, fmt.Sprintf("%v's %s (called at %v)", id, DescribeOp(o.Op), o.Call))
		}
	}
	return strings.Join(stuck, ", ")
}

// Keys returns every key the history touched, sorted.
func (r *Recorder) Keys() []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range r.History {
		if !seen[o.Op.Key] {
			seen[o.Op.Key] = true
			out = append(out, o.Op.Key)
		}
	}
	slices.Sort(out)
	return out
}
