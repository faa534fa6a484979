package raftlab

import (
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	grun "github.com/faultline-dev/faultline/grader/run"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// mapOrderEnv holds back what a handler sends and sends it, when the
// handler returns, in the order Go iterates a map of destinations: the
// broadcast loop `for peer := range n.peers` of a Raft that keeps its
// peers in a map.
type mapOrderEnv struct {
	node.Env
	out map[node.ID][]node.Message
}

func (e *mapOrderEnv) Send(to node.ID, m node.Message) { e.out[to] = append(e.out[to], m) }

func (e *mapOrderEnv) flush() {
	for to, ms := range e.out {
		for _, m := range ms {
			e.Env.Send(to, m)
		}
	}
	clear(e.out)
}

// mapOrdered is the reference Raft broadcasting in map order: correct in
// every run, and a different run each time.
type mapOrdered struct {
	raft.Node
	env *mapOrderEnv
}

func (n *mapOrdered) Start(env node.Env) {
	n.env = &mapOrderEnv{Env: env, out: map[node.ID][]node.Message{}}
	n.Node.Start(n.env)
	n.env.flush()
}

func (n *mapOrdered) HandleMessage(from node.ID, m node.Message) {
	n.Node.HandleMessage(from, m)
	n.env.flush()
}

func (n *mapOrdered) HandleTimer(v any) {
	n.Node.HandleTimer(v)
	n.env.flush()
}

func (n *mapOrdered) Propose(cmd []byte) (int, int, bool) {
	defer n.env.flush()
	return n.Node.Propose(cmd)
}

func (n *mapOrdered) Snapshot(index int, snap []byte) {
	n.Node.Snapshot(index, snap)
	n.env.flush()
}

// TestMapOrderRaftIsRefusedEveryTime: a Raft whose broadcast order comes
// from ranging over a Go map passes every check of every run, so only the
// determinism check can refuse it, and it must on every grading, not one
// in two (the check re-runs three seeds of each test in a runner that ran
// none of them).
func TestMapOrderRaftIsRefusedEveryTime(t *testing.T) {
	impl := raft.Factory(func(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
		return &mapOrdered{Node: solution()(id, apply)}
	})
	for i := range 10 {
		res, err := grun.Grade(context.Background(), grun.Options{Lab: Lab, Impl: "student", Student: impl,
			Run: regexp.MustCompile("^(InitialElection|BasicAgree)$"), NoShrink: true, NoTraces: true})
		require.NoError(t, err)
		refused := 0
		for _, tr := range res.Tests {
			if tr.Status == result.Error {
				refused++
				assert.Contains(t, tr.Message, "nondeterministic")
			}
		}
		t.Logf("grading %d: %d of %d tests refused", i+1, refused, len(res.Tests))
		assert.Positive(t, refused, "grading %d: no test was refused as nondeterministic", i+1)
		assert.Equal(t, result.Error, res.Status, "grading %d", i+1)
	}
}
