package reference

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// waiting is a request proposed at some index, waiting to be applied.
type waiting struct {
	client node.ID
	seq    int
	term   int
}

// Server is the reference server: a Raft peer plus the key/value state
// machine. Every handler forwards Raft's events to the peer and ends with
// settle, which answers requests whose fate is known and snapshots.
type Server struct {
	id   node.ID
	cfg  kvraft.ServerConfig
	bugs Bugs
	env  node.Env
	rf   raft.Node

	st          state // replicated
	lastApplied int
	snapIndex   int // the last index handed to Raft's Snapshot
	persisted   int // Bugs.SplitApplied: the applied index last written

	waiting  map[int]waiting // by log index
	term     int             // the term the waiting requests were proposed in
	answered map[node.ID]int // Bugs.LocalDedup: the server's own table
}

// NewServer builds the reference server with bugs switched on.
func NewServer(id node.ID, cfg kvraft.ServerConfig, bugs Bugs) *Server {
	return &Server{id: id, cfg: cfg, bugs: bugs}
}

// Start boots the server and its Raft peer; after a restart, Raft hands the
// persisted snapshot to apply from its Start, then the log replays.
func (s *Server) Start(env node.Env) {
	s.env = env
	s.st = state{Data: map[string]string{}, Last: map[node.ID]result{}}
	s.waiting = map[int]waiting{}
	s.answered = map[node.ID]int{}
	if s.bugs.SplitApplied {
		s.loadSplit()
	}
	s.rf = s.cfg.Raft(s.id, s.apply)
	s.rf.Start(kvraft.NewRaftEnv(env, s.cfg.Servers))
	s.settle()
}

// HandleMessage takes the service's requests; every other message is Raft's.
func (s *Server) HandleMessage(from node.ID, m node.Message) {
	if req, ok := m.(Request); ok {
		s.handleRequest(req)
	} else {
		s.rf.HandleMessage(from, m)
	}
	s.settle()
}

// HandleTimer forwards Raft's timers; the server sets none of its own.
func (s *Server) HandleTimer(t any) {
	if rt, ok := t.(kvraft.RaftTimer); ok {
		s.rf.HandleTimer(rt.Timer)
	}
	s.settle()
}

// Raft returns the server's Raft peer, for traces.
func (s *Server) Raft() raft.Node { return s.rf }

func (s *Server) reply(to node.ID, seq int, err, value string) {
	s.env.Send(to, Reply{Seq: seq, Err: err, Value: value})
}

func (s *Server) handleRequest(req Request) {
	// A request already applied is answered from the dedup table: its
	// effect is in the replicated state, whichever server applied it.
	if r, ok := s.st.Last[req.Client]; ok && s.applied(req, r) {
		if req.Seq == r.Seq {
			s.reply(req.Client, req.Seq, OK, r.Value)
		}
		return // older: the clerk has moved on
	}
	if s.bugs.LocalDedup && s.answered[req.Client] >= req.Seq {
		s.reply(req.Client, req.Seq, OK, "")
		return
	}
	if _, lead := s.rf.State(); lead && s.bugs.StaleReads && req.Op.Kind == kvraft.Get {
		s.reply(req.Client, req.Seq, OK, s.st.Data[req.Op.Key])
		return
	}
	index, term, lead := s.rf.Propose(encode(req))
	if !lead {
		s.reply(req.Client, req.Seq, ErrWrongLeader, "")
		return
	}
	if s.bugs.AnswerEarly {
		s.reply(req.Client, req.Seq, OK, s.st.Data[req.Op.Key])
		return
	}
	if w, ok := s.waiting[index]; ok {
		// An older proposal at this index was overwritten by this leader's
		// own log: it cannot be applied here any more.
		s.reply(w.client, w.seq, ErrWrongLeader, "")
	}
	s.waiting[index] = waiting{client: req.Client, seq: req.Seq, term: term}
	s.term = term
}

// apply is the service's end of Raft: called inside Raft's handlers for
// every committed entry and installed snapshot, in log order.
func (s *Server) apply(m raft.ApplyMsg) {
	switch {
	case m.SnapshotValid:
		s.installSnapshot(m)
	case m.CommandValid:
		s.applyCommand(m)
	}
}

func (s *Server) applyCommand(m raft.ApplyMsg) {
	if m.CommandIndex <= s.lastApplied {
		return
	}
	s.lastApplied = m.CommandIndex
	var req Request
	if err := json.Unmarshal(m.Command, &req); err != nil {
		panic(err) // every entry was proposed by a server of this service
	}
	value := s.execute(req)
	w, ok := s.waiting[m.CommandIndex]
	if !ok {
		return
	}
	delete(s.waiting, m.CommandIndex)
	// Leadership was lost if a different entry reached this index: our
	// proposal was overwritten by another leader's log (§5.3).
	if (w.client == req.Client && w.seq == req.Seq) || s.bugs.NoLeaderCheck {
		if s.bugs.LocalDedup {
			s.answered[w.client] = max(s.answered[w.client], w.seq)
		}
		s.reply(w.client, w.seq, OK, value)
	} else {
		s.reply(w.client, w.seq, ErrWrongLeader, "")
	}
}

// execute applies req to the state once, and returns its result: a
// duplicate gets the remembered result of its first execution.
func (s *Server) execute(req Request) string {
	if r, ok := s.st.Last[req.Client]; ok && s.applied(req, r) {
		return r.Value
	}
	op, value := req.Op, ""
	switch op.Kind {
	case kvraft.Get:
		value = s.st.Data[op.Key]
	case kvraft.Put:
		s.st.Data[op.Key] = op.Value
	case kvraft.Append:
		s.st.Data[op.Key] += op.Value
	}
	if !s.bugs.LocalDedup {
		s.st.Last[req.Client] = result{Seq: req.Seq, Value: value}
	}
	return value
}

// applied reports whether req was applied already, given r, the latest
// request of its clerk that was: a clerk runs one request at a time, in
// order, so every request numbered up to r's was.
func (s *Server) applied(req Request, r result) bool {
	switch {
	case s.bugs.LocalDedup:
		return false
	case s.bugs.LatestOnlyDedup:
		return req.Seq == r.Seq
	}
	return req.Seq <= r.Seq
}

func (s *Server) installSnapshot(m raft.ApplyMsg) {
	if m.SnapshotIndex <= s.lastApplied {
		return
	}
	var st state
	if err := json.Unmarshal(m.Snapshot, &st); err != nil {
		panic(err)
	}
	if st.Data == nil {
		st.Data = map[string]string{}
	}
	if st.Last == nil || s.bugs.InstallKeepsDedup {
		st.Last = s.st.Last
	}
	s.st, s.lastApplied, s.snapIndex = st, m.SnapshotIndex, m.SnapshotIndex
	// Requests waiting at covered indexes will never be applied here one
	// by one; their clerks retry and the dedup table answers them.
	s.abandon(func(index int) bool { return index <= m.SnapshotIndex })
}

// settle runs at the end of every handler: it gives up on waiting requests
// once this server is no longer the leader of the term they were proposed
// in, and snapshots when storage has grown to the bound.
func (s *Server) settle() {
	if term, lead := s.rf.State(); !s.bugs.NoLeaderCheck && (!lead || term != s.term) {
		s.abandon(func(int) bool { return true })
	}
	if s.bugs.SplitApplied {
		s.saveSplit()
	}
	if s.cfg.MaxRaftState < 0 || s.bugs.NeverSnapshot || s.lastApplied <= s.snapIndex {
		return
	}
	if s.env.Storage().Size() >= s.cfg.MaxRaftState {
		st := s.st
		if s.bugs.SnapshotNoDedup {
			st.Last = nil
		}
		s.rf.Snapshot(s.lastApplied, encode(st))
		s.snapIndex = s.lastApplied
	}
}

// abandon answers ErrWrongLeader to the waiting requests whose index
// matches, in index order so that runs are deterministic.
func (s *Server) abandon(match func(index int) bool) {
	var idx []int
	for i := range s.waiting {
		if match(i) {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	for _, i := range idx {
		w := s.waiting[i]
		delete(s.waiting, i)
		s.reply(w.client, w.seq, ErrWrongLeader, "")
	}
}

// The keys of Bugs.SplitApplied's own copy of the state machine.
const (
	keyState   = "kv/state"
	keyApplied = "kv/applied"
)

// saveSplit is Bugs.SplitApplied: the state and the applied index are
// written as two keys of one Sync, which a crash can tear (the fix is one
// key holding both, or no copy of its own: Raft's snapshot is one).
func (s *Server) saveSplit() {
	if s.lastApplied == s.persisted {
		return
	}
	st := s.env.Storage()
	st.Save(keyState, encode(s.st))
	st.Save(keyApplied, []byte(strconv.Itoa(s.lastApplied)))
	st.Sync()
	s.persisted = s.lastApplied
}

// loadSplit restores Bugs.SplitApplied's copy before Raft replays: Raft's
// snapshot and entries up to the applied index are then skipped.
func (s *Server) loadSplit() {
	st := s.env.Storage()
	if b, ok := st.Load(keyState); ok {
		if err := json.Unmarshal(b, &s.st); err != nil {
			panic(err)
		}
	}
	if b, ok := st.Load(keyApplied); ok {
		n, err := strconv.Atoi(string(b))
		if err != nil {
			panic(err)
		}
		s.lastApplied, s.snapIndex, s.persisted = n, n, n
	}
}
