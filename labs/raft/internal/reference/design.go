package reference

import (
	"github.com/faultline-dev/faultline/labs/node"
)

// Design switches on legitimate alternatives to the reference that the
// lab's task allows: the suite's liveness bounds must admit each, so
// raftlab's calibration (bounds_test.go) measures the reference built
// with them. The zero Design is the reference as graded; no mutant uses
// one.
type Design struct {
	Timing Timing // the zero Timing is DefaultTiming
	// PreVote (Raft thesis §9.6): a node whose election timer fires first
	// asks its peers whether they would vote for it in the next term, and
	// stands only when a majority would; a partitioned node rejoining
	// cannot depose a working leader by its inflated term.
	PreVote bool
	// CheckQuorum (thesis §6.2, etcd's checkQuorum): a leader that has
	// not heard from a majority for an election timeout steps down, and a
	// node that heard from its leader within an election timeout ignores
	// a RequestVote of a higher term (the leader's lease, §4.2.3).
	CheckQuorum bool
	// BatchOnHeartbeat: a leader sends new entries with its next
	// heartbeat instead of at once, batching what clients propose in
	// between.
	BatchOnHeartbeat bool
}

// PreVote asks whether the receiver would vote for Candidate in Term
// (the candidate's term plus one) without anyone changing term.
type PreVote struct {
	Term         int
	Candidate    node.ID
	LastLogIndex int
	LastLogTerm  int
}

// PreVoteReply answers a PreVote: Term is the term asked about when
// Granted, the receiver's own term otherwise.
type PreVoteReply struct {
	Term    int
	Granted bool
}

// stepDesign handles what a Design adds before the rules for all
// servers, and reports whether the message is done with.
func (r *Raft) stepDesign(from node.ID, m node.Message) bool {
	switch m := m.(type) {
	case PreVote:
		// Thesis §9.6: a pre-vote is granted to a candidate whose log is up
		// to date by a node that has not heard from a leader for an
		// election timeout; a refusal carries the term, which a
		// pre-candidate behind it adopts.
		up := m.LastLogTerm > r.log.lastTerm() || m.LastLogTerm == r.log.lastTerm() && m.LastLogIndex >= r.log.lastIndex()
		if m.Term > r.term && up && !r.heardLeader() {
			r.env.Send(from, PreVoteReply{Term: m.Term, Granted: true})
		} else {
			r.env.Send(from, PreVoteReply{Term: r.term})
		}
		return true
	case PreVoteReply:
		switch {
		case m.Granted && r.prevoting && m.Term == r.term+1:
			if !r.preVoted[from] {
				r.preVoted[from] = true
				r.preVotes++
			}
			if r.hasQuorum(r.preVotes) {
				r.becomeCandidate()
			}
		case !m.Granted && m.Term > r.term:
			r.stepDown(m.Term)
			r.persist()
		}
		return true
	case RequestVote:
		return m.Term > r.term && r.inLease()
	}
	return false
}

// heardLeader reports whether this node leads, or heard from its leader
// less than an election timeout ago.
func (r *Raft) heardLeader() bool {
	return r.role == leader || r.leader != 0 && r.env.Now()-r.lastHeard < r.timing.ElectionMin
}

// inLease reports whether CheckQuorum's lease holds (thesis §4.2.3): a
// RequestVote of a higher term is then ignored, so that a node rejoining
// with an inflated term cannot depose a leader that a majority hears.
func (r *Raft) inLease() bool { return r.design.CheckQuorum && r.heardLeader() }

// startPreVote asks every peer for a pre-vote for the next term.
func (r *Raft) startPreVote() {
	r.prevoting, r.leader = true, 0
	clear(r.preVoted)
	r.preVoted[r.id], r.preVotes = true, 1
	r.resetElectionTimer()
	var req node.Message = PreVote{Term: r.term + 1, Candidate: r.id, LastLogIndex: r.log.lastIndex(), LastLogTerm: r.log.lastTerm()}
	for _, p := range r.peers {
		r.env.Send(p, req)
	}
	if r.hasQuorum(r.preVotes) {
		r.becomeCandidate()
	}
}

// checkQuorum, on a leader's heartbeat, steps down when a majority has not
// been heard from for an election timeout, and reports whether it still
// leads.
func (r *Raft) checkQuorum() bool {
	now := r.env.Now()
	if now-r.quorumAt < r.timing.ElectionMin {
		return true
	}
	heard := 1 // itself
	for _, p := range r.peers {
		if r.active[p] {
			heard++
		}
	}
	clear(r.active)
	r.quorumAt = now
	if r.hasQuorum(heard) {
		return true
	}
	r.env.Logf("heard from %d of %d in %v: stepping down (CheckQuorum)", heard, len(r.peers)+1, r.timing.ElectionMin)
	r.becomeFollower(r.term, 0)
	return false
}
