package reference

import (
	"time"

	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// Timeouts of the clerk. A request commits in a few round trips (tens of
// milliseconds); an election takes 300–600 ms, so a clerk that has asked
// every server in vain waits a little before the next round.
const (
	requestTimeout = 250 * time.Millisecond
	roundPause     = 50 * time.Millisecond
)

// ClerkTiming is a clerk's two delays; the zero value is the reference's.
// Other timings are legitimate designs the task admits (a request timeout
// of 100–500 ms, a pause of 50–100 ms after a round of refusals), which
// the suite's calibrated bounds must pass (kvraftlab, bounds_test.go).
type ClerkTiming struct {
	Timeout time.Duration // resend to the next server after this long without an answer
	Pause   time.Duration // wait this long after every server refused
}

// Clerk is the reference client: one request at a time, numbered from 1,
// sent to the server it believes leads and to the next one on a timeout or
// an ErrWrongLeader.
type Clerk struct {
	id      node.ID
	servers []node.ID
	done    kvraft.Done
	bugs    Bugs
	env     node.Env

	timing ClerkTiming

	leader int // index into servers of the server to ask
	seq    int // this clerk's request number, in the service
	writes int // Bugs.ReuseSeq
	req    int // the test's number of the request in flight
	op     kvraft.Op
	busy   bool
	tried  int // servers asked in vain for this request
	timer  node.TimerID
}

// NewClerk builds the reference clerk with bugs switched on.
func NewClerk(id node.ID, servers []node.ID, done kvraft.Done, bugs Bugs) *Clerk {
	return NewTimedClerk(id, servers, done, bugs, ClerkTiming{Timeout: requestTimeout, Pause: roundPause})
}

// NewTimedClerk builds a clerk with timing d instead of the reference's.
func NewTimedClerk(id node.ID, servers []node.ID, done kvraft.Done, bugs Bugs, d ClerkTiming) *Clerk {
	return &Clerk{id: id, servers: servers, done: done, bugs: bugs, timing: d}
}

// Start boots the clerk. Clerks are not crashed by the tests.
func (c *Clerk) Start(env node.Env) { c.env = env }

// Submit starts request req.
func (c *Clerk) Submit(req int, op kvraft.Op) {
	if c.bugs.ReuseSeq {
		if op.Kind != kvraft.Get {
			c.writes++
		}
		c.seq = c.writes
	} else {
		c.seq++
	}
	c.req, c.op, c.busy, c.tried = req, op, true, 0
	c.send()
}

func (c *Clerk) send() {
	c.env.CancelTimer(c.timer)
	c.env.Send(c.servers[c.leader], Request{Client: c.id, Seq: c.seq, Op: c.op})
	c.timer = c.env.SetTimer(c.timing.Timeout, retry{Seq: c.seq, Next: true})
}

// next moves on to the next server, pausing after a round of refusals.
func (c *Clerk) next() {
	c.env.CancelTimer(c.timer)
	c.leader = (c.leader + 1) % len(c.servers)
	c.tried++
	if c.tried%len(c.servers) == 0 && !c.bugs.NoRoundPause {
		c.timer = c.env.SetTimer(c.timing.Pause, retry{Seq: c.seq})
		return
	}
	c.send()
}

// HandleMessage takes a reply to the request in flight.
func (c *Clerk) HandleMessage(from node.ID, m node.Message) {
	r, ok := m.(Reply)
	if !ok || !c.busy || r.Seq != c.seq {
		return // a late or duplicated reply to an earlier request
	}
	if r.Err != OK {
		c.next()
		return
	}
	c.env.CancelTimer(c.timer)
	c.busy = false
	c.done(c.req, r.Value)
}

// HandleTimer resends the request in flight.
func (c *Clerk) HandleTimer(t any) {
	r, ok := t.(retry)
	if !ok || !c.busy || r.Seq != c.seq {
		return
	}
	switch {
	case !r.Next:
		c.send()
	case !c.bugs.NoRetryOnTimeout:
		c.next()
	}
}
