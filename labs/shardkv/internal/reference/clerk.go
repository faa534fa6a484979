package reference

import (
	"time"

	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// requestTimeout is how long a clerk waits for a group server before
// asking the next one;
// refreshPause spaces a clerk's queries of the controller.
const (
	requestTimeout = 250 * time.Millisecond
	refreshPause   = 50 * time.Millisecond
)

// Clerk is the reference client: it sends each request to the group its
// configuration names for the key's shard, tries the group's servers in
// turn, and asks the controller for the latest configuration on
// ErrWrongGroup or after asking every server of the group in vain.
type Clerk struct {
	id          node.ID
	controllers []node.ID
	done        shardkv.Done
	env         node.Env
	ctrl        *shardkv.CtrlClerk

	cfg    shardkv.Config
	leader map[int]int // GID → index of the server to ask
	seq    int
	req    int
	op     shardkv.Op
	busy   bool
	tried  int
	timer  node.TimerID
}

// NewClerk builds the reference clerk.
func NewClerk(id node.ID, controllers []node.ID, done shardkv.Done) *Clerk {
	return &Clerk{id: id, controllers: controllers, done: done, leader: map[int]int{}}
}

// Start boots the clerk. Clerks are not crashed by the tests.
func (c *Clerk) Start(env node.Env) {
	c.env = env
	c.ctrl = shardkv.NewCtrlClerk(env, c.controllers)
}

// Submit starts request req.
func (c *Clerk) Submit(req int, op shardkv.Op) {
	c.seq++
	c.req, c.op, c.busy, c.tried = req, op, true, 0
	c.send()
}

func (c *Clerk) send() {
	c.env.CancelTimer(c.timer)
	gid := c.cfg.Shards[shardkv.Key2Shard(c.op.Key)]
	servers := c.cfg.Groups[gid]
	if gid == 0 || len(servers) == 0 || c.tried >= len(servers) {
		c.later()
		return
	}
	c.env.Send(servers[c.leader[gid]%len(servers)], Request{Client: c.id, Seq: c.seq, Op: c.op})
	c.timer = c.env.SetTimer(requestTimeout, retry{Seq: c.seq})
}

// later refreshes the configuration after a pause (at once the first
// time), so that a clerk waiting for a group to catch up does not flood
// the controller.
func (c *Clerk) later() {
	c.env.CancelTimer(c.timer)
	if c.cfg.Num == 0 {
		c.refresh()
		return
	}
	c.timer = c.env.SetTimer(refreshPause, again{Seq: c.seq})
}

// refresh asks the controller for the latest configuration, then sends.
func (c *Clerk) refresh() {
	c.ctrl.Call(shardkv.CtrlOp{Kind: shardkv.Query, Num: -1}, func(cfg shardkv.Config) {
		if cfg.Num >= c.cfg.Num {
			c.cfg = cfg
		}
		c.tried = 0
		if c.busy {
			c.send()
		}
	})
}

func (c *Clerk) next() {
	gid := c.cfg.Shards[shardkv.Key2Shard(c.op.Key)]
	c.leader[gid]++
	c.tried++
	c.send()
}

// HandleMessage takes replies from groups and from the controller.
func (c *Clerk) HandleMessage(from node.ID, m node.Message) {
	switch m := m.(type) {
	case shardkv.CtrlReply:
		c.ctrl.HandleMessage(m)
	case Reply:
		if !c.busy || m.Seq != c.seq {
			return
		}
		switch m.Err {
		case shardkv.OK:
			c.env.CancelTimer(c.timer)
			c.busy = false
			c.done(c.req, m.Value)
		case shardkv.ErrWrongGroup:
			// The server may be the one that is behind (cut off from its
			// group, it still believes an old configuration, and may
			// still believe it leads): if the refreshed configuration
			// names the same group, ask another of its servers.
			gid := c.cfg.Shards[shardkv.Key2Shard(c.op.Key)]
			c.leader[gid]++
			c.later()
		default:
			c.next()
		}
	}
}

// HandleTimer retries the request in flight on the next server.
func (c *Clerk) HandleTimer(t any) {
	switch t := t.(type) {
	case shardkv.CtrlTimer:
		c.ctrl.HandleTimer(t)
	case retry:
		if c.busy && t.Seq == c.seq {
			c.next()
		}
	case again:
		if c.busy && t.Seq == c.seq {
			c.refresh()
		}
	}
}
