package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// env is the node.Env of one incarnation of one node. Every incarnation
// gets its own, with its own random source and peers slice: what a node
// parks in them is gone when it crashes, and no other node ever sees it.
type env struct {
	s     *Sim
	n     *nodeState
	epoch uint32 // the incarnation's: n.epoch while it is up
	rng   *rand.Rand
	peers []node.ID
}

var _ node.Env = (*env)(nil)

// use counts an Env call (named call) against Config.MaxCallsPerHandler and reports
// whether the incarnation that owns e is still the node's current one: an
// Env kept past its node's crash does nothing.
func (e *env) use(call string) bool {
	s := e.s
	s.calls++
	if s.calls > s.cfg.MaxCallsPerHandler {
		s.tooManyCalls(e.n, call)
	}
	return e.epoch == e.n.epoch && e.n.up
}

func (e *env) ID() node.ID           { e.use("ID"); return e.n.id }
func (e *env) Peers() []node.ID      { e.use("Peers"); return e.peers }
func (e *env) Rand() *rand.Rand      { e.use("Rand"); return e.rng }
func (e *env) Storage() node.Storage { e.use("Storage"); return disk{e} }

func (e *env) Now() time.Duration { e.use("Now"); return time.Duration(e.n.clock.read(e.s.now)) }

func (e *env) Send(to node.ID, msg node.Message) {
	if !e.use("Send") || e.s.strike(e.n) {
		return // a past incarnation's, or the node crashed before this message left it
	}
	e.s.send(e.n, to, msg)
}

func (e *env) SetTimer(after time.Duration, value any) node.TimerID {
	s := e.s
	if !e.use("SetTimer") {
		return 0
	}
	if after < 0 {
		s.misusef(e.n.id, "SetTimer with negative duration %v (treated as 0)", after)
		after = 0
	}
	if s.strike(e.n) {
		return 0 // never fires: the node is crashing
	}
	id := s.timers.alloc(e.n.id, e.n.epoch, value)
	at := dueAt(s.now, e.n.clock.trueDelay(int64(after)))
	s.push(event{at: at, kind: evTimer, to: int32(e.n.id), id: uint64(id)})
	if s.tr != nil {
		s.tr.timerSet(s.now, e.n.id, id, after, value)
	}
	return id
}

func (e *env) CancelTimer(id node.TimerID) {
	s := e.s
	if !e.use("CancelTimer") || s.strike(e.n) {
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
	if !e.use("Logf") || (s.tr == nil && s.logs == nil) {
		return
	}
	if s.logBytes >= s.cfg.MaxLogBytes {
		s.logsCut++ // formatted by no one: the budget is spent
		return
	}
	line := capText(fmt.Sprintf(format, args...), MaxLogLine)
	s.logBytes += len(line)
	if s.logBytes >= s.cfg.MaxLogBytes {
		line += fmt.Sprintf(" [the run's logs reached %d bytes: later lines are not kept]", s.cfg.MaxLogBytes)
	}
	if s.logs != nil {
		s.logs(e.n.id, line)
	}
	s.tr.log(s.now, e.n.id, line)
}

// LogsCut returns how many log lines the run wrote past Config.MaxLogBytes,
// which were not passed on (counted only while the run is traced or has
// an OnLog hook: an untraced run formats no line).
func (s *Sim) LogsCut() int { return s.logsCut }

// dueAt returns the true time a timer set at now for delay d is due:
// now+d, or the latest time there is when that overflows (SetTimer with
// math.MaxInt64, or a delay a slow clock stretches past it), so that a
// timer set for ever never fires, rather than firing at once.
func dueAt(now, d int64) int64 {
	if d > math.MaxInt64-now {
		return math.MaxInt64
	}
	return now + d
}

// disk is a node's Storage as its current incarnation sees it: the node's
// storage, with a crash within a handler (faults.Event.Within) able to
// strike at each write and Sync.
type disk struct{ e *env }

func (d disk) Load(key string) ([]byte, bool) {
	d.e.use("Storage().Load")
	return d.e.n.store.Load(key)
}
func (d disk) Size() int { d.e.use("Storage().Size"); return d.e.n.store.Size() }

func (d disk) Save(key string, value []byte) {
	if d.e.use("Storage().Save") && !d.e.s.strike(d.e.n) {
		d.e.n.store.Save(key, value)
	}
}

func (d disk) Delete(key string) {
	if d.e.use("Storage().Delete") && !d.e.s.strike(d.e.n) {
		d.e.n.store.Delete(key)
	}
}

func (d disk) Sync() {
	s, n := d.e.s, d.e.n
	if !d.e.use("Storage().Sync") {
		return
	}
	wasStruck := n.struck
	if !s.strike(n) {
		s.sync(n)
		return
	}
	if !wasStruck && s.cfg.Faults.TornSync {
		// The crash strikes during this Sync: some of its writes made it.
		n.store.syncSome(func() bool { return s.crashRng.IntN(2) == 0 })
	}
}
