package raftlab

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		name, typ, payload, want string
	}{
		{"vote request", "RequestVote", `{"Term":2,"Candidate":3,"LastLogIndex":0,"LastLogTerm":0}`, "RV t2"},
		{"vote granted", "RequestVoteReply", `{"Term":2,"Granted":true}`, "RV✓ t2"},
		{"vote refused, student field name", "RequestVoteReply", `{"Term":4,"VoteGranted":false}`, "RV✗ t4"},
		{"entries", "AppendEntries", `{"Term":3,"PrevLogIndex":4,"Entries":[{"Term":3},{"Term":3},{"Term":3}],"LeaderCommit":4}`, "AE t3 [5..7] c4"},
		{"one entry", "AppendEntries", `{"Term":3,"PrevLogIndex":4,"Entries":[{"Term":3}],"LeaderCommit":4}`, "AE t3 [5] c4"},
		{"heartbeat", "AppendEntries", `{"Term":3,"PrevLogIndex":7,"Entries":[],"LeaderCommit":4}`, "HB t3 c4"},
		{"heartbeat, null entries", "AppendEntriesArgs", `{"Term":1,"Entries":null,"LeaderCommit":0}`, "HB t1 c0"},
		{"append ok", "AppendEntriesReply", `{"Term":3,"Success":true,"Match":7}`, "AE✓ t3 m7"},
		{"append ok, nothing matched yet", "AppendEntriesReply", `{"Term":1,"Success":true,"Match":0}`, "AE✓ t1"},
		{"append refused", "AppendEntriesReply", `{"Term":3,"Success":false,"ConflictIndex":2}`, "AE✗ t3"},
		{"snapshot", "InstallSnapshot", `{"Term":5,"LastIncludedIndex":12,"Data":"AAA="}`, "IS t5 ≤12"},
		{"snapshot reply", "InstallSnapshotReply", `{"Term":5,"LastIncludedIndex":12}`, "IS✓ t5"},
		{"pointer type", "*RequestVote", `{"Term":9}`, "RV t9"},
		{"unknown type keeps its name", "Gossip", `{"Term":1}`, ""},
		{"no payload", "RequestVote", ``, ""},
		{"payload not an object", "RequestVote", `"x"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Label(tc.typ, json.RawMessage(tc.payload)))
		})
	}
}
