package backofflab

import (
	"math/rand/v2"
	"time"

	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

// serverConfig describes the lab's server: a few workers, a bounded FIFO
// queue of attempts, service times drawn from the server's seeded random
// source, and a price for every attempt a worker takes.
type serverConfig struct {
	workers    int           // attempts served at once
	queue      int           // attempts waiting at most; more are refused with StatusOverloaded
	serviceMin time.Duration // the service time of a new key is uniform in [serviceMin, serviceMax]
	serviceMax time.Duration
	// overhead is what a worker spends on an attempt whose key already ran
	// or is running: decoding, authenticating, looking the key up. Retries
	// are never free, even when they are deduplicated.
	overhead time.Duration
	// trigger, if not nil, returns the service-time factor and the workers
	// available at virtual time now: how a test slows the server down or
	// takes half its capacity away for a while.
	trigger func(now time.Duration) (factor float64, workers int)
	// fail, if not nil, says whether the server fails an arriving attempt at
	// once with StatusUnavailable, without queueing or executing it; rng is
	// the server's random source.
	fail func(from node.ID, r backoff.Request, now time.Duration, rng *rand.Rand) bool
}

// capacity returns the calls a second the server completes when every
// attempt is a new key.
func (c serverConfig) capacity() float64 {
	mean := (c.serviceMin + c.serviceMax) / 2
	return float64(c.workers) * float64(time.Second) / float64(mean)
}

// serverHooks is how the server tells the test what happens to attempts.
type serverHooks interface {
	arrived(from node.ID, r backoff.Request, now time.Duration)
	// refused follows arrived when the server refuses the attempt at once
	// (StatusUnavailable or StatusOverloaded): its client hears within a
	// network round trip, so the time to its next attempt is its backoff.
	refused(from node.ID, r backoff.Request, now time.Duration)
	executed(from node.ID, r backoff.Request, now time.Duration)
	queueLen(now time.Duration, n int)
}

type job struct {
	from node.ID
	req  backoff.Request
}

type dedupKey struct {
	client node.ID
	key    string
}

// keyState is a key that ran or is running; waiters are attempts that came
// for it while it ran, answered when it finishes.
type keyState struct {
	done    bool
	waiters []job
}

// finished is the timer of a worker that completes job; exec says whether
// it executed the call (a new key) or only looked its key up.
type finished struct {
	job  job
	exec bool
}

// server is the lab's server node. It is not student code: the test builds
// it and watches it through hooks. It never learns that a client gave up,
// so an attempt left in its queue is worked on anyway.
type server struct {
	cfg   serverConfig
	hooks serverHooks
	env   node.Env
	queue []job
	busy  int
	keys  map[dedupKey]*keyState
}

func newServer(cfg serverConfig, hooks serverHooks) *server {
	return &server{cfg: cfg, hooks: hooks, keys: map[dedupKey]*keyState{}}
}

func (s *server) Start(env node.Env) { s.env = env }

func (s *server) HandleMessage(from node.ID, m node.Message) {
	r, ok := m.(backoff.Request)
	if !ok {
		return
	}
	now := s.env.Now()
	s.hooks.arrived(from, r, now)
	switch {
	case s.cfg.fail != nil && s.cfg.fail(from, r, now, s.env.Rand()):
		s.hooks.refused(from, r, now)
		s.reply(job{from, r}, backoff.StatusUnavailable)
	case len(s.queue) >= s.cfg.queue:
		s.hooks.refused(from, r, now)
		s.reply(job{from, r}, backoff.StatusOverloaded)
	default:
		s.queue = append(s.queue, job{from, r})
		s.hooks.queueLen(now, len(s.queue))
		s.serve()
	}
}

func (s *server) reply(j job, st backoff.Status) {
	s.env.Send(j.from, backoff.Reply{ID: j.req.ID, Key: j.req.Key, Attempt: j.req.Attempt, Status: st})
}

// serve starts attempts while a worker is free.
func (s *server) serve() {
	factor, workers := 1.0, s.cfg.workers
	if s.cfg.trigger != nil {
		factor, workers = s.cfg.trigger(s.env.Now())
	}
	for s.busy < workers && len(s.queue) > 0 {
		j := s.queue[0]
		s.queue = s.queue[1:]
		s.busy++
		cost, exec := s.cfg.overhead, true
		if j.req.Key != "" {
			k := dedupKey{j.from, j.req.Key}
			if _, seen := s.keys[k]; seen {
				exec = false
			} else {
				s.keys[k] = &keyState{}
			}
		}
		if exec {
			lo, hi := int64(s.cfg.serviceMin), int64(s.cfg.serviceMax)
			cost = time.Duration(lo + s.env.Rand().Int64N(hi-lo+1))
		}
		s.env.SetTimer(time.Duration(float64(cost)*factor), finished{job: j, exec: exec})
	}
	s.hooks.queueLen(s.env.Now(), len(s.queue))
}

func (s *server) HandleTimer(t any) {
	f, ok := t.(finished)
	if !ok {
		return
	}
	s.busy--
	j := f.job
	k := dedupKey{j.from, j.req.Key}
	switch {
	case f.exec:
		s.hooks.executed(j.from, j.req, s.env.Now())
		s.reply(j, backoff.StatusOK)
		if ks := s.keys[k]; j.req.Key != "" {
			ks.done = true
			for _, w := range ks.waiters {
				s.reply(w, backoff.StatusOK)
			}
			ks.waiters = nil
		}
	case s.keys[k].done:
		s.reply(j, backoff.StatusOK)
	default:
		s.keys[k].waiters = append(s.keys[k].waiters, j)
	}
	s.serve()
}
