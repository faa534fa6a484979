package demos

import (
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// The storm's numbers: four clients each send a new request every 50 ms
// (80 requests/s in all) to a server that serves one request per 10 ms
// (100/s), so it is 80% busy. From 0.3 s to 0.8 s service slows to 50 ms.
const (
	stormClients   = 4
	stormServer    = node.ID(stormClients + 1)
	stormInterval  = 50 * time.Millisecond
	stormTimeout   = 100 * time.Millisecond
	stormService   = 10 * time.Millisecond
	stormSlow      = 50 * time.Millisecond
	stormSlowFrom  = 300 * time.Millisecond
	stormSlowUntil = 800 * time.Millisecond
	stormQueue     = 40
	stormRun       = 2 * time.Second
	stormReport    = 200 * time.Millisecond
)

// Req is one attempt of a request; Sent is when the client sent it.
type Req struct {
	ID      int
	Attempt int
	Sent    time.Duration
}

// Resp answers an attempt.
type Resp struct{ ID int }

type (
	newRequest struct{}
	giveUp     struct{ ID, Attempt int }
	served     struct{}
	report     struct{}
)

// stormClient retries a request the moment its timeout fires, with no
// backoff and no limit: the mistake the demo is about.
type stormClient struct {
	env     node.Env
	next    int
	waiting map[int]int // request -> current attempt
}

func (c *stormClient) Start(env node.Env) {
	c.env, c.waiting = env, map[int]int{}
	env.SetTimer(time.Duration(env.ID())*7*time.Millisecond, newRequest{})
}

func (c *stormClient) send(id, attempt int) {
	c.waiting[id] = attempt
	c.env.Send(stormServer, Req{ID: id, Attempt: attempt, Sent: c.env.Now()})
	c.env.SetTimer(stormTimeout, giveUp{ID: id, Attempt: attempt})
}

func (c *stormClient) HandleTimer(t any) {
	switch t := t.(type) {
	case newRequest:
		c.next++
		c.send(c.next, 1)
		c.env.SetTimer(stormInterval, newRequest{})
	case giveUp:
		if c.waiting[t.ID] == t.Attempt {
			c.send(t.ID, t.Attempt+1) // retry at once: no backoff, no jitter, no budget
		}
	}
}

func (c *stormClient) HandleMessage(_ node.ID, m node.Message) {
	delete(c.waiting, m.(Resp).ID)
}

type job struct {
	from node.ID
	req  Req
}

// stormServer serves a bounded FIFO queue one request at a time and counts,
// per interval, the requests it served (throughput) and those whose client
// was still waiting for that attempt (goodput).
type stormServerNode struct {
	env                            node.Env
	queue                          []job
	busy                           bool
	served, good, dropped, arrived int
}

func (s *stormServerNode) Start(env node.Env) {
	s.env = env
	env.SetTimer(stormReport, report{})
}

func (s *stormServerNode) HandleMessage(from node.ID, m node.Message) {
	s.arrived++
	if len(s.queue) >= stormQueue {
		s.dropped++
		return
	}
	s.queue = append(s.queue, job{from, m.(Req)})
	s.serveNext()
}

func (s *stormServerNode) serveNext() {
	if s.busy || len(s.queue) == 0 {
		return
	}
	s.busy = true
	d := stormService
	if now := s.env.Now(); now >= stormSlowFrom && now < stormSlowUntil {
		d = stormSlow
	}
	s.env.SetTimer(d, served{})
}

func (s *stormServerNode) HandleTimer(t any) {
	switch t.(type) {
	case served:
		j := s.queue[0]
		s.queue = s.queue[1:]
		s.busy = false
		s.served++
		if s.env.Now()-j.req.Sent < stormTimeout {
			s.good++ // the client still waits for this attempt
		}
		s.env.Send(j.from, Resp{ID: j.req.ID})
		s.serveNext()
	case report:
		s.env.Logf("last %v: %d arrived, served %d (goodput %d, wasted %d), dropped %d, queue %d",
			stormReport, s.arrived, s.served, s.good, s.served-s.good, s.dropped, len(s.queue))
		s.arrived, s.served, s.good, s.dropped = 0, 0, 0, 0
		s.env.SetTimer(stormReport, report{})
	}
}

func runRetryStorm(seed uint64, sink trace.Sink) error {
	s, err := sim.New(sim.Config{Nodes: stormClients + 1, Seed: seed, Trace: sink, Scenario: "retry-storm",
		Faults: faults.Model{Latency: faults.Between(time.Millisecond, 3*time.Millisecond)},
		Factory: func(id node.ID) node.Node {
			if id == stormServer {
				return &stormServerNode{}
			}
			return &stormClient{}
		}})
	if err != nil {
		return err
	}
	s.At(stormSlowFrom, func() { s.Notef("the server slows down: %v per request", stormSlow) })
	s.At(stormSlowUntil, func() { s.Notef("the slowdown is over: %v per request again", stormService) })
	s.RunFor(stormRun)
	return nil
}

func init() {
	suite.RegisterDemo(suite.Demo{
		Name:  "retry-storm",
		Title: "A retry storm outlives its trigger",
		Description: "Four clients send 80 requests/s to a server that serves 100/s. From 0.3 s to 0.8 s the " +
			"server slows to 20/s; requests time out after 100 ms and are retried at once, without backoff. " +
			"Read the server's log every 200 ms: after the slowdown ends it is still full, serving attempts " +
			"their clients gave up on. Throughput stays high while goodput collapses.",
		Seed: 1, Run: runRetryStorm, Label: stormLabel,
	})
}
