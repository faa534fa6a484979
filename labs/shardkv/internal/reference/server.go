package reference

import (
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// Shard states in a group.
const (
	absent  = iota // not ours
	serving        // ours, data present
	pulling        // ours in this configuration, data not yet arrived
)

// pollEvery is how often a group's leader asks for the next
// configuration and re-asks for shards it is still pulling.
const pollEvery = 200 * time.Millisecond

// shard is one shard's replicated state: data and duplicate table.
type shard struct {
	Data map[string]string
	Last map[node.ID]result
}

// groupState is a group's replicated state, all of it in every snapshot.
type groupState struct {
	Cur, Prev shardkv.Config
	Status    [shardkv.NShards]int
	Shards    [shardkv.NShards]shard
	Out       map[int]map[int]shard // config num → shard it took away → frozen copy, until the new owner has it
	// Confirm lists the shards this group installed whose old copy may
	// still be kept by their previous owner: config num → shard → the
	// previous owner's servers, asked to delete it until they confirm.
	Confirm map[int]map[int][]node.ID
}

// configKey and savedConfig are Bugs.ConfigSavedApart's own record.
const configKey = "shardkv/config"

type savedConfig struct {
	Index     int
	Cur, Prev shardkv.Config
	Status    [shardkv.NShards]int
}

// Server is the reference group server.
type Server struct {
	id   node.ID
	cfg  shardkv.ServerConfig
	bugs Bugs
	env  node.Env
	rf   shardkv.RaftNode
	ctrl *shardkv.CtrlClerk

	st          groupState // replicated
	lastApplied int
	snapIndex   int // the last index handed to Raft's Snapshot

	waiting map[int]waiting
	term    int
	led     int // the last term in which this server proposed its no-op
}

// NewServer builds the reference group server with bugs switched on.
func NewServer(id node.ID, cfg shardkv.ServerConfig, bugs Bugs) *Server {
	return &Server{id: id, cfg: cfg, bugs: bugs}
}

// Start boots the server; the log replays the group's state.
func (s *Server) Start(env node.Env) {
	s.env = env
	s.st = groupState{Cur: shardkv.Config{Groups: map[int][]node.ID{}}, Out: map[int]map[int]shard{}, Confirm: map[int]map[int][]node.ID{}}
	s.st.Prev = s.st.Cur
	s.lastApplied, s.snapIndex = 0, 0
	s.waiting, s.led = map[int]waiting{}, 0
	s.ctrl = shardkv.NewCtrlClerk(env, s.cfg.Controllers)
	s.rf = shardkv.StartRaft(s.cfg.Raft, env, s.cfg.Servers, s.apply)
	env.SetTimer(pollEvery, tick{})
}

// Raft returns the server's Raft peer.
func (s *Server) Raft() shardkv.RaftNode { return s.rf }

// HandleMessage routes clerks' requests, controller replies and other
// groups' pulls; every other message is Raft's.
func (s *Server) HandleMessage(from node.ID, m node.Message) {
	switch m := m.(type) {
	case Request:
		s.handleRequest(m)
	case shardkv.CtrlReply:
		s.ctrl.HandleMessage(m)
	case PullRequest:
		s.handlePull(from, m)
	case PullReply:
		s.handlePullReply(m)
	case GCRequest:
		s.handleGC(from, m)
	case GCReply:
		s.handleGCReply(m)
	default:
		s.rf.HandleMessage(from, m)
	}
	s.settle()
}

// HandleTimer routes Raft's, the CtrlClerk's and the server's own timers.
func (s *Server) HandleTimer(t any) {
	switch t := t.(type) {
	case shardkv.RaftTimer:
		s.rf.HandleTimer(t.Timer)
	case shardkv.CtrlTimer:
		s.ctrl.HandleTimer(t)
	case tick:
		s.env.SetTimer(pollEvery, tick{})
		s.poll()
	}
	s.settle()
}

func (s *Server) isLeader() bool { _, lead := s.rf.State(); return lead }

// migrating reports whether a shard of the current configuration has not
// arrived yet: the group must not move on until it has (configurations
// are applied one at a time).
func (s *Server) migrating() bool {
	for _, st := range s.st.Status {
		if st == pulling {
			return true
		}
	}
	return false
}

// poll asks the controller for the next configuration and the previous
// owners for the shards still missing.
func (s *Server) poll() {
	if !s.isLeader() {
		return
	}
	if (!s.migrating() || s.bugs.NoWaitMigration) && !s.ctrl.Busy() {
		num := s.st.Cur.Num + 1
		if s.bugs.SkipConfigs {
			num = -1
		}
		s.ctrl.Call(shardkv.CtrlOp{Kind: shardkv.Query, Num: num}, func(cfg shardkv.Config) {
			if cfg.Num == s.st.Cur.Num+1 || (s.bugs.SkipConfigs && cfg.Num > s.st.Cur.Num) {
				s.rf.Propose(encode(entry{Config: &cfg}))
			}
		})
	}
	if !s.bugs.NeverGC {
		for _, num := range slices.Sorted(maps.Keys(s.st.Confirm)) {
			for _, sh := range slices.Sorted(maps.Keys(s.st.Confirm[num])) {
				for _, id := range s.st.Confirm[num][sh] {
					s.env.Send(id, GCRequest{Num: num, Shard: sh})
				}
			}
		}
	}
	for sh, st := range s.st.Status {
		if st != pulling {
			continue
		}
		for _, id := range s.st.Prev.Groups[s.st.Prev.Shards[sh]] {
			s.env.Send(id, PullRequest{Num: s.st.Cur.Num, Shard: sh})
		}
	}
}

// handlePull answers with the shard as configuration Num took it away,
// once this replica has applied Num: from then on the copy is frozen, so
// any replica of the group can answer.
func (s *Server) handlePull(from node.ID, m PullRequest) {
	if s.st.Cur.Num < m.Num {
		return
	}
	sh, ok := s.st.Out[m.Num][m.Shard]
	if !ok {
		return
	}
	s.env.Send(from, PullReply{Num: m.Num, Shard: m.Shard, Data: sh.Data, Last: sh.Last})
	if s.bugs.DeleteEarly && s.isLeader() {
		s.rf.Propose(encode(entry{Delete: &GCRequest{Num: m.Num, Shard: m.Shard}}))
	}
}

// handleGC deletes the copy the asker has installed (through the log),
// and confirms once it is gone. Only a group that applied configuration
// Num can tell: before that, it has not made the copy yet.
func (s *Server) handleGC(from node.ID, m GCRequest) {
	if s.st.Cur.Num < m.Num {
		return
	}
	if _, ok := s.st.Out[m.Num][m.Shard]; !ok {
		s.env.Send(from, GCReply(m))
		return
	}
	if s.isLeader() {
		s.rf.Propose(encode(entry{Delete: &m}))
	}
}

func (s *Server) handleGCReply(m GCReply) {
	if _, ok := s.st.Confirm[m.Num][m.Shard]; ok && s.isLeader() {
		s.rf.Propose(encode(entry{Forget: &m}))
	}
}

func (s *Server) handlePullReply(m PullReply) {
	if m.Num == s.st.Cur.Num && s.st.Status[m.Shard] == pulling && s.isLeader() {
		s.rf.Propose(encode(entry{Install: &m}))
	}
}

func (s *Server) handleRequest(req Request) {
	sh := shardkv.Key2Shard(req.Op.Key)
	if s.st.Status[sh] == serving {
		if r, ok := s.st.Shards[sh].Last[req.Client]; ok && req.Seq <= r.Seq {
			if req.Seq == r.Seq {
				s.env.Send(req.Client, Reply{Seq: req.Seq, Err: shardkv.OK, Value: r.Value})
			}
			return
		}
	}
	if s.st.Cur.Shards[sh] != s.cfg.GID && !s.bugs.NoOwnershipCheck {
		s.env.Send(req.Client, Reply{Seq: req.Seq, Err: shardkv.ErrWrongGroup})
		return
	}
	index, term, lead := s.rf.Propose(encode(entry{Req: &req}))
	if !lead {
		s.env.Send(req.Client, Reply{Seq: req.Seq, Err: shardkv.ErrWrongLeader})
		return
	}
	if w, ok := s.waiting[index]; ok {
		s.env.Send(w.client, Reply{Seq: w.seq, Err: shardkv.ErrWrongLeader})
	}
	s.waiting[index] = waiting{client: req.Client, seq: req.Seq, term: term}
	s.term = term
}

func (s *Server) apply(m shardkv.ApplyMsg) {
	if m.SnapshotValid {
		s.installSnapshot(m)
		return
	}
	if !m.CommandValid || m.CommandIndex <= s.lastApplied {
		return
	}
	s.lastApplied = m.CommandIndex
	var e entry
	if err := json.Unmarshal(m.Command, &e); err != nil {
		panic(err)
	}
	switch {
	case e.Config != nil:
		s.applyConfig(*e.Config)
	case e.Install != nil:
		s.applyInstall(*e.Install)
	case e.Delete != nil:
		delete(s.st.Out[e.Delete.Num], e.Delete.Shard)
		if len(s.st.Out[e.Delete.Num]) == 0 {
			delete(s.st.Out, e.Delete.Num)
		}
	case e.Forget != nil:
		delete(s.st.Confirm[e.Forget.Num], e.Forget.Shard)
		if len(s.st.Confirm[e.Forget.Num]) == 0 {
			delete(s.st.Confirm, e.Forget.Num)
		}
	case e.Req != nil:
		errStr, value := s.execute(*e.Req)
		w, ok := s.waiting[m.CommandIndex]
		if !ok {
			return
		}
		delete(s.waiting, m.CommandIndex)
		if w.client != e.Req.Client || w.seq != e.Req.Seq {
			errStr, value = shardkv.ErrWrongLeader, ""
		}
		s.env.Send(w.client, Reply{Seq: w.seq, Err: errStr, Value: value})
	}
}

// applyConfig moves to cfg if it is the next configuration and every
// shard of the current one has arrived.
func (s *Server) applyConfig(cfg shardkv.Config) {
	next := cfg.Num == s.st.Cur.Num+1 || (s.bugs.SkipConfigs && cfg.Num > s.st.Cur.Num)
	if !next || (s.migrating() && !s.bugs.NoWaitMigration) {
		return
	}
	me := s.cfg.GID
	for sh := range shardkv.NShards {
		was, now := s.st.Cur.Shards[sh], cfg.Shards[sh]
		if s.st.Status[sh] == pulling { // Bugs.NoWaitMigration: serve it without its data
			s.st.Status[sh] = serving
			s.st.Shards[sh] = shard{Data: map[string]string{}, Last: map[node.ID]result{}}
		}
		switch {
		case now == me && was != me && was != 0 && !s.bugs.ServeBeforeData:
			s.st.Status[sh] = pulling
			s.st.Shards[sh] = shard{}
		case now == me && was != me:
			s.st.Status[sh] = serving
			s.st.Shards[sh] = shard{Data: map[string]string{}, Last: map[node.ID]result{}}
		case now != me && was == me:
			if s.st.Out[cfg.Num] == nil {
				s.st.Out[cfg.Num] = map[int]shard{}
			}
			s.st.Out[cfg.Num][sh] = s.st.Shards[sh]
			s.st.Shards[sh] = shard{}
			s.st.Status[sh] = absent
		}
	}
	s.st.Prev, s.st.Cur = s.st.Cur, cfg
}

func (s *Server) applyInstall(p PullReply) {
	if p.Num != s.st.Cur.Num || s.st.Status[p.Shard] != pulling {
		return
	}
	sh := shard{Data: maps.Clone(p.Data), Last: maps.Clone(p.Last)}
	if sh.Data == nil {
		sh.Data = map[string]string{}
	}
	if sh.Last == nil || s.bugs.NoDedupForward {
		sh.Last = map[node.ID]result{}
	}
	s.st.Shards[p.Shard], s.st.Status[p.Shard] = sh, serving
	if s.st.Confirm[p.Num] == nil {
		s.st.Confirm[p.Num] = map[int][]node.ID{}
	}
	s.st.Confirm[p.Num][p.Shard] = slices.Clone(s.st.Prev.Groups[s.st.Prev.Shards[p.Shard]])
}

// installSnapshot replaces the state with a snapshot Raft hands over.
func (s *Server) installSnapshot(m shardkv.ApplyMsg) {
	if m.SnapshotIndex <= s.lastApplied {
		return
	}
	var st groupState
	if err := json.Unmarshal(m.Snapshot, &st); err != nil {
		panic(err)
	}
	if st.Out == nil {
		st.Out = map[int]map[int]shard{}
	}
	if st.Confirm == nil {
		st.Confirm = map[int]map[int][]node.ID{}
	}
	if s.bugs.ConfigSavedApart {
		var saved savedConfig
		if b, ok := s.env.Storage().Load(configKey); ok && json.Unmarshal(b, &saved) == nil && saved.Index > m.SnapshotIndex {
			st.Cur, st.Prev, st.Status = saved.Cur, saved.Prev, saved.Status
		}
	}
	s.st, s.lastApplied, s.snapIndex = st, m.SnapshotIndex, m.SnapshotIndex
	// Requests waiting at covered indexes will never be applied here one
	// by one; their clerks retry and the duplicate tables answer them.
	for _, i := range slices.Sorted(maps.Keys(s.waiting)) {
		if w := s.waiting[i]; i <= m.SnapshotIndex {
			delete(s.waiting, i)
			s.env.Send(w.client, Reply{Seq: w.seq, Err: shardkv.ErrWrongLeader})
		}
	}
}

// execute applies req once if this group serves its shard.
func (s *Server) execute(req Request) (string, string) {
	sh := shardkv.Key2Shard(req.Op.Key)
	if s.st.Cur.Shards[sh] != s.cfg.GID || s.st.Status[sh] != serving {
		if !s.bugs.NoOwnershipCheck {
			return shardkv.ErrWrongGroup, ""
		}
		if s.st.Shards[sh].Data == nil {
			s.st.Shards[sh] = shard{Data: map[string]string{}, Last: map[node.ID]result{}}
		}
	}
	st := s.st.Shards[sh]
	if r, ok := st.Last[req.Client]; ok && req.Seq <= r.Seq {
		return shardkv.OK, r.Value
	}
	value := ""
	switch req.Op.Kind {
	case shardkv.Get:
		value = st.Data[req.Op.Key]
	case shardkv.Put:
		st.Data[req.Op.Key] = req.Op.Value
	case shardkv.Append:
		st.Data[req.Op.Key] += req.Op.Value
	}
	st.Last[req.Client] = result{Seq: req.Seq, Value: value}
	return shardkv.OK, value
}

// settle runs at the end of every handler: it gives up on waiting
// requests once this server no longer leads in their term, has a new
// leader propose a no-op, and snapshots when storage has grown to the
// bound.
func (s *Server) settle() {
	term, lead := s.rf.State()
	if !lead || term != s.term {
		abandon(s.env, s.waiting, func(w waiting) node.Message {
			return Reply{Seq: w.seq, Err: shardkv.ErrWrongLeader}
		})
	}
	// A new leader knows its predecessor's entries are committed only
	// once an entry of its own term is (Raft §5.4.2). A group pulling a
	// shard proposes nothing else when the shard's old owner has deleted
	// its copy because the predecessor's Install committed: without the
	// no-op, the group would wait for that Install forever.
	if lead && term > s.led && !s.bugs.NoLeaderNoOp {
		s.led = term
		s.rf.Propose(encode(entry{Lead: term}))
	}
	if s.cfg.MaxRaftState >= 0 && s.lastApplied > s.snapIndex && s.env.Storage().Size() >= s.cfg.MaxRaftState {
		st := s.st
		if s.bugs.OutNotInSnapshot {
			st.Out = nil
		}
		if s.bugs.ConfigSavedApart {
			s.env.Storage().Save(configKey, encode(savedConfig{Index: s.lastApplied, Cur: s.st.Cur, Prev: s.st.Prev, Status: s.st.Status}))
			s.env.Storage().Sync()
		}
		s.rf.Snapshot(s.lastApplied, encode(st))
		s.snapIndex = s.lastApplied
	}
}
