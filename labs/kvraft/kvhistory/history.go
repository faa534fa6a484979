// Package kvhistory checks the client-visible history of a key/value
// service (Get, Put, Append), as the kvraft and shardkv labs record it:
// linearizability key by key with porcupine (an undecided check is an
// error, never a pass), the operation that first breaks it, porcupine's
// HTML view, and exactly-once application of writes.
package kvhistory

import (
	"cmp"
	"fmt"
	"github.com/faultline-dev/faultline/grader/suite"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// Operation is one call of the client-visible history, in virtual time.
type Operation struct {
	Clerk    node.ID
	Req      int
	Op       kvraft.Op
	Call     time.Duration
	Ret      time.Duration
	Out      string // a Get's value
	Returned bool
}

func (o Operation) String() string {
	s := fmt.Sprintf("%v %s", o.Clerk, DescribeOp(o.Op))
	if o.Op.Kind == kvraft.Get {
		s += fmt.Sprintf(" -> %q", o.Out)
	}
	return s + fmt.Sprintf(" [%v, %v]", o.Call, o.Ret)
}

// describe names the Operation without its times.
func (o Operation) Describe() string {
	s := fmt.Sprintf("%v's %s", o.Clerk, DescribeOp(o.Op))
	if o.Op.Kind == kvraft.Get {
		s += fmt.Sprintf(" -> %q", o.Out)
	}
	return s
}

// DescribeOp names an operation: Get(k), Put(k, "v"), Append(k, "v").
func DescribeOp(op kvraft.Op) string {
	if op.Kind == kvraft.Get {
		return fmt.Sprintf("Get(%s)", op.Key)
	}
	return fmt.Sprintf("%s(%s, %q)", op.Kind, op.Key, op.Value)
}

// kvInput and kvOutput are what porcupine sees of an Operation.
type kvInput struct {
	kind       kvraft.Kind
	key, value string
}

type kvOutput struct{ value string }

// kvModel is one key's register with Put and Append: the history is
// partitioned by key, since operations on different keys commute.
var kvModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var keys []string
		for _, op := range history {
			k := op.Input.(kvInput).key
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], op)
		}
		slices.Sort(keys)
		out := make([][]porcupine.Operation, len(keys))
		for i, k := range keys {
			out[i] = byKey[k]
		}
		return out
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		st, in, out := state.(string), input.(kvInput), output.(kvOutput)
		switch in.kind {
		case kvraft.Get:
			return out.value == st, st
		case kvraft.Put:
			return true, in.value
		default:
			return true, st + in.value
		}
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(kvInput), output.(kvOutput)
		if in.kind == kvraft.Get {
			return fmt.Sprintf("get(%s) -> %q", in.key, out.value)
		}
		return fmt.Sprintf("%s(%s, %q)", strings.ToLower(string(in.kind)), in.key, in.value)
	},
}

// Timeout bounds porcupine's search. Histories are kept small (a few
// clerks, tens of operations per key) so that it decides in milliseconds;
// Unknown is reported as an error, never a pass.
const Timeout = 20 * time.Second

// Visualize writes porcupine's HTML view of the history (every key, the
// longest linearizable prefix of each, and where it breaks) to path.
func Visualize(history []Operation, path string) error {
	var pops []porcupine.Operation
	for _, o := range history {
		if o.Returned {
			pops = append(pops, porcupine.Operation{ClientId: int(o.Clerk), Input: kvInput{o.Op.Kind, o.Op.Key, o.Op.Value},
				Output: kvOutput{o.Out}, Call: int64(o.Call), Return: int64(o.Ret)})
		}
	}
	_, info := porcupine.CheckOperationsVerbose(kvModel, pops, Timeout)
	return porcupine.VisualizePath(kvModel, info, path)
}

// Linearizable returns nil if history is linearizable; otherwise an
// error naming the key and the operations that cannot be placed, which it
// also returns.
func Linearizable(history []Operation, timeout time.Duration) ([]Operation, error) {
	byKey := map[string][]Operation{}
	var keys []string
	for _, o := range history {
		if !o.Returned {
			continue // finish waits for every return; a test's own history may leave some out
		}
		if _, ok := byKey[o.Op.Key]; !ok {
			keys = append(keys, o.Op.Key)
		}
		byKey[o.Op.Key] = append(byKey[o.Op.Key], o)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ops := byKey[k]
		pops := make([]porcupine.Operation, len(ops))
		for i, o := range ops {
			pops[i] = porcupine.Operation{ClientId: int(o.Clerk), Input: kvInput{o.Op.Kind, o.Op.Key, o.Op.Value},
				Output: kvOutput{o.Out}, Call: int64(o.Call), Return: int64(o.Ret)}
		}
		res := porcupine.CheckOperationsTimeout(kvModel, pops, timeout)
		switch res {
		case porcupine.Ok:
			continue
		case porcupine.Unknown:
			return nil, fmt.Errorf("undecided: porcupine could not decide within %v whether the %d operations on key %s are linearizable; an undecided history fails", timeout, len(ops), k)
		}
		culprit, before := firstViolation(kvModel, ops, timeout)
		lines := []string{"  cannot be placed: " + culprit.String()}
		for _, o := range before {
			lines = append(lines, "  after: "+o.String())
		}
		return []Operation{culprit}, fmt.Errorf("not linearizable: key %s: %s, returned at %v, fits no order of the key's operations that agrees with real time and a single copy:\n%s",
			k, culprit.Describe(), culprit.Ret, strings.Join(lines, "\n"))
	}
	return nil, nil
}

// firstViolation finds the Operation whose return first makes the history
// of one key non-linearizable: the history cut at time T keeps the
// operations returned by T, and the writes still in flight at T with no
// return (a read in flight is dropped, since it may read a later write).
// Every cut of a linearizable history is linearizable, so the earliest
// failing cut names the culprit. It also returns the last writes that
// returned before the culprit was called, for context.
func firstViolation(model porcupine.Model, ops []Operation, timeout time.Duration) (Operation, []Operation) {
	byRet := slices.Clone(ops)
	slices.SortStableFunc(byRet, func(a, b Operation) int { return cmp.Compare(a.Ret, b.Ret) })
	culprit := byRet[len(byRet)-1]
	for _, cut := range byRet {
		var pops []porcupine.Operation
		for _, o := range ops {
			ret := int64(o.Ret)
			switch {
			case o.Call > cut.Ret:
				continue
			case o.Ret > cut.Ret && o.Op.Kind == kvraft.Get:
				continue
			case o.Ret > cut.Ret:
				ret = math.MaxInt64
			}
			pops = append(pops, porcupine.Operation{ClientId: int(o.Clerk), Input: kvInput{o.Op.Kind, o.Op.Key, o.Op.Value},
				Output: kvOutput{o.Out}, Call: int64(o.Call), Return: ret})
		}
		if porcupine.CheckOperationsTimeout(model, pops, timeout) == porcupine.Illegal {
			culprit = cut
			break
		}
	}
	var before []Operation
	for _, o := range byRet {
		if o.Op.Kind != kvraft.Get && o.Ret < culprit.Call {
			before = append(before, o)
		}
	}
	if len(before) > 3 {
		before = before[len(before)-3:]
	}
	return culprit, before
}

// ExactlyOnce looks for a write applied twice. Every value the workload
// writes is unique and ends in ";", so a key's value is the tokens of its
// last Put followed by the Appends since, and shows two mistakes whatever
// the timing:
//
//   - a token twice in one Get: an Append applied twice;
//   - two Gets whose values begin with the same write but neither extends
//     the other: that write was applied twice (a Put applied again resets
//     the key to its value, dropping the Appends since), or the key lost
//     writes. Applied once, a write begins a single chain of values, each
//     the one before plus Appends, so any two values that begin with it
//     are prefix of one another, in whatever order they were read.
//
// The second catches a Put applied twice as soon as some write landed
// between its two applications and both values were read; linearizability
// would catch it too, but not name it. It names the write.
func ExactlyOnce(history []Operation) error {
	writes := map[string]Operation{}
	for _, o := range history {
		if o.Op.Kind != kvraft.Get {
			writes[o.Op.Value] = o
		}
	}
	// The longest value read that begins with each write, by key.
	type read struct {
		op     Operation
		tokens []string
	}
	longest := map[string]map[string]read{}
	for _, o := range history {
		if o.Op.Kind != kvraft.Get || !o.Returned || o.Out == "" {
			continue
		}
		tokens := strings.SplitAfter(o.Out, ";")
		if tokens[len(tokens)-1] == "" {
			tokens = tokens[:len(tokens)-1]
		}
		seen := map[string]bool{}
		for _, v := range tokens {
			if seen[v] {
				return fmt.Errorf("applied twice: %s saw the value of %s more than once: a retried request must run exactly once (detect duplicates by clerk and sequence number in the replicated state)", o, writes[v])
			}
			seen[v] = true
		}
		first := tokens[0]
		if _, ok := writes[first]; !ok {
			continue // not a value the workload wrote: linearizability names it
		}
		if longest[o.Op.Key] == nil {
			longest[o.Op.Key] = map[string]read{}
		}
		prev, ok := longest[o.Op.Key][first]
		a, b := prev.tokens, tokens
		if len(a) > len(b) {
			a, b = b, a
		}
		if ok && !slices.Equal(a, b[:len(a)]) {
			w := writes[first]
			return fmt.Errorf("applied twice: %s and %s both begin with the value of %s, but neither extends the other: once applied, a write's value only grows by Appends until another write replaces it, so %s ran twice (a retry or an old duplicate applied again: detect duplicates by clerk and sequence number in the replicated state) or the key lost writes", prev.op, o, w, w.Describe())
		}
		if !ok || len(tokens) > len(prev.tokens) {
			longest[o.Op.Key][first] = read{o, tokens}
		}
	}
	return nil
}

// Check is a test's linearizability check of history: it passes the check
// "linearizability", or notes each culprit in the trace, writes porcupine's
// view beside the trace when the run keeps one, and fails the run naming
// the culprits' clerks.
func Check(t *suite.T, history []Operation) {
	bad, err := Linearizable(history, Timeout)
	if err == nil {
		t.Check("linearizability", nil)
		return
	}
	var nodes []node.ID
	for _, o := range bad {
		t.Logf("not linearizable: %s", o)
		nodes = append(nodes, o.Clerk)
	}
	msg := err.Error()
	if path := t.ArtifactPath("-porcupine.html"); path != "" {
		if werr := Visualize(history, path); werr == nil {
			msg += "\n  porcupine's view of the history: " + path
		}
	}
	t.Fail(suite.Failure{Check: "linearizability", Msg: msg, Nodes: nodes})
}
