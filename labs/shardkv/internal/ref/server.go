package ref

import (
	"encoding/json"
	"maps"
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
const pollEvery = 100 * time.Millisecond

// shard is one shard's replicated state: data and duplicate table.
type shard struct {
	Data map[string]string
	Last map[node.ID]result
}

// Server is the reference group server.
type Server struct {
	id   node.ID
	cfg  shardkv.ServerConfig
	bugs Bugs
	env  node.Env
	rf   shardkv.RaftNode
	ctrl *shardkv.CtrlClerk

	// The replicated state.
	cur, prev   shardkv.Config
	status      [shardkv.NShards]int
	shards      [shardkv.NShards]shard
	out         map[int]map[int]shard // config num → shard it took away → frozen copy
	lastApplied int

	waiting map[int]waiting
	term    int
}

// NewServer builds the reference group server with bugs switched on.
func NewServer(id node.ID, cfg shardkv.ServerConfig, bugs Bugs) *Server {
	return &Server{id: id, cfg: cfg, bugs: bugs}
}

// Start boots the server; the log replays the group's state.
func (s *Server) Start(env node.Env) {
	s.env = env
	s.cur = shardkv.Config{Groups: map[int][]node.ID{}}
	s.prev = s.cur
	s.status = [shardkv.NShards]int{}
	s.shards = [shardkv.NShards]shard{}
	s.out = map[int]map[int]shard{}
	s.lastApplied = 0
	s.waiting = map[int]waiting{}
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
	for _, st := range s.status {
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
		num := s.cur.Num + 1
		if s.bugs.SkipConfigs {
			num = -1
		}
		s.ctrl.Call(shardkv.CtrlOp{Kind: shardkv.Query, Num: num}, func(cfg shardkv.Config) {
			if cfg.Num == s.cur.Num+1 || (s.bugs.SkipConfigs && cfg.Num > s.cur.Num) {
				s.rf.Propose(encode(entry{Config: &cfg}))
			}
		})
	}
	for sh, st := range s.status {
		if st != pulling {
			continue
		}
		for _, id := range s.prev.Groups[s.prev.Shards[sh]] {
			s.env.Send(id, PullRequest{Num: s.cur.Num, Shard: sh})
		}
	}
}

// handlePull answers with the shard as configuration Num took it away,
// once this replica has applied Num: from then on the copy is frozen, so
// any replica of the group can answer.
func (s *Server) handlePull(from node.ID, m PullRequest) {
	if s.cur.Num < m.Num {
		return
	}
	sh, ok := s.out[m.Num][m.Shard]
	if !ok {
		return
	}
	s.env.Send(from, PullReply{Num: m.Num, Shard: m.Shard, Data: sh.Data, Last: sh.Last})
}

func (s *Server) handlePullReply(m PullReply) {
	if m.Num == s.cur.Num && s.status[m.Shard] == pulling && s.isLeader() {
		s.rf.Propose(encode(entry{Install: &m}))
	}
}

func (s *Server) handleRequest(req Request) {
	sh := shardkv.Key2Shard(req.Op.Key)
	if s.status[sh] == serving {
		if r, ok := s.shards[sh].Last[req.Client]; ok && req.Seq <= r.Seq {
			if req.Seq == r.Seq {
				s.env.Send(req.Client, Reply{Seq: req.Seq, Err: shardkv.OK, Value: r.Value})
			}
			return
		}
	}
	if s.cur.Shards[sh] != s.cfg.GID && !s.bugs.NoOwnershipCheck {
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
	next := cfg.Num == s.cur.Num+1 || (s.bugs.SkipConfigs && cfg.Num > s.cur.Num)
	if !next || (s.migrating() && !s.bugs.NoWaitMigration) {
		return
	}
	me := s.cfg.GID
	for sh := range shardkv.NShards {
		was, now := s.cur.Shards[sh], cfg.Shards[sh]
		if s.status[sh] == pulling { // Bugs.NoWaitMigration: serve it without its data
			s.status[sh] = serving
			s.shards[sh] = shard{Data: map[string]string{}, Last: map[node.ID]result{}}
		}
		switch {
		case now == me && was != me && was != 0 && !s.bugs.ServeBeforeData:
			s.status[sh] = pulling
			s.shards[sh] = shard{}
		case now == me && was != me:
			s.status[sh] = serving
			s.shards[sh] = shard{Data: map[string]string{}, Last: map[node.ID]result{}}
		case now != me && was == me:
			if s.out[cfg.Num] == nil {
				s.out[cfg.Num] = map[int]shard{}
			}
			s.out[cfg.Num][sh] = s.shards[sh]
			s.shards[sh] = shard{}
			s.status[sh] = absent
		}
	}
	s.prev, s.cur = s.cur, cfg
}

func (s *Server) applyInstall(p PullReply) {
	if p.Num != s.cur.Num || s.status[p.Shard] != pulling {
		return
	}
	sh := shard{Data: maps.Clone(p.Data), Last: maps.Clone(p.Last)}
	if sh.Data == nil {
		sh.Data = map[string]string{}
	}
	if sh.Last == nil || s.bugs.NoDedupForward {
		sh.Last = map[node.ID]result{}
	}
	s.shards[p.Shard], s.status[p.Shard] = sh, serving
}

// execute applies req once if this group serves its shard.
func (s *Server) execute(req Request) (string, string) {
	sh := shardkv.Key2Shard(req.Op.Key)
	if s.cur.Shards[sh] != s.cfg.GID || s.status[sh] != serving {
		if !s.bugs.NoOwnershipCheck {
			return shardkv.ErrWrongGroup, ""
		}
		if s.shards[sh].Data == nil {
			s.shards[sh] = shard{Data: map[string]string{}, Last: map[node.ID]result{}}
		}
	}
	st := s.shards[sh]
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

func (s *Server) settle() {
	if term, lead := s.rf.State(); !lead || term != s.term {
		abandon(s.env, s.waiting, func(w waiting) node.Message {
			return Reply{Seq: w.seq, Err: shardkv.ErrWrongLeader}
		})
	}
}
