package kvraftlab

import "github.com/faultline-dev/faultline/labs/kvraft/kvhistory"

// operation is one call of the client-visible history (kvhistory checks
// it).
type operation = kvhistory.Operation

// linearizable checks the history with porcupine, key by key (kvhistory.Check).
func (c *cluster) linearizable() { kvhistory.Check(c.t, c.history) }
