package raftlab

import (
	"encoding/json"
	"fmt"
	"strings"
)

// raftFields are the fields a Raft message label shows. Students name their
// own message types, so the usual names of Figure 2 are accepted in any
// case (encoding/json matches field names case-insensitively), with the
// common alternatives.
type raftFields struct {
	Term              int
	Entries           []json.RawMessage
	PrevLogIndex      int
	LeaderCommit      int
	CommitIndex       int
	Success           bool
	Granted           bool
	VoteGranted       bool
	Match             int
	MatchIndex        int
	LastIncludedIndex int
}

// Label gives a Raft message its short label: "RV t2" for a RequestVote,
// "RV✓ t2" or "RV✗ t2" for its reply, "AE t3 [5..7] c4" for an
// AppendEntries in term 3 carrying entries 5 to 7 with commit index 4,
// "HB t3 c4" for an AppendEntries with no entries (a heartbeat), "AE✓ t3
// m7" or "AE✗ t3" for its reply (m: the follower's match index), "IS t3
// ≤12" for an InstallSnapshot up to index 12. Other types keep their name.
func Label(typ string, payload json.RawMessage) string {
	var f raftFields
	if len(payload) == 0 || json.Unmarshal(payload, &f) != nil {
		return ""
	}
	name := strings.ToLower(strings.TrimPrefix(typ, "*"))
	reply := strings.Contains(name, "reply") || strings.Contains(name, "resp")
	ok := func(b bool) string {
		if b {
			return "✓"
		}
		return "✗"
	}
	switch {
	case strings.Contains(name, "vote") && reply:
		return fmt.Sprintf("RV%s t%d", ok(f.Granted || f.VoteGranted), f.Term)
	case strings.Contains(name, "vote"):
		return fmt.Sprintf("RV t%d", f.Term)
	case strings.Contains(name, "append") && reply:
		if m := max(f.Match, f.MatchIndex); f.Success && m > 0 {
			return fmt.Sprintf("AE✓ t%d m%d", f.Term, m)
		}
		return fmt.Sprintf("AE%s t%d", ok(f.Success), f.Term)
	case strings.Contains(name, "append"):
		commit := max(f.LeaderCommit, f.CommitIndex)
		switch n := len(f.Entries); n {
		case 0:
			return fmt.Sprintf("HB t%d c%d", f.Term, commit)
		case 1:
			return fmt.Sprintf("AE t%d [%d] c%d", f.Term, f.PrevLogIndex+1, commit)
		default:
			return fmt.Sprintf("AE t%d [%d..%d] c%d", f.Term, f.PrevLogIndex+1, f.PrevLogIndex+n, commit)
		}
	case strings.Contains(name, "snapshot") && reply:
		return fmt.Sprintf("IS✓ t%d", f.Term)
	case strings.Contains(name, "snapshot"):
		return fmt.Sprintf("IS t%d ≤%d", f.Term, f.LastIncludedIndex)
	}
	return ""
}
