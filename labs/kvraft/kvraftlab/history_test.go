package kvraftlab

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// op builds a returned operation of clerk c over [call, ret] milliseconds.
func op(c int, kind kvraft.Kind, key, value string, call, ret int, out string) operation {
	return operation{clerk: node.ID(c), op: kvraft.Op{Kind: kind, Key: key, Value: value},
		call: time.Duration(call) * time.Millisecond, ret: time.Duration(ret) * time.Millisecond, out: out, returned: true}
}

// TestKVModel holds the checker to hand-written histories whose verdict
// is known.
func TestKVModel(t *testing.T) {
	cases := []struct {
		name    string
		history []operation
		ok      bool
		culprit string // the operation a violation names
	}{
		{"empty", nil, true, ""},
		{"get of a missing key", []operation{op(1, kvraft.Get, "x", "", 0, 1, "")}, true, ""},
		{"put then get", []operation{
			op(1, kvraft.Put, "x", "a", 0, 1, ""),
			op(2, kvraft.Get, "x", "", 2, 3, "a"),
		}, true, ""},
		{"stale get after a put returned", []operation{
			op(1, kvraft.Put, "x", "a", 0, 1, ""),
			op(2, kvraft.Get, "x", "", 2, 3, ""),
		}, false, `n2's Get(x) -> ""`},
		{"concurrent get may see either", []operation{
			op(1, kvraft.Put, "x", "a", 0, 10, ""),
			op(2, kvraft.Get, "x", "", 1, 2, ""),
			op(3, kvraft.Get, "x", "", 3, 4, "a"),
		}, true, ""},
		{"reads go back in time", []operation{
			op(1, kvraft.Put, "x", "a", 0, 10, ""),
			op(2, kvraft.Get, "x", "", 1, 2, "a"),
			op(3, kvraft.Get, "x", "", 3, 4, ""),
		}, false, `n3's Get(x) -> ""`},
		{"appends in either order while concurrent", []operation{
			op(1, kvraft.Append, "x", "a;", 0, 10, ""),
			op(2, kvraft.Append, "x", "b;", 0, 10, ""),
			op(3, kvraft.Get, "x", "", 11, 12, "b;a;"),
		}, true, ""},
		{"append applied twice", []operation{
			op(1, kvraft.Append, "x", "a;", 0, 1, ""),
			op(2, kvraft.Get, "x", "", 2, 3, "a;a;"),
		}, false, `n2's Get(x) -> "a;a;"`},
		{"keys are independent", []operation{
			op(1, kvraft.Put, "x", "a", 0, 1, ""),
			op(2, kvraft.Get, "y", "", 2, 3, ""),
			op(2, kvraft.Get, "x", "", 4, 5, "a"),
		}, true, ""},
		{"a lost write on one key among several", []operation{
			op(1, kvraft.Put, "x", "a", 0, 1, ""),
			op(1, kvraft.Put, "y", "b", 2, 3, ""),
			op(2, kvraft.Get, "x", "", 4, 5, "a"),
			op(2, kvraft.Get, "y", "", 6, 7, ""),
		}, false, `n2's Get(y) -> ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad, err := checkLinearizable(tc.history, 10*time.Second)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Len(t, bad, 1)
			assert.Equal(t, tc.culprit, bad[0].describe())
			assert.Contains(t, err.Error(), tc.culprit)
		})
	}
}

// TestUndecidedIsAnError gives porcupine a history it cannot settle in a
// microsecond: many concurrent appends and an impossible final read. The
// answer must be an error, never a pass.
func TestUndecidedIsAnError(t *testing.T) {
	var h []operation
	for i := range 24 {
		h = append(h, op(i+1, kvraft.Append, "x", fmt.Sprintf("%d;", i), 0, 100, ""))
	}
	h = append(h, op(99, kvraft.Get, "x", "", 101, 102, "impossible"))
	_, err := checkLinearizable(h, time.Microsecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undecided")
}

func TestExactlyOnce(t *testing.T) {
	cases := []struct {
		name    string
		history []operation
		ok      bool
	}{
		{"each value once", []operation{
			op(1, kvraft.Append, "x", "n1.1;", 0, 1, ""),
			op(1, kvraft.Append, "x", "n1.2;", 2, 3, ""),
			op(2, kvraft.Get, "x", "", 4, 5, "n1.1;n1.2;"),
		}, true},
		{"a value twice", []operation{
			op(1, kvraft.Append, "x", "n1.1;", 0, 1, ""),
			op(2, kvraft.Get, "x", "", 4, 5, "n1.1;n1.1;"),
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkExactlyOnce(tc.history)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), `n1 Append(x, "n1.1;")`)
			}
		})
	}
}
