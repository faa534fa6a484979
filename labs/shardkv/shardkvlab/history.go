package shardkvlab

import "github.com/faultline-dev/faultline/labs/kvraft/kvhistory"

// linearizable checks the history with porcupine, key by key (kvhistory.Check).
func (c *harness) linearizable() { kvhistory.Check(c.t, c.rec.History) }
