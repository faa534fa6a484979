package shardkvlab

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// operation is one call of the client-visible history, in virtual time.
type operation struct {
	clerk    node.ID
	req      int
	op       shardkv.Op
	call     time.Duration
	ret      time.Duration
	out      string // a Get's value
	returned bool
}

func (o operation) String() string {
	s := fmt.Sprintf("%v %s", o.clerk, describeOp(o.op))
	if o.op.Kind == shardkv.Get {
		s += fmt.Sprintf(" -> %q", o.out)
	}
	return s + fmt.Sprintf(" [%v, %v]", o.call, o.ret)
}

// describe names the operation without its times.
func (o operation) describe() string {
	s := fmt.Sprintf("%v's %s", o.clerk, describeOp(o.op))
	if o.op.Kind == shardkv.Get {
		s += fmt.Sprintf(" -> %q", o.out)
	}
	return s
}

func describeOp(op shardkv.Op) string {
	if op.Kind == shardkv.Get {
		return fmt.Sprintf("Get(%s)", op.Key)
	}
	return fmt.Sprintf("%s(%s, %q)", op.Kind, op.Key, op.Value)
}

// kvInput and kvOutput are what porcupine sees of an operation.
type kvInput struct {
	kind       shardkv.Kind
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
		case shardkv.Get:
			return out.value == st, st
		case shardkv.Put:
			return true, in.value
		default:
			return true, st + in.value
		}
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(kvInput), output.(kvOutput)
		if in.kind == shardkv.Get {
			return fmt.Sprintf("get(%s) -> %q", in.key, out.value)
		}
		return fmt.Sprintf("%s(%s, %q)", strings.ToLower(string(in.kind)), in.key, in.value)
	},
}

// checkTimeout bounds porcupine's search. Histories are kept small (a few
// clerks, tens of operations per key) so that it decides in milliseconds;
// Unknown is reported as an error, never a pass.
const checkTimeout = 20 * time.Second

// linearizable checks the history with porcupine, key by key; on a
// violation it notes the culprit in the trace and fails the run, naming
// the culprit's clerk.
func (c *cluster) linearizable() {
	bad, err := checkLinearizable(c.history, checkTimeout)
	if err == nil {
		c.t.Check("linearizability", nil)
		return
	}
	var nodes []node.ID
	for _, o := range bad {
		c.t.Logf("not linearizable: %s", o)
		nodes = append(nodes, o.clerk)
	}
	c.t.Fail(suite.Failure{Check: "linearizability", Msg: err.Error(), Nodes: nodes})
}

// checkLinearizable returns nil if history is linearizable; otherwise an
// error naming the key and the operations that cannot be placed, which it
// also returns.
func checkLinearizable(history []operation, timeout time.Duration) ([]operation, error) {
	byKey := map[string][]operation{}
	var keys []string
	for _, o := range history {
		if !o.returned {
			continue // finish waits for every return; a test's own history may leave some out
		}
		if _, ok := byKey[o.op.Key]; !ok {
			keys = append(keys, o.op.Key)
		}
		byKey[o.op.Key] = append(byKey[o.op.Key], o)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ops := byKey[k]
		pops := make([]porcupine.Operation, len(ops))
		for i, o := range ops {
			pops[i] = porcupine.Operation{ClientId: int(o.clerk), Input: kvInput{o.op.Kind, o.op.Key, o.op.Value},
				Output: kvOutput{o.out}, Call: int64(o.call), Return: int64(o.ret)}
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
		return []operation{culprit}, fmt.Errorf("not linearizable: key %s: %s, returned at %v, fits no order of the key's operations that agrees with real time and a single copy:\n%s",
			k, culprit.describe(), culprit.ret, strings.Join(lines, "\n"))
	}
	return nil, nil
}

// firstViolation finds the operation whose return first makes the history
// of one key non-linearizable: the history cut at time T keeps the
// operations returned by T, and the writes still in flight at T with no
// return (a read in flight is dropped, since it may read a later write).
// Every cut of a linearizable history is linearizable, so the earliest
// failing cut names the culprit. It also returns the last writes that
// returned before the culprit was called, for context.
func firstViolation(model porcupine.Model, ops []operation, timeout time.Duration) (operation, []operation) {
	byRet := slices.Clone(ops)
	slices.SortStableFunc(byRet, func(a, b operation) int { return cmp.Compare(a.ret, b.ret) })
	culprit := byRet[len(byRet)-1]
	for _, cut := range byRet {
		var pops []porcupine.Operation
		for _, o := range ops {
			ret := int64(o.ret)
			switch {
			case o.call > cut.ret:
				continue
			case o.ret > cut.ret && o.op.Kind == shardkv.Get:
				continue
			case o.ret > cut.ret:
				ret = math.MaxInt64
			}
			pops = append(pops, porcupine.Operation{ClientId: int(o.clerk), Input: kvInput{o.op.Kind, o.op.Key, o.op.Value},
				Output: kvOutput{o.out}, Call: int64(o.call), Return: ret})
		}
		if porcupine.CheckOperationsTimeout(model, pops, timeout) == porcupine.Illegal {
			culprit = cut
			break
		}
	}
	var before []operation
	for _, o := range byRet {
		if o.op.Kind != shardkv.Get && o.ret < culprit.call {
			before = append(before, o)
		}
	}
	if len(before) > 3 {
		before = before[len(before)-3:]
	}
	return culprit, before
}

// checkExactlyOnce looks for a written value that a Get saw twice: every
// value the workload writes is unique, so a repeat is an Append applied
// twice. It names the write.
func checkExactlyOnce(history []operation) error {
	writes := map[string]operation{}
	for _, o := range history {
		if o.op.Kind != shardkv.Get {
			writes[o.op.Value] = o
		}
	}
	for _, o := range history {
		if o.op.Kind != shardkv.Get || !o.returned {
			continue
		}
		seen := map[string]bool{}
		for _, v := range strings.SplitAfter(o.out, ";") {
			if v != "" && seen[v] {
				return fmt.Errorf("applied twice: %s saw the value of %s more than once: a retried request must run exactly once (detect duplicates by clerk and sequence number in the replicated state)", o, writes[v])
			}
			seen[v] = true
		}
	}
	return nil
}
