package sim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// env is the node.Env of one incarnation of one node.
type env struct {
	s *Sim
	n *nodeState
}

var _ node.Env = (*env)(nil)

func (e *env) ID() node.ID           { return e.n.id }
func (e *env) Peers() []node.ID      { return e.n.peers }
func (e *env) Rand() *rand.Rand      { return e.n.rng }
func (e *env) Storage() node.Storage { return disk{e} }

func (e *env) Now() time.Duration { return time.Duration(e.n.clock.read(e.s.now)) }

func (e *env) Send(to node.ID, msg node.Message) {
	if e.s.strike(e.n) {
		return // the node crashed before this message left it
	}
	e.s.send(e.n, to, msg)
}

func (e *env) SetTimer(after time.Duration, value any) node.TimerID {
	s := e.s
	if after < 0 {
		s.misuse(e.n.id, fmt.Sprintf("SetTimer with negative duration %v (treated as 0)", after))
		after = 0
	}
	if s.strike(e.n) {
		return 0 // never fires: the node is crashing
	}
	id := s.timers.alloc(e.n.id, e.n.epoch, value)
	at := s.now + e.n.clock.trueDelay(int64(after))
	s.push(event{at: at, kind: evTimer, to: int32(e.n.id), id: uint64(id)})
	if s.tr != nil {
		s.tr.timerSet(s.now, e.n.id, id, after, value)
	}
	return id
}

func (e *env) CancelTimer(id node.TimerID) {
	s := e.s
	if s.strike(e.n) {
		return
	}
	if !s.timers.cancel(id, e.n.id) {
		return
	}
	if s.tr != nil {
		s.tr.timerCancel(s.now, e.n.id, id)
	}
}

func (e *env) Logf(format string, args ...any) {
	s := e.s
	if s.tr != nil || s.logs != nil {
		line := fmt.Sprintf(format, args...)
		if s.logs != nil {
			s.logs(e.n.id, line)
		}
		s.tr.log(s.now, e.n.id, line)
	}
}

// disk is a node's Storage as its current incarnation sees it: the node's
// storage, with a crash within a handler (faults.Event.Within) able to
// strike at each write and Sync.
type disk struct{ e *env }

func (d disk) Load(key string) ([]byte, bool) { return d.e.n.store.Load(key) }
func (d disk) Size() int                      { return d.e.n.store.Size() }

func (d disk) Save(key string, value []byte) {
	if !d.e.s.strike(d.e.n) {
		d.e.n.store.Save(key, value)
	}
}

func (d disk) Delete(key string) {
	if !d.e.s.strike(d.e.n) {
		d.e.n.store.Delete(key)
	}
}

func (d disk) Sync() {
	s, n := d.e.s, d.e.n
	wasStruck := n.struck
	if !s.strike(n) {
		n.store.Sync()
		return
	}
	if !wasStruck && s.cfg.Faults.TornSync {
		// The crash strikes during this Sync: some of its writes made it.
		n.store.syncSome(func() bool { return s.crashRng.IntN(2) == 0 })
	}
}
