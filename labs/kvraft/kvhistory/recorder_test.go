package kvhistory

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// A Recorder tracks each clerk's one request in flight, fills in the
// history as answers come, and keeps the first answer that matches no
// request.
func TestRecorder(t *testing.T) {
	r := NewRecorder([]node.ID{4, 5})
	assert.True(t, r.Idle())
	a := r.Call(4, kvraft.Op{Kind: kvraft.Put, Key: "k1", Value: "x"}, time.Second)
	b := r.Call(5, kvraft.Op{Kind: kvraft.Get, Key: "k0"}, 2*time.Second)
	assert.True(t, r.Busy(4))
	assert.False(t, r.Idle())
	assert.Equal(t, `n4's Put(k1, "x") (called at 1s), n5's Get(k0) (called at 2s)`, r.Stuck())
	assert.Equal(t, []string{"k0", "k1"}, r.Keys())

	require.True(t, r.Return(4, a, "", 3*time.Second))
	assert.False(t, r.Busy(4))
	assert.True(t, r.History[a].Returned)
	assert.Equal(t, 3*time.Second, r.History[a].Ret)
	assert.NoError(t, r.Problem())

	assert.False(t, r.Return(4, a, "", 4*time.Second), "answered twice")
	assert.False(t, r.Return(5, a, "", 4*time.Second), "another clerk's request")
	require.Error(t, r.Problem())
	assert.Contains(t, r.Problem().Error(), "n4 reported request 0 done, but its request in flight is -1", "the first problem is kept")

	require.True(t, r.Return(5, b, "v", 5*time.Second))
	assert.Equal(t, "v", r.History[b].Out)
	assert.True(t, r.Idle())
	assert.Equal(t, 1, r.Issued(4))
	r.Skip(4)
	assert.Equal(t, 2, r.Issued(4))
}
