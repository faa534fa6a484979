package reference

import (
	"encoding/json"
	"slices"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// Controller is the reference controller replica: the kvraft server's
// structure (propose, wait at the index, answer on apply) around a list
// of configurations.
type Controller struct {
	id   node.ID
	cfg  shardkv.ControllerConfig
	bugs Bugs
	env  node.Env
	rf   shardkv.RaftNode

	configs     []shardkv.Config
	last        map[node.ID]int // dedup of Join, Leave and Move
	lastApplied int
	waiting     map[int]waiting
	term        int
}

// NewController builds the reference controller with bugs switched on.
func NewController(id node.ID, cfg shardkv.ControllerConfig, bugs Bugs) *Controller {
	return &Controller{id: id, cfg: cfg, bugs: bugs}
}

// Start boots the replica; the log replays its configurations.
func (c *Controller) Start(env node.Env) {
	c.env = env
	c.configs = []shardkv.Config{{Groups: map[int][]node.ID{}}}
	c.last = map[node.ID]int{}
	c.lastApplied = 0
	c.waiting = map[int]waiting{}
	c.rf = shardkv.StartRaft(c.cfg.Raft, env, c.cfg.Controllers, c.apply)
}

// HandleMessage takes a CtrlRequest; every other message is Raft's.
func (c *Controller) HandleMessage(from node.ID, m node.Message) {
	if req, ok := m.(shardkv.CtrlRequest); ok {
		c.handleRequest(req)
	} else {
		c.rf.HandleMessage(from, m)
	}
	c.settle()
}

// HandleTimer forwards Raft's timers.
func (c *Controller) HandleTimer(t any) {
	if rt, ok := t.(shardkv.RaftTimer); ok {
		c.rf.HandleTimer(rt.Timer)
	}
	c.settle()
}

// Raft returns the replica's Raft peer.
func (c *Controller) Raft() shardkv.RaftNode { return c.rf }

func (c *Controller) handleRequest(req shardkv.CtrlRequest) {
	index, term, lead := c.rf.Propose(encode(req))
	if !lead {
		c.env.Send(req.Client, shardkv.CtrlReply{Seq: req.Seq, Err: shardkv.ErrWrongLeader})
		return
	}
	if w, ok := c.waiting[index]; ok {
		c.env.Send(w.client, shardkv.CtrlReply{Seq: w.seq, Err: shardkv.ErrWrongLeader})
	}
	c.waiting[index] = waiting{client: req.Client, seq: req.Seq, term: term}
	c.term = term
}

func (c *Controller) apply(m shardkv.ApplyMsg) {
	if !m.CommandValid || m.CommandIndex <= c.lastApplied {
		return
	}
	c.lastApplied = m.CommandIndex
	var req shardkv.CtrlRequest
	if err := json.Unmarshal(m.Command, &req); err != nil {
		panic(err)
	}
	cfg := c.execute(req)
	w, ok := c.waiting[m.CommandIndex]
	if !ok {
		return
	}
	delete(c.waiting, m.CommandIndex)
	if w.client == req.Client && w.seq == req.Seq {
		c.env.Send(w.client, shardkv.CtrlReply{Seq: w.seq, Err: shardkv.OK, Config: cfg})
	} else {
		c.env.Send(w.client, shardkv.CtrlReply{Seq: w.seq, Err: shardkv.ErrWrongLeader})
	}
}

// execute applies req once; a Query returns its configuration.
func (c *Controller) execute(req shardkv.CtrlRequest) shardkv.Config {
	latest := c.configs[len(c.configs)-1]
	if req.Op.Kind == shardkv.Query {
		if req.Op.Num < 0 || req.Op.Num >= len(c.configs) {
			return latest.Clone()
		}
		return c.configs[req.Op.Num].Clone()
	}
	if c.last[req.Client] >= req.Seq {
		return shardkv.Config{}
	}
	c.last[req.Client] = req.Seq
	next := latest.Clone()
	next.Num++
	switch req.Op.Kind {
	case shardkv.Join:
		for gid, srv := range req.Op.Groups {
			next.Groups[gid] = slices.Clone(srv)
		}
		next.Shards = rebalance(next.Shards, next.GIDs(), c.bugs, c.env.Rand())
	case shardkv.Leave:
		for _, gid := range req.Op.GIDs {
			delete(next.Groups, gid)
		}
		gids := next.GIDs()
		if c.bugs.LeaveToLowest && len(gids) > 0 {
			for s, g := range next.Shards {
				if slices.Contains(req.Op.GIDs, g) {
					next.Shards[s] = gids[0]
				}
			}
		} else {
			next.Shards = rebalance(next.Shards, gids, c.bugs, c.env.Rand())
		}
	case shardkv.Move:
		next.Shards[req.Op.Shard] = req.Op.GID
	}
	c.configs = append(c.configs, next)
	return shardkv.Config{}
}

func (c *Controller) settle() {
	if term, lead := c.rf.State(); !lead || term != c.term {
		abandon(c.env, c.waiting, func(w waiting) node.Message {
			return shardkv.CtrlReply{Seq: w.seq, Err: shardkv.ErrWrongLeader}
		})
	}
}
