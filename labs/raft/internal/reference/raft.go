// Package reference is the lab's reference Raft, parameterized by Bugs so
// that each mutant of the lab is the same code with one mistake switched
// on. The zero Bugs is the reference solution (raftlab.Lab.Solution, set in
// labs/raft/raftlab/reference.go, the only suite file that imports this
// package).
//
// The structure follows etcd's raft: a synchronous state machine whose
// role-specific behaviour lives in step functions (stepFollower,
// stepCandidate, stepLeader) swapped by becomeFollower, becomeCandidate and
// becomeLeader, so that no handler is a thicket of "if role ==".
package reference

import (
	"bytes"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// Timing says how often a leader sends heartbeats and how long a follower
// waits for one before it starts an election.
type Timing struct {
	Heartbeat   time.Duration
	ElectionMin time.Duration
	ElectionMax time.Duration
}

// DefaultTiming sends heartbeats 10 times a second, the lab's limit; the
// election timeout is several heartbeat intervals so that one lost
// heartbeat does not start an election, and randomized so that split votes
// resolve (§5.2).
func DefaultTiming() Timing {
	return Timing{Heartbeat: 100 * time.Millisecond, ElectionMin: 300 * time.Millisecond, ElectionMax: 600 * time.Millisecond}
}

// MaxBatch caps the entries of one AppendEntries, so that a follower far
// behind catches up in messages of bounded size.
const MaxBatch = 16

type role int

const (
	follower role = iota
	candidate
	leader
)

func (r role) String() string { return [...]string{"follower", "candidate", "leader"}[r] }

// Raft is one peer.
type Raft struct {
	id       node.ID
	env      node.Env
	apply    func(raft.ApplyMsg)
	bugs     Bugs
	timing   Timing
	design   Design
	designed bool // design.PreVote || design.CheckQuorum: stepDesign has work

	// Persistent state on all servers (Figure 2), plus the snapshot (§7).
	term     int
	votedFor node.ID
	log      raftLog
	snapshot []byte
	dirty    bool // Bugs.ReplyBeforePersist, Bugs.SyncAfterReply: state changed but not written
	wal      wal  // what persist knows about the disk

	// Volatile state on all servers.
	role        role
	step        func(r *Raft, from node.ID, m node.Message) // a method expression: no closure per role change
	leader      node.ID
	commitIndex int
	lastApplied int

	peers []node.ID // env.Peers(), which does not change

	// Candidates: who voted for us this term, indexed by node ID, and how
	// many did.
	voted []bool
	votes int
	// Leaders (Figure 2, reinitialized after election), indexed by node ID.
	next, match []int

	// The election timer is lazy: hearing from the leader moves deadline
	// (on this node's clock) and leaves the timer alone; when the timer
	// fires before the deadline it is set again for the rest. A follower
	// that reset a timer on every AppendEntries would cancel and set one
	// per message, and leave the simulator's queue full of cancelled ones.
	deadline       time.Duration
	electionTimer  node.TimerID  // 0: none pending
	electionAt     time.Duration // when the pending one fires, on this node's clock
	heartbeatTimer node.TimerID
	epoch          int // bumped when the node becomes leader, to ignore stale fires

	// Design.PreVote: a follower whose election timer fired asks for
	// pre-votes before it stands; lastHeard is when it last heard from a
	// leader (on its own clock), for Design.CheckQuorum's lease too.
	prevoting bool
	preVoted  []bool
	preVotes  int
	lastHeard time.Duration
	// Design.CheckQuorum: the peers a leader heard from since quorumAt.
	active   []bool
	quorumAt time.Duration

	reply    AppendEntriesReply // the last one sent, and
	replyBox node.Message       // it boxed (sendAppendReply)
	beat     AppendEntries      // the last heartbeat built, and
	beatBox  node.Message       // it boxed (appendFrom)
}

var (
	_ raft.Node      = (*Raft)(nil)
	_ raft.Roler     = (*Raft)(nil)
	_ raft.LogReader = (*Raft)(nil)
)

// New returns a peer with the given bugs switched on.
func New(id node.ID, apply func(raft.ApplyMsg), bugs Bugs) *Raft {
	return &Raft{id: id, apply: apply, bugs: bugs, timing: DefaultTiming()}
}

// NewTimed returns a reference peer with its own timing (for demos).
func NewTimed(id node.ID, apply func(raft.ApplyMsg), t Timing) *Raft {
	return &Raft{id: id, apply: apply, timing: t}
}

// NewDesign returns a reference peer built as d says (design.go).
func NewDesign(id node.ID, apply func(raft.ApplyMsg), d Design) *Raft {
	t := d.Timing
	if t == (Timing{}) {
		t = DefaultTiming()
	}
	return &Raft{id: id, apply: apply, timing: t, design: d, designed: d.PreVote || d.CheckQuorum}
}

// Start boots the node from its durable state (Figure 2: "updated on
// stable storage before responding to RPCs").
func (r *Raft) Start(env node.Env) {
	r.env = env
	if err := r.restore(env.Storage()); err != nil {
		panic(err)
	}
	// Everything in the snapshot is committed and applied (§7).
	r.commitIndex, r.lastApplied = r.log.base, r.log.base
	if r.log.base > 0 && r.snapshot != nil {
		r.apply(raft.ApplyMsg{SnapshotValid: true, Snapshot: r.snapshot,
			SnapshotIndex: r.log.base, SnapshotTerm: r.log.entries[0].Term})
	}
	r.peers = env.Peers()
	r.match = make([]int, len(r.peers)+2)
	r.next = make([]int, len(r.peers)+2)
	r.voted = make([]bool, len(r.peers)+2)
	if r.design.PreVote {
		r.preVoted = make([]bool, len(r.peers)+2)
	}
	if r.design.CheckQuorum {
		r.active = make([]bool, len(r.peers)+2)
	}
	r.becomeFollower(r.term, 0)
}

// State reports the current term and whether this node is the leader.
func (r *Raft) State() (int, bool) { return r.term, r.role == leader }

// Role reports "leader", "candidate" or "follower".
func (r *Raft) Role() string { return r.role.String() }

// LastIndex implements raft.LogReader, for the suite's checks.
func (r *Raft) LastIndex() int { return r.log.lastIndex() }

// TermAt implements raft.LogReader.
func (r *Raft) TermAt(index int) (int, bool) { return r.log.term(index) }

// Propose appends command to the log if this node is the leader, and starts
// replicating it at once (Figure 2, Rules for Servers, Leaders).
func (r *Raft) Propose(command []byte) (int, int, bool) {
	if r.bugs.SyncAfterReply {
		defer r.writeLate()
	}
	if r.role != leader {
		return 0, r.term, false
	}
	r.log.append(Entry{Term: r.term, Command: bytes.Clone(command)})
	r.persist()
	r.match[r.id] = r.log.lastIndex()
	if !r.design.BatchOnHeartbeat {
		r.broadcastAppend()
	}
	r.maybeCommit() // a cluster of one commits alone
	return r.log.lastIndex(), r.term, true
}

// Snapshot discards the log up to index, which the service's snapshot
// covers (§7).
func (r *Raft) Snapshot(index int, snapshot []byte) {
	if index <= r.log.base || index > r.lastApplied {
		return // older than what we have, or not yet applied: ignore
	}
	t, _ := r.log.term(index)
	r.log.compact(index, t)
	r.snapshot = bytes.Clone(snapshot)
	r.persistSnapshot()
}

// writeLate is Bugs.SyncAfterReply: the state is written at the end of the
// handler, after its messages went out; only a crash inside the handler can
// tell.
func (r *Raft) writeLate() {
	if r.dirty {
		r.checkpoint()
	}
}

// HandleTimer handles the election and heartbeat timers.
func (r *Raft) HandleTimer(timer any) {
	if r.dirty {
		r.checkpoint() // Bugs.ReplyBeforePersist: the late write
	}
	if r.bugs.SyncAfterReply {
		defer r.writeLate()
	}
	switch t := timer.(type) {
	case electionTimeout:
		if t.Epoch != r.epoch || r.role == leader {
			return
		}
		r.electionTimer = 0
		if rest := r.deadline - r.env.Now(); rest > 0 {
			r.armElection(rest) // heard from a leader or a candidate since it was set
			return
		}
		if r.design.PreVote {
			r.startPreVote()
			return
		}
		r.becomeCandidate()
	case heartbeat:
		if t.Epoch == r.epoch && r.role == leader {
			if r.design.CheckQuorum && !r.checkQuorum() {
				return
			}
			r.broadcastAppend()
			r.heartbeatTimer = r.env.SetTimer(r.timing.Heartbeat, heartbeat{r.epoch})
		}
	}
}

// HandleMessage applies the rules for all servers, then hands the message
// to the current role's step function.
func (r *Raft) HandleMessage(from node.ID, m node.Message) {
	if r.bugs.SyncAfterReply {
		defer r.writeLate()
	}
	if r.designed && r.stepDesign(from, m) {
		return
	}
	term, isReply := termOf(m)
	switch {
	case term > r.term:
		// Figure 2, all servers: "If RPC request or response contains term
		// T > currentTerm: set currentTerm = T, convert to follower" (§5.1).
		if r.bugs.NoStepDown && r.role == leader && isReply {
			return
		}
		r.stepDown(term)
		r.persist()
	case term < r.term:
		// A stale request gets our term so its sender steps down; a stale
		// reply answers a question we no longer ask.
		if !isReply {
			r.rejectStale(from, m)
			return
		}
		if !r.bugs.AcceptStaleReplies {
			return
		}
	}
	r.step(r, from, m)
}

func termOf(m node.Message) (term int, reply bool) {
	switch m := m.(type) {
	case RequestVote:
		return m.Term, false
	case AppendEntries:
		return m.Term, false
	case InstallSnapshot:
		return m.Term, false
	case RequestVoteReply:
		return m.Term, true
	case AppendEntriesReply:
		return m.Term, true
	case InstallSnapshotReply:
		return m.Term, true
	}
	return 0, true // unknown: ignored by every step function
}

func (r *Raft) rejectStale(from node.ID, m node.Message) {
	switch m.(type) {
	case RequestVote:
		r.env.Send(from, RequestVoteReply{Term: r.term})
	case AppendEntries:
		r.env.Send(from, AppendEntriesReply{Term: r.term})
	case InstallSnapshot:
		r.env.Send(from, InstallSnapshotReply{Term: r.term})
	}
}

// becomeFollower moves to term (forgetting the vote if the term is new)
// and waits for a leader. The caller persists.
func (r *Raft) becomeFollower(term int, lead node.ID) {
	if term > r.term {
		r.term, r.votedFor = term, 0
	}
	r.role, r.step, r.leader = follower, (*Raft).stepFollower, lead
	r.resetElectionTimer()
}

// stepDown adopts a newer term as a follower. It does not reset a running
// election timer: hearing of a newer term is neither a heartbeat from its
// leader nor a granted vote (Figure 2, Followers), and a node that reset
// its timer on every RequestVote could be kept from ever standing.
func (r *Raft) stepDown(term int) {
	r.term, r.votedFor, r.prevoting = term, 0, false
	wasLeader := r.role == leader
	r.role, r.step, r.leader = follower, (*Raft).stepFollower, 0
	if wasLeader {
		r.resetElectionTimer()
	}
}

// becomeCandidate starts an election (§5.2): a new term, a vote for itself,
// and RequestVote to every peer.
func (r *Raft) becomeCandidate() {
	r.prevoting = false
	r.term++
	r.votedFor = r.id
	r.role, r.step, r.leader = candidate, (*Raft).stepCandidate, 0
	clear(r.voted)
	r.voted[r.id], r.votes = true, 1
	r.persist()
	r.resetElectionTimer()
	r.env.Logf("election for term %d", r.term)
	// One boxed request for every peer: boxing allocates, and the simulator
	// copies what it delivers.
	var req node.Message = RequestVote{Term: r.term, Candidate: r.id, LastLogIndex: r.log.lastIndex(), LastLogTerm: r.log.lastTerm()}
	for _, p := range r.peers {
		r.env.Send(p, req)
	}
	if r.hasQuorum(r.votes) {
		r.becomeLeader()
	}
}

// becomeLeader takes over (§5.2, §5.3): nextIndex starts just past the
// leader's log, matchIndex at zero, and a heartbeat goes out at once to
// assert leadership.
func (r *Raft) becomeLeader() {
	r.role, r.step, r.leader = leader, (*Raft).stepLeader, r.id
	r.env.Logf("leader for term %d", r.term)
	for i := range r.next {
		r.next[i], r.match[i] = r.log.lastIndex()+1, 0
	}
	r.match[r.id] = r.log.lastIndex()
	r.epoch++
	if r.active != nil {
		clear(r.active)
		r.quorumAt = r.env.Now()
	}
	r.env.CancelTimer(r.electionTimer)
	r.electionTimer = 0
	r.broadcastAppend()
	r.heartbeatTimer = r.env.SetTimer(r.timing.Heartbeat, heartbeat{r.epoch})
}

// resetElectionTimer starts a new randomized election timeout (§5.2) and
// stops a leader's heartbeats.
func (r *Raft) resetElectionTimer() {
	if r.heartbeatTimer != 0 {
		r.env.CancelTimer(r.heartbeatTimer)
		r.heartbeatTimer = 0
	}
	d := r.timing.ElectionMin
	if !r.bugs.FixedElectionTimeout {
		d += time.Duration(r.env.Rand().Int64N(int64(r.timing.ElectionMax - r.timing.ElectionMin)))
	}
	r.deadline = r.env.Now() + d
	// The pending timer serves if it fires no later than the new deadline.
	if r.electionTimer != 0 && r.electionAt <= r.deadline {
		return
	}
	r.env.CancelTimer(r.electionTimer)
	r.armElection(d)
}

// armElection sets the election timer to fire after d.
func (r *Raft) armElection(d time.Duration) {
	r.electionTimer = r.env.SetTimer(d, electionTimeout{r.epoch})
	r.electionAt = r.env.Now() + d
}

func (r *Raft) hasQuorum(n int) bool {
	if r.bugs.HalfQuorum {
		return 2*n >= len(r.peers)+1 // the same as below for odd sizes only
	}
	return 2*n > len(r.peers)+1
}

// stepFollower: respond to candidates and leaders (Figure 2, Followers).
func (r *Raft) stepFollower(from node.ID, m node.Message) {
	switch m := m.(type) {
	case RequestVote:
		r.handleRequestVote(from, m)
	case AppendEntries:
		r.leader = from
		if r.designed {
			r.prevoting, r.lastHeard = false, r.env.Now()
		}
		r.resetElectionTimer()
		r.handleAppendEntries(from, m)
	case InstallSnapshot:
		r.leader = from
		if r.designed {
			r.prevoting, r.lastHeard = false, r.env.Now()
		}
		r.resetElectionTimer()
		r.handleInstallSnapshot(from, m)
	}
}

// stepCandidate counts votes; an AppendEntries of its own term means another
// node won the election (§5.2).
func (r *Raft) stepCandidate(from node.ID, m node.Message) {
	switch m := m.(type) {
	case RequestVote:
		r.handleRequestVote(from, m)
	case AppendEntries, InstallSnapshot:
		r.becomeFollower(r.term, from)
		r.stepFollower(from, m)
	case RequestVoteReply:
		if m.Granted {
			if !r.voted[from] {
				r.voted[from] = true
				r.votes++
			}
			if r.hasQuorum(r.votes) {
				r.becomeLeader()
			}
		}
	}
}

// stepLeader handles the followers' answers.
func (r *Raft) stepLeader(from node.ID, m node.Message) {
	if r.active != nil {
		r.active[from] = true
	}
	switch m := m.(type) {
	case RequestVote:
		r.handleRequestVote(from, m)
	case AppendEntriesReply:
		r.handleAppendEntriesReply(from, m)
	case InstallSnapshotReply:
		r.match[from] = max(r.match[from], m.LastIncludedIndex)
		r.next[from] = max(r.next[from], r.match[from]+1)
		r.maybeCommit()
	}
}

// handleRequestVote grants a vote at most once per term (§5.2), and only to
// a candidate whose log is at least as up-to-date as ours (§5.4.1).
func (r *Raft) handleRequestVote(from node.ID, m RequestVote) {
	upToDate := m.LastLogTerm > r.log.lastTerm() ||
		m.LastLogTerm == r.log.lastTerm() && m.LastLogIndex >= r.log.lastIndex()
	if r.bugs.NoUpToDateCheck {
		upToDate = true
	}
	free := r.votedFor == 0 || r.votedFor == m.Candidate
	if r.bugs.VoteTwice && r.role == follower {
		free = true
	}
	granted := free && upToDate && m.Term == r.term
	if granted {
		r.votedFor = m.Candidate
		r.persist()
		// Figure 2, Followers: granting a vote resets the election timer, so
		// that we do not start a competing election right away.
		if !r.bugs.NoResetOnVote {
			r.resetElectionTimer()
		}
	}
	r.env.Send(from, RequestVoteReply{Term: r.term, Granted: granted})
}

// handleAppendEntries is the receiver implementation of Figure 2.
func (r *Raft) handleAppendEntries(from node.ID, m AppendEntries) {
	prev, entries := m.PrevLogIndex, m.Entries
	if prev < r.log.base {
		// The prefix up to our snapshot is committed, so it matches: skip
		// the entries it already covers.
		skip := r.log.base - prev
		if skip >= len(entries) {
			r.sendAppendReply(from, AppendEntriesReply{Term: r.term, Success: true, Match: prev + len(entries)})
			return
		}
		prev, entries = r.log.base, entries[skip:]
	} else if t, ok := r.log.term(prev); !ok || t != m.PrevLogTerm {
		// Step 2: reply false if the log has no entry at prevLogIndex
		// whose term matches, with the §5.3 hint.
		reply := AppendEntriesReply{Term: r.term, ConflictIndex: r.log.lastIndex() + 1}
		if ok {
			reply.ConflictTerm = t
			reply.ConflictIndex = r.log.firstIndexOf(t, prev)
		}
		r.sendAppendReply(from, reply)
		return
	}
	// Steps 3 and 4: delete a conflicting entry and all that follow it,
	// then append the new entries. An entry that matches is kept: this
	// AppendEntries may be older than one already applied, and truncating
	// would drop entries we have acknowledged.
	changed := false
	for i, e := range entries {
		idx := prev + 1 + i
		if t, ok := r.log.term(idx); ok {
			if t == e.Term && !r.bugs.TruncateOnMatch {
				continue
			}
			r.log.truncate(idx)
		}
		r.log.append(entries[i:]...)
		changed = true
		break
	}
	if changed {
		r.persist()
	}
	// Step 5: commitIndex = min(leaderCommit, index of last new entry).
	lastNew := prev + len(entries)
	if r.bugs.CommitBeyondNew {
		lastNew = r.log.lastIndex()
	}
	if c := min(m.LeaderCommit, lastNew); c > r.commitIndex {
		r.commitIndex = c
		r.applyCommitted()
	}
	r.sendAppendReply(from, AppendEntriesReply{Term: r.term, Success: true, Match: prev + len(entries)})
}

// sendAppendReply sends m, boxed once for as long as the replies repeat (a
// follower answers each heartbeat alike). Sharing the box is safe: an
// AppendEntriesReply holds no pointers, so no one can change it.
func (r *Raft) sendAppendReply(to node.ID, m AppendEntriesReply) {
	if r.replyBox == nil || m != r.reply {
		r.reply, r.replyBox = m, m
	}
	r.env.Send(to, r.replyBox)
}

// handleAppendEntriesReply advances matchIndex or backs nextIndex up.
func (r *Raft) handleAppendEntriesReply(from node.ID, m AppendEntriesReply) {
	if m.Success {
		r.match[from] = max(r.match[from], m.Match)
		r.next[from] = max(r.next[from], r.match[from]+1)
		r.maybeCommit()
		if r.next[from] <= r.log.lastIndex() {
			r.sendAppend(from) // more to send: keep going
		}
		return
	}
	// §5.3 fast backup: "the follower can include the term of the
	// conflicting entry and the first index it stores for that term. With
	// this information, the leader can decrement nextIndex to bypass all of
	// the conflicting entries in that term."
	next := m.ConflictIndex
	r.next[from] = max(r.match[from]+1, min(next, r.log.lastIndex()+1))
	r.sendAppend(from)
}

// maybeCommit advances commitIndex to the highest index replicated on a
// majority, but only for an entry of the current term (§5.4.2, Figure 8):
// an earlier term's entry is committed indirectly, by the Log Matching
// property, once an entry of this term above it is.
func (r *Raft) maybeCommit() {
	// The highest index a majority holds is the value that a majority of
	// matchIndex reach: the largest m with a quorum of matchIndex >= m.
	// Terms never decrease along a log, so if that entry is of an earlier
	// term, so is every entry below it.
	above := 0
	for _, m := range r.match[1:] {
		if m > r.commitIndex {
			above++
		}
	}
	if !r.hasQuorum(above) {
		return // most replies: nothing new on a majority
	}
	n, last := 0, r.log.lastIndex()
	for _, m := range r.match[1:] {
		if m = min(m, last); m <= n || m <= r.commitIndex {
			continue
		}
		count := 0
		for _, o := range r.match[1:] {
			if o >= m {
				count++
			}
		}
		if r.hasQuorum(count) {
			n = m
		}
	}
	if n == 0 {
		return
	}
	if t, _ := r.log.term(n); t != r.term && !r.bugs.CommitOldTerm {
		return
	}
	r.commitIndex = n
	r.applyCommitted()
}

// broadcastAppend sends every peer what it lacks (or a heartbeat). Peers
// with the same nextIndex get the same message, so it is built and boxed
// once for them (boxing allocates; the simulator copies what it delivers).
func (r *Raft) broadcastAppend() {
	built, m, n := -1, node.Message(nil), 0
	for _, p := range r.peers {
		next := r.next[p]
		if next != built {
			built = next
			m, n = r.appendFrom(next)
		}
		r.env.Send(p, m)
		r.next[p] = next + n
	}
}

// sendAppend sends one peer the entries from its nextIndex, or our snapshot
// if we have discarded them (§7).
func (r *Raft) sendAppend(to node.ID) {
	next := r.next[to]
	m, n := r.appendFrom(next)
	r.env.Send(to, m)
	r.next[to] = next + n
}

// appendFrom returns the message for a peer whose nextIndex is next, and
// how many entries it carries. Pipeline: the sender assumes the entries
// arrive and moves nextIndex past them, to send only newer ones next time.
// A failure reply moves nextIndex back (as etcd's "replicate" state does),
// so a lost message costs one round trip.
func (r *Raft) appendFrom(next int) (node.Message, int) {
	if next <= r.log.base {
		return InstallSnapshot{Term: r.term, Leader: r.id, LastIncludedIndex: r.log.base,
			LastIncludedTerm: r.log.entries[0].Term, Data: r.snapshot}, 0
	}
	prevTerm, _ := r.log.term(next - 1)
	entries := r.log.from(next, MaxBatch)
	if len(entries) == 0 {
		// A heartbeat, with no slice at all: an empty slice of the log
		// would still reach its spare capacity, so the simulator would
		// copy the message, while this one is delivered as it is. The
		// same heartbeat goes to every peer that is caught up, beat after
		// beat until something changes, so it is boxed once.
		m := AppendEntries{Term: r.term, Leader: r.id, PrevLogIndex: next - 1, PrevLogTerm: prevTerm,
			LeaderCommit: r.commitIndex}
		if r.beatBox == nil || m.Term != r.beat.Term || m.Leader != r.beat.Leader ||
			m.PrevLogIndex != r.beat.PrevLogIndex || m.PrevLogTerm != r.beat.PrevLogTerm ||
			m.LeaderCommit != r.beat.LeaderCommit {
			r.beat, r.beatBox = m, m
		}
		return r.beatBox, 0
	}
	return AppendEntries{Term: r.term, Leader: r.id, PrevLogIndex: next - 1, PrevLogTerm: prevTerm,
		Entries: entries, LeaderCommit: r.commitIndex}, len(entries)
}

// handleInstallSnapshot replaces the log with the leader's snapshot (§7),
// unless we already have everything it covers.
func (r *Raft) handleInstallSnapshot(from node.ID, m InstallSnapshot) {
	reply := InstallSnapshotReply{Term: r.term, LastIncludedIndex: m.LastIncludedIndex}
	if m.LastIncludedIndex <= r.commitIndex && !r.bugs.InstallStaleSnapshot {
		r.env.Send(from, reply)
		return
	}
	// Keep the entries after the snapshot if our log agrees with it there;
	// otherwise discard the whole log (§7).
	r.log.compact(m.LastIncludedIndex, m.LastIncludedTerm)
	r.snapshot = bytes.Clone(m.Data)
	r.persistSnapshot()
	r.commitIndex, r.lastApplied = m.LastIncludedIndex, m.LastIncludedIndex
	r.apply(raft.ApplyMsg{SnapshotValid: true, Snapshot: r.snapshot,
		SnapshotIndex: m.LastIncludedIndex, SnapshotTerm: m.LastIncludedTerm})
	r.env.Send(from, reply)
}

// applyCommitted hands the newly committed entries to the service, in order
// (Figure 2: "If commitIndex > lastApplied: increment lastApplied, apply
// log[lastApplied] to state machine").
func (r *Raft) applyCommitted() {
	if r.bugs.ApplyTwice && r.lastApplied > r.log.base && r.lastApplied < r.commitIndex {
		r.lastApplied--
	}
	for r.lastApplied < r.commitIndex {
		r.lastApplied++
		e := r.log.at(r.lastApplied)
		r.apply(raft.ApplyMsg{CommandValid: true, Command: e.Command,
			CommandIndex: r.lastApplied, CommandTerm: e.Term})
	}
}
