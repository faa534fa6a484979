package queuelab

import (
	"testing"
	"time"

	"github.com/faultline-dev/faultline/grader/labtest"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/queue"
)

// The ladder: servers written from task.md alone, each adding what the
// task asks for to the one below. Graded at the default seeds, each must
// score strictly more than the one below it, and fail where it does for
// the reason it lacks (issue 23, item 6).
type rung struct {
	name  string
	limit int  // most requests waiting (0: no limit); over it, one is rejected at once
	dead  bool // deadlines: never start what cannot finish in time, drop it early
	lifo  bool // serve the newest first, shed the oldest
	fair  bool // critical first, and the clients in turn
}

// ladderLimit is the task's bound on the queue: the work the workers
// finish within the longest deadline. fullLimit is the full server's own,
// shorter: the work that can start within half the shortest deadline.
const (
	ladderLimit = 61
	fullLimit   = 10
)

var ladder = []rung{
	{name: "unbounded FIFO"},
	{name: "bounded FIFO", limit: ladderLimit, dead: true},
	{name: "bounded LIFO", limit: ladderLimit, dead: true, lifo: true},
	{name: "full", limit: fullLimit, dead: true, lifo: true, fair: true},
}

func (rg rung) factory() queue.Factory {
	return func(cfg queue.Config, w queue.Workers) queue.Server {
		return &ladderServer{rung: rg, cfg: cfg, w: w, flows: map[flowKey][]queue.Request{}}
	}
}

// flowKey is one queue of the full server: a class and a client. The
// other servers keep everything in one.
type flowKey struct {
	critical bool
	client   int
}

type ladderServer struct {
	rung  rung
	cfg   queue.Config
	w     queue.Workers
	env   node.Env
	flows map[flowKey][]queue.Request
	turns []flowKey // flows with waiting work, in the order they are served
	n     int
	sweep node.TimerID
}

type ladderSweep struct{}

func (s *ladderServer) Start(env node.Env)                  { s.env = env }
func (s *ladderServer) HandleMessage(node.ID, node.Message) {}
func (s *ladderServer) QueueLen() int                       { return s.n }

func (s *ladderServer) key(r queue.Request) flowKey {
	if !s.rung.fair {
		return flowKey{}
	}
	return flowKey{critical: r.Priority == queue.Critical, client: r.Client}
}

// feasible: a request started now finishes by its deadline, unless its
// service is among the longest (three mean service times left: late one
// time in e³ ≈ 20 of those started that late).
func (s *ladderServer) feasible(r queue.Request) bool {
	return !s.rung.dead || s.env.Now()+min(3*s.cfg.MeanService, s.cfg.MaxService) <= r.Deadline
}

func (s *ladderServer) Arrive(r queue.Request) {
	if !s.feasible(r) {
		s.w.Reject(r.ID, queue.Expired)
		return
	}
	k := s.key(r)
	if len(s.flows[k]) == 0 {
		s.turns = append(s.turns, k)
	}
	s.flows[k] = append(s.flows[k], r)
	s.n++
	s.dispatch()
	if s.rung.limit > 0 && s.n > s.rung.limit {
		s.shed(r)
	}
	s.settle()
}

func (s *ladderServer) Done(int) {
	s.dispatch()
	s.settle()
}

// shed rejects one waiting request: the newcomer r for a FIFO, the oldest
// of the longest best-effort queue for the others.
func (s *ladderServer) shed(r queue.Request) {
	if !s.rung.lifo {
		s.remove(s.key(r), len(s.flows[s.key(r)])-1, queue.Overloaded)
		return
	}
	var worst flowKey
	found := false
	for _, k := range s.turns {
		if !found || (worst.critical && !k.critical) || (worst.critical == k.critical && len(s.flows[k]) > len(s.flows[worst])) {
			worst, found = k, true
		}
	}
	s.remove(worst, 0, queue.Overloaded)
}

// remove rejects the i-th request of flow k.
func (s *ladderServer) remove(k flowKey, i int, why queue.Reason) {
	q := s.flows[k]
	id := q[i].ID
	s.flows[k] = append(q[:i:i], q[i+1:]...)
	s.n--
	s.dropTurn(k)
	s.w.Reject(id, why)
}

// dropTurn forgets flow k's turn once it has nothing waiting.
func (s *ladderServer) dropTurn(k flowKey) {
	if len(s.flows[k]) > 0 {
		return
	}
	for i, t := range s.turns {
		if t == k {
			s.turns = append(s.turns[:i:i], s.turns[i+1:]...)
			return
		}
	}
}

// next picks the flow to serve: the first critical one with work, else
// the first; it then goes to the back of the turns.
func (s *ladderServer) next() flowKey {
	at := 0
	for i, k := range s.turns {
		if k.critical {
			at = i
			break
		}
	}
	k := s.turns[at]
	s.turns = append(append(s.turns[:at:at], s.turns[at+1:]...), k)
	return k
}

func (s *ladderServer) dispatch() {
	for s.w.Free() > 0 && s.n > 0 {
		k := s.next()
		q := s.flows[k]
		i := 0
		if s.rung.lifo {
			i = len(q) - 1
		}
		r := q[i]
		s.flows[k] = append(q[:i:i], q[i+1:]...)
		s.n--
		s.dropTurn(k)
		if !s.feasible(r) {
			s.w.Reject(r.ID, queue.Expired)
			continue
		}
		s.w.Start(r.ID)
	}
}

// settle sweeps the queue every few milliseconds while work waits, so
// that a request that can no longer finish in time is rejected while its
// client still waits.
func (s *ladderServer) settle() {
	if s.rung.dead && s.n > 0 && s.sweep == 0 {
		s.sweep = s.env.SetTimer(5*time.Millisecond, ladderSweep{})
	}
}

func (s *ladderServer) HandleTimer(any) {
	s.sweep = 0
	for _, k := range append([]flowKey(nil), s.turns...) {
		for i := 0; i < len(s.flows[k]); {
			if s.feasible(s.flows[k][i]) {
				i++
				continue
			}
			s.remove(k, i, queue.Expired)
		}
	}
	s.settle()
}

// TestLadder grades the ladder: scores strictly increase from the
// unbounded FIFO to the full server, and each rung fails for what it
// lacks.
func TestLadder(t *testing.T) {
	if testing.Short() {
		t.Skip("grades four servers over every test's default seeds")
	}
	want := map[string]map[string]string{
		"unbounded FIFO": {"FastRejection": "bounded queue", "Goodput2x": "bounded queue", "Goodput5x": "bounded queue"},
		"bounded FIFO":   {"NoWastedWork": "wasted work", "Goodput2x": "latency"},
		"bounded LIFO":   {"CriticalFirst": criticalLast, "CriticalOverload": criticalLast, "FloodingClient": "fairness"},
		"full":           {},
	}
	var rungs []labtest.Rung
	for _, rg := range ladder {
		rungs = append(rungs, labtest.Rung{Name: rg.name, Impl: rg.factory(), Fails: want[rg.name]})
	}
	labtest.Ladder(t, Lab, rungs)
}
