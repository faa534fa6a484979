package reference

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// newStateMachine is a server whose replicated state starts empty and
// that has no Raft peer and no requests waiting: enough to apply entries
// and snapshots by hand.
func newStateMachine(b Bugs) *Server {
	return &Server{bugs: b, st: state{Data: map[string]string{}, Last: map[node.ID]result{}},
		waiting: map[int]waiting{}, answered: map[node.ID]int{}}
}

func put(client node.ID, seq int, key, value string) Request {
	return Request{Client: client, Seq: seq, Op: kvraft.Op{Kind: kvraft.Put, Key: key, Value: value}}
}

func appendReq(client node.ID, seq int, key, value string) Request {
	return Request{Client: client, Seq: seq, Op: kvraft.Op{Kind: kvraft.Append, Key: key, Value: value}}
}

func get(client node.ID, seq int, key string) Request {
	return Request{Client: client, Seq: seq, Op: kvraft.Op{Kind: kvraft.Get, Key: key}}
}

// TestEntriesRunOnce applies logs with duplicated entries (a clerk's retry
// committed twice) and compares the state with a model that runs each
// clerk's request numbers once, in order.
func TestEntriesRunOnce(t *testing.T) {
	cases := []struct {
		name string
		log  []Request
		want map[string]string
		gets []string // the result of each entry, in order
	}{
		{"a put retried", []Request{put(5, 1, "k", "a"), put(5, 1, "k", "a")},
			map[string]string{"k": "a"}, []string{"", ""}},
		{"an append retried after another clerk wrote", []Request{appendReq(5, 1, "k", "a;"), appendReq(6, 1, "k", "b;"), appendReq(5, 1, "k", "a;")},
			map[string]string{"k": "a;b;"}, []string{"", "", ""}},
		{"a put retried after a later put of another clerk", []Request{put(5, 1, "k", "a"), put(6, 1, "k", "b"), put(5, 1, "k", "a")},
			map[string]string{"k": "b"}, []string{"", "", ""}},
		{"a get retried keeps its first answer", []Request{put(5, 1, "k", "a"), get(6, 1, "k"), put(5, 2, "k", "b"), get(6, 1, "k")},
			map[string]string{"k": "b"}, []string{"", "a", "", "a"}},
		{"an old request after a newer one of the same clerk", []Request{appendReq(5, 1, "k", "a;"), appendReq(5, 2, "k", "b;"), appendReq(5, 1, "k", "a;")},
			map[string]string{"k": "a;b;"}, []string{"", "", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStateMachine(Bugs{})
			var gets []string
			for _, req := range tc.log {
				gets = append(gets, s.execute(req))
			}
			assert.Equal(t, tc.want, s.st.Data)
			assert.Equal(t, tc.gets, gets)
		})
	}
}

// TestSnapshotCarriesDedup installs a snapshot taken after a write into a
// fresh server and re-applies the write: it must not run again, unless the
// snapshot left the dedup table out (the mutant snapshot-without-dedup)
// or the install kept the fresh server's own table (install-keeps-dedup).
func TestSnapshotCarriesDedup(t *testing.T) {
	cases := []struct {
		name string
		bugs Bugs
		want string
	}{
		{"reference", Bugs{}, "a;"},
		{"snapshot without dedup", Bugs{SnapshotNoDedup: true}, "a;a;"},
		{"install keeps dedup", Bugs{InstallKeepsDedup: true}, "a;a;"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from := newStateMachine(tc.bugs)
			w := appendReq(5, 1, "k", "a;")
			from.execute(w)
			st := from.st
			if tc.bugs.SnapshotNoDedup {
				st.Last = nil // as settle does under the bug
			}
			to := newStateMachine(tc.bugs)
			to.installSnapshot(raft.ApplyMsg{SnapshotValid: true, Snapshot: encode(st), SnapshotIndex: 1})
			require.Equal(t, 1, to.lastApplied)
			to.execute(w)
			assert.Equal(t, tc.want, to.st.Data["k"])
		})
	}
}
