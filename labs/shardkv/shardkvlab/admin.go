package shardkvlab

import (
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// admin is the test's own node: it joins, leaves, moves and queries
// through a CtrlClerk, one call at a time, queueing the test's calls.
// It is never crashed.
type admin struct {
	controllers []node.ID
	ctrl        *shardkv.CtrlClerk
	queue       []call
}

type call struct {
	op     shardkv.CtrlOp
	answer func(shardkv.Config)
}

func (a *admin) Start(env node.Env) { a.ctrl = shardkv.NewCtrlClerk(env, a.controllers) }

func (a *admin) HandleMessage(from node.ID, m node.Message) {
	if r, ok := m.(shardkv.CtrlReply); ok {
		a.ctrl.HandleMessage(r)
	}
}

func (a *admin) HandleTimer(t any) {
	if ct, ok := t.(shardkv.CtrlTimer); ok {
		a.ctrl.HandleTimer(ct)
	}
}

// do queues op; answer (may be nil) gets the reply's configuration.
func (a *admin) do(op shardkv.CtrlOp, answer func(shardkv.Config)) {
	a.queue = append(a.queue, call{op, answer})
	a.next()
}

func (a *admin) next() {
	if a.ctrl.Busy() || len(a.queue) == 0 {
		return
	}
	c := a.queue[0]
	a.ctrl.Call(c.op, func(cfg shardkv.Config) {
		a.queue = a.queue[1:]
		if c.answer != nil {
			c.answer(cfg)
		}
		a.next()
	})
}
