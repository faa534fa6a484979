package kvhistory

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// op builds a returned Operation of clerk c over [call, ret] milliseconds.
func op(c int, kind kvraft.Kind, key, value string, call, ret int, out string) Operation {
	return Operation{Clerk: node.ID(c), Op: kvraft.Op{Kind: kind, Key: key, Value: value},
		Call: time.Duration(call) * time.Millisecond, Ret: time.Duration(ret) * time.Millisecond, Out: out, Returned: true}
}

// TestKVModel holds the checker to hand-written histories whose verdict
// is known.
func TestKVModel(t *testing.T) {
	cases := []struct {
		name    string
		history []Operation
		ok      bool
		culprit string // the Operation a violation names
	}{
		{"empty", nil, true, ""},
		{"get of a missing key", []Operation{op(1, kvraft.Get, "x", "", 0, 1, "")}, true, ""},
		{"put then get", []Operation{
			op(1, kvraft.Put, "x", "a", 0, 1, ""),
			op(2, kvraft.Get, "x", "", 2, 3, "a"),
		}, true, ""},
		{"stale get after a put returned", []Operation{
			op(1, kvraft.Put, "x", "a", 0, 1, ""),
			op(2, kvraft.Get, "x", "", 2, 3, ""),
		}, false, `n2's Get(x) -> ""`},
		{"concurrent get may see either", []Operation{
			op(1, kvraft.Put, "x", "a", 0, 10, ""),
			op(2, kvraft.Get, "x", "", 1, 2, ""),
			op(3, kvraft.Get, "x", "", 3, 4, "a"),
		}, true, ""},
		{"reads go back in time", []Operation{
			op(1, kvraft.Put, "x", "a", 0, 10, ""),
			op(2, kvraft.Get, "x", "", 1, 2, "a"),
			op(3, kvraft.Get, "x", "", 3, 4, ""),
		}, false, `n3's Get(x) -> ""`},
		{"appends in either order while concurrent", []Operation{
			op(1, kvraft.Append, "x", "a;", 0, 10, ""),
			op(2, kvraft.Append, "x", "b;", 0, 10, ""),
			op(3, kvraft.Get, "x", "", 11, 12, "b;a;"),
		}, true, ""},
		{"append applied twice", []Operation{
			op(1, kvraft.Append, "x", "a;", 0, 1, ""),
			op(2, kvraft.Get, "x", "", 2, 3, "a;a;"),
		}, false, `n2's Get(x) -> "a;a;"`},
		{"keys are independent", []Operation{
			op(1, kvraft.Put, "x", "a", 0, 1, ""),
			op(2, kvraft.Get, "y", "", 2, 3, ""),
			op(2, kvraft.Get, "x", "", 4, 5, "a"),
		}, true, ""},
		{"a lost write on one key among several", []Operation{
			op(1, kvraft.Put, "x", "a", 0, 1, ""),
			op(1, kvraft.Put, "y", "b", 2, 3, ""),
			op(2, kvraft.Get, "x", "", 4, 5, "a"),
			op(2, kvraft.Get, "y", "", 6, 7, ""),
		}, false, `n2's Get(y) -> ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad, err := Linearizable(tc.history, 10*time.Second)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Len(t, bad, 1)
			assert.Equal(t, tc.culprit, bad[0].Describe())
			assert.Contains(t, err.Error(), tc.culprit)
		})
	}
}

// TestUndecidedIsAnError gives porcupine a history it cannot settle in a
// microsecond: many concurrent appends and an impossible final read. The
// answer must be an error, never a pass.
func TestUndecidedIsAnError(t *testing.T) {
	var h []Operation
	for i := range 24 {
		h = append(h, op(i+1, kvraft.Append, "x", fmt.Sprintf("%d;", i), 0, 100, ""))
	}
	h = append(h, op(99, kvraft.Get, "x", "", 101, 102, "impossible"))
	_, err := Linearizable(h, time.Microsecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undecided")
}

func TestExactlyOnce(t *testing.T) {
	cases := []struct {
		name    string
		history []Operation
		ok      bool
	}{
		{"each value once", []Operation{
			op(1, kvraft.Append, "x", "n1.1;", 0, 1, ""),
			op(1, kvraft.Append, "x", "n1.2;", 2, 3, ""),
			op(2, kvraft.Get, "x", "", 4, 5, "n1.1;n1.2;"),
		}, true},
		{"a value twice", []Operation{
			op(1, kvraft.Append, "x", "n1.1;", 0, 1, ""),
			op(2, kvraft.Get, "x", "", 4, 5, "n1.1;n1.1;"),
		}, false},
		{"a put applied again after an append", []Operation{
			op(1, kvraft.Put, "x", "n1.1;", 0, 1, ""),
			op(2, kvraft.Append, "x", "n2.1;", 2, 3, ""),
			op(3, kvraft.Get, "x", "", 4, 5, "n1.1;n2.1;"),
			op(2, kvraft.Append, "x", "n2.2;", 6, 7, ""),
			op(3, kvraft.Get, "x", "", 8, 9, "n1.1;n2.2;"),
		}, false},
		{"the same put applied again, read in the other order", []Operation{
			op(1, kvraft.Put, "x", "n1.1;", 0, 1, ""),
			op(3, kvraft.Get, "x", "", 8, 9, "n1.1;n2.2;"),
			op(3, kvraft.Get, "x", "", 4, 5, "n1.1;n2.1;n2.3;"),
		}, false},
		{"a put read again after appends and a stale read", []Operation{
			op(1, kvraft.Put, "x", "n1.1;", 0, 1, ""),
			op(3, kvraft.Get, "x", "", 2, 3, "n1.1;n2.1;n2.2;"),
			op(3, kvraft.Get, "x", "", 4, 5, "n1.1;"), // stale, not doubled: linearizability's to name
			op(3, kvraft.Get, "x", "", 6, 7, "n1.1;n2.1;"),
		}, true},
		{"a put replaced and read again later", []Operation{
			op(1, kvraft.Put, "x", "n1.1;", 0, 1, ""),
			op(3, kvraft.Get, "x", "", 2, 3, "n1.1;"),
			op(2, kvraft.Put, "x", "n2.1;", 4, 5, ""),
			op(3, kvraft.Get, "x", "", 6, 7, "n2.1;"),
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ExactlyOnce(tc.history)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), `(x, "n1.1;")`)
			}
		})
	}
}
