package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/internal/iface"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
)

// Config describes one run.
type Config struct {
	// Nodes is the cluster size; nodes are n1..nNodes.
	Nodes int
	// Seed determines every random choice of the run.
	Seed uint64
	// Factory builds each node, at the start and at every restart.
	Factory node.Factory
	// Faults is the network and clock model in force all run.
	Faults faults.Model
	// Schedule lists fault events to play at their times.
	Schedule faults.Schedule
	// Drop names what a shrinker left out of the run, for the trace header.
	Drop []string
	// Trace, if not nil, receives the header and every event.
	Trace trace.Sink
	// Lab, Test, Impl and Scenario are written into the trace header.
	Lab, Test, Impl, Scenario string
	// MaxEvents stops the run (panicking with *LimitError) after this many
	// dispatched events; 0 means 50 million.
	MaxEvents int
	// MaxRate stops the run (panicking with *LimitError) when one node
	// handles more than this many events (deliveries and timers) within
	// one second of virtual time: a storm, judged in virtual terms so that
	// the verdict never depends on the machine's speed. 0 or less means no
	// bound (grader/suite fills in a lab's bound when it is 0).
	MaxRate int
	// MaxPending stops the run when more events than this wait in the queue
	// at once; 0 means 1 million.
	MaxPending int
	// MaxMessageBytes stops the run (panicking with *LimitError) when one
	// message counts more bytes than this, or when copying it would take
	// more memory than this (shared or cyclic parts are copied as a tree);
	// 0 means DefaultMaxMessageBytes. The copier checks as it goes, before
	// it allocates, so a huge message costs no more than the bound.
	MaxMessageBytes int
	// MaxCallsPerHandler stops the run (panicking with *LimitError) when
	// one invocation of a node's code (Start, a delivery, a timer, a Call)
	// makes more Env calls than this (Send, SetTimer, CancelTimer, Now,
	// Rand, Peers, ID, Storage and its methods, Logf): a handler that sends
	// in an endless loop to a node cut off or unknown queues no event, so
	// no other bound would stop it. 0 means DefaultMaxCallsPerHandler.
	MaxCallsPerHandler int
	// MaxLogBytes bounds the bytes of log lines (Logf) a run passes on to
	// OnLog and the trace; 0 means DefaultMaxLogBytes. Each line is cut at
	// MaxLogLine bytes. Past the bound, lines are counted but no longer
	// passed on (a note says so once). The run is never stopped for its
	// logs: an untraced run does not format them, and a traced replay must
	// end as the graded run did.
	MaxLogBytes int
	// Watch keeps the last few dispatched events where another goroutine can
	// read them (LastEvents) and counts them where it can read the count
	// (Dispatched), for a watchdog that reports a hung handler.
	Watch bool
}

// EventKind says what a dispatched event was.
type EventKind uint8

// Event kinds.
const (
	EventStart   EventKind = iota + 1 // a node booted at the start of the run
	EventDeliver                      // a message was delivered
	EventTimer                        // a timer fired
	EventFault                        // a scheduled fault was applied
	EventFunc                         // a function scheduled with At ran
	EventCall                         // the test called into a node (Call)
	EventDrop                         // a message reached a node that was down or cut off
)

var eventKindNames = [...]string{"", "start", "deliver", "timer", "fault", "func", "call", "drop"}

func (k EventKind) String() string { return eventKindNames[k] }

// Event describes a dispatched event to Step's caller and OnEvent hooks.
type Event struct {
	Time  time.Duration
	Kind  EventKind
	Node  node.ID      // the node that handled it (0 for cluster-wide faults and functions)
	From  node.ID      // the sender of a delivered or dropped message
	Msg   node.Message // a delivered or dropped message
	MsgID uint64
	Timer any           // a fired timer's value
	Fault *faults.Event // an applied fault
}

// Sim is a deterministic simulation of a cluster. It is not safe for
// concurrent use, except for Dispatched and LastEvents.
type Sim struct {
	cfg   Config
	now   int64
	seq   uint64
	q     queue
	nodes []*nodeState // index 0 unused
	n     int

	net     *netState
	timers  timerTable
	funcs   []func()
	freeFns []int
	// msgs holds the messages in flight, each in the slot its delivery
	// event names; freeMsgs lists the empty slots.
	msgs      []node.Message
	freeMsgs  []int32
	types     map[reflect.Type]*typeStats
	recent    []recentType // the first types sent, for typeOf
	recentHit int          // the last one typeOf found
	stats     counters
	links     []linkCounters // (from-1)*n + (to-1)
	msgSeq    uint64
	walk      *walk    // a message's copy, bounded by MaxMessageBytes
	misuses   []string // the first maxMisuseNotes descriptions
	misuseN   int      // every misuse, described or not
	calls     int      // Env calls in the handler running now
	logBytes  int      // bytes of log lines passed on so far
	logsCut   int      // log lines not passed on, past MaxLogBytes

	tr      *tracer // nil when the run is not traced
	logs    func(node.ID, string)
	observe func(node.ID, node.Node) any
	hooks   []func(*Event)
	ev      Event
	calling func() string // the label of the Call in progress

	peakRate   int
	crashRng   *mrand.Rand // where crashes within handlers strike
	dispatched atomic.Int64
	ring       [ringSize]watched // Config.Watch: the last events, by count-1 modulo ringSize
}

type nodeState struct {
	id       node.ID
	inst     node.Node
	env      *env // the current incarnation's, nil while down
	store    *storage
	clock    clock
	epoch    uint32
	up       bool
	paused   bool
	deferred []event
	state    []byte // last observed state, as JSON
	// armed is set by a crash within a handler (faults.Event.Within): the
	// node crashes inside the next handler it runs. struck is set once the
	// crash has struck: the rest of the handler has no effect.
	armed, struck bool
	// rateSec and rateN count the events handled in virtual second rateSec,
	// which ends at rateEnd.
	rateSec, rateEnd int64
	rateN            int
}

type counters struct {
	events, sent, bytes, delivered, dropped, duplicated int64
}

type linkCounters struct{ messages, bytes int64 }

type typeStats struct {
	plan     *plan
	messages int64
	bytes    int64
}

// New validates cfg and returns a simulator with every node about to start at
// virtual time zero.
func New(cfg Config) (*Sim, error) {
	if cfg.Nodes < 1 {
		return nil, fmt.Errorf("sim: Nodes is %d; a cluster needs at least one node", cfg.Nodes)
	}
	if cfg.Factory == nil {
		return nil, fmt.Errorf("sim: Factory is nil")
	}
	if err := cfg.Faults.Validate(cfg.Nodes); err != nil {
		return nil, err
	}
	if err := cfg.Schedule.Validate(cfg.Nodes); err != nil {
		return nil, err
	}
	if cfg.MaxEvents == 0 {
		cfg.MaxEvents = 50_000_000
	}
	if cfg.MaxPending == 0 {
		cfg.MaxPending = 1_000_000
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if cfg.MaxCallsPerHandler <= 0 {
		cfg.MaxCallsPerHandler = DefaultMaxCallsPerHandler
	}
	if cfg.MaxLogBytes <= 0 {
		cfg.MaxLogBytes = DefaultMaxLogBytes
	}
	n := cfg.Nodes
	s := &Sim{
		cfg:   cfg,
		n:     n,
		nodes: make([]*nodeState, n+1),
		types: map[reflect.Type]*typeStats{},
		links: make([]linkCounters, n*n),
		q:     make(queue, 0, 64),
		walk:  newWalk(cfg.MaxMessageBytes),
	}
	s.net = newNet(&cfg.Faults, n, source(cfg.Seed, "network"))
	s.crashRng = stream(cfg.Seed, "crash")
	ids := make([]node.ID, n)
	for i := range ids {
		ids[i] = node.ID(i + 1)
	}
	for i := 1; i <= n; i++ {
		id := node.ID(i)
		s.nodes[i] = &nodeState{id: id, store: newStorage(), clock: newClock(0, 0)}
	}
	for _, c := range cfg.Faults.Clocks {
		s.nodes[c.Node].clock = newClock(c.Skew.D(), c.Drift)
	}
	s.tr = newTracer(cfg.Trace)
	if s.tr != nil {
		s.tr.header(trace.Header{Lab: cfg.Lab, Test: cfg.Test, Impl: cfg.Impl, Scenario: cfg.Scenario,
			Seed: cfg.Seed, Nodes: ids, Faults: cfg.Faults, Schedule: cfg.Schedule, Drop: cfg.Drop})
	}
	for i := 1; i <= n; i++ {
		s.push(event{kind: evStart, to: int32(node.ID(i))})
	}
	for i, f := range cfg.Schedule {
		s.push(event{at: int64(f.At), kind: evFault, id: uint64(i)})
	}
	return s, nil
}

// N returns the number of nodes.
func (s *Sim) N() int { return s.n }

// IDs returns n1..nN.
func (s *Sim) IDs() []node.ID {
	ids := make([]node.ID, s.n)
	for i := range ids {
		ids[i] = node.ID(i + 1)
	}
	return ids
}

// Now returns the true virtual time.
func (s *Sim) Now() time.Duration { return time.Duration(s.now) }

// Seed returns the run's seed.
func (s *Sim) Seed() uint64 { return s.cfg.Seed }

// Node returns node id's current incarnation, or nil while it is down.
func (s *Sim) Node(id node.ID) node.Node {
	if ns := s.node(id); ns != nil && ns.up {
		return ns.inst
	}
	return nil
}

// Up reports whether node id is running (it may be paused).
func (s *Sim) Up(id node.ID) bool { ns := s.node(id); return ns != nil && ns.up }

// Paused reports whether node id is paused.
func (s *Sim) Paused(id node.ID) bool { ns := s.node(id); return ns != nil && ns.paused }

// Storage returns node id's storage as it is now, unsynced writes included.
// A test may read it; writing to it is the node's business.
func (s *Sim) Storage(id node.ID) node.Storage { return s.mustNode(id).store }

// DurableSize returns the bytes of node id's storage that would survive a crash.
func (s *Sim) DurableSize(id node.ID) int { return s.mustNode(id).store.syncedSize() }

// Rand returns a random source for the test's own purpose (a workload, a
// fault plan), independent of the network's and the nodes'.
func (s *Sim) Rand(purpose string) *mrand.Rand { return stream(s.cfg.Seed, "test/"+purpose) }

// Reachable reports whether a message sent now from one node to another
// would pass the current partitions.
func (s *Sim) Reachable(from, to node.ID) bool { return !s.net.blocked(from, to) }

// CutOff reports whether id is cut off from the rest of the cluster by the
// partitions in force: isolated, or named in a group of a partition (the
// nodes a partition does not name are the rest). A heal ends it.
func (s *Sim) CutOff(id node.ID) bool { return s.mustNode(id) != nil && s.net.off[id] }

// Pending returns how many events wait in the queue.
func (s *Sim) Pending() int { return len(s.q) }

// Misuses returns the descriptions of the first Env misuses of the run (at
// most MaxMisuseNotes of them; MisuseCount counts them all). The slice is
// the simulator's: the caller must not change it.
func (s *Sim) Misuses() []string { return s.misuses }

// MisuseCount returns how many Env misuses the run has had, including those
// past the first MaxMisuseNotes that Misuses describes.
func (s *Sim) MisuseCount() int { return s.misuseN }

// MaxMisuseNotes bounds the descriptions Misuses keeps. A node that sends to
// an unknown node in a loop misuses its Env once a message: a run keeps the
// count and the first few, which say what is wrong, so that a flood of
// misuses costs neither memory nor a long result (DESIGN decision 13: every
// per-run output has a size budget). The trace records every misuse within
// its own budget.
const MaxMisuseNotes = 8

// OnEvent registers fn to run after every dispatched event and every Call;
// invariant checks go here. fn may stop the run by panicking.
func (s *Sim) OnEvent(fn func(*Event)) { s.hooks = append(s.hooks, fn) }

// ObserveState registers fn to describe a node's state (for Raft: role and
// term). When tracing, after each event a node handles, its state is
// observed and recorded if it changed. fn must not change the node.
func (s *Sim) ObserveState(fn func(id node.ID, n node.Node) any) { s.observe = fn }

// OnLog registers fn to receive every node's log lines as they are written.
func (s *Sim) OnLog(fn func(id node.ID, line string)) { s.logs = fn }

func (s *Sim) node(id node.ID) *nodeState {
	if id < 1 || int(id) > s.n {
		return nil
	}
	return s.nodes[id]
}

func (s *Sim) mustNode(id node.ID) *nodeState {
	ns := s.node(id)
	if ns == nil {
		panic(fmt.Sprintf("sim: no node %v in a cluster of %d", id, s.n))
	}
	return ns
}

func (s *Sim) push(e event) {
	s.seq++
	e.seq = s.seq
	s.q.push(e)
	if len(s.q) > s.cfg.MaxPending {
		panic(&LimitError{What: LimitPending, Limit: s.cfg.MaxPending, Time: time.Duration(s.now), Top: s.busiest()})
	}
}

// park keeps a message in flight until its delivery and returns its slot.
func (s *Sim) park(m node.Message) int32 {
	if n := len(s.freeMsgs); n > 0 {
		i := s.freeMsgs[n-1]
		s.freeMsgs = s.freeMsgs[:n-1]
		s.msgs[i] = m
		return i
	}
	s.msgs = append(s.msgs, m)
	return int32(len(s.msgs) - 1)
}

// unpark takes the message out of slot i.
func (s *Sim) unpark(i int32) node.Message {
	m := s.msgs[i]
	s.msgs[i] = nil
	s.freeMsgs = append(s.freeMsgs, i)
	return m
}

// At schedules fn to run at virtual time t (or now, if t has passed). The
// test uses it to drive a workload; fn may call into nodes with Call.
func (s *Sim) At(t time.Duration, fn func()) {
	var id int
	if n := len(s.freeFns); n > 0 {
		id = s.freeFns[n-1]
		s.freeFns = s.freeFns[:n-1]
		s.funcs[id] = fn
	} else {
		s.funcs = append(s.funcs, fn)
		id = len(s.funcs) - 1
	}
	s.push(event{at: max(int64(t), s.now), kind: evFunc, id: uint64(id)})
}

// After schedules fn to run d from now.
func (s *Sim) After(d time.Duration, fn func()) { s.At(s.Now()+d, fn) }

// Step dispatches the next event and returns it; it returns false when no
// event is left. Timers that were cancelled are skipped silently.
func (s *Sim) Step() (Event, bool) {
	if s.step() {
		return s.ev, true
	}
	return Event{}, false
}

// step is Step for the simulator's own loops, which need not copy the
// event out.
func (s *Sim) step() bool {
	var e event
	for len(s.q) > 0 {
		s.q.pop(&e)
		if e.at > s.now {
			s.now = e.at
		}
		if s.dispatch(&e) {
			return true
		}
	}
	return false
}

// NextTime returns the time of the next queued event, and false if none.
func (s *Sim) NextTime() (time.Duration, bool) {
	if len(s.q) == 0 {
		return 0, false
	}
	return time.Duration(s.q[0].at), true
}

// RunUntil dispatches every event up to and including virtual time t, then
// sets the clock to t.
func (s *Sim) RunUntil(t time.Duration) {
	for len(s.q) > 0 && s.q[0].at <= int64(t) {
		s.step()
	}
	if int64(t) > s.now {
		s.now = int64(t)
	}
}

// RunFor runs for d of virtual time.
func (s *Sim) RunFor(d time.Duration) { s.RunUntil(s.Now() + d) }

// RunUntilTrue runs until cond returns true (checked before the first event
// and after each) or virtual time passes limit. It reports whether cond held.
func (s *Sim) RunUntilTrue(limit time.Duration, cond func() bool) bool {
	for {
		if cond() {
			return true
		}
		if len(s.q) == 0 || s.q[0].at > int64(limit) {
			s.RunUntil(limit)
			return cond()
		}
		s.step()
	}
}

// RunToQuiescence runs until no event is left or virtual time passes limit;
// it reports whether the queue emptied.
func (s *Sim) RunToQuiescence(limit time.Duration) bool {
	s.RunUntil(limit)
	return len(s.q) == 0
}

// dispatch handles one popped event; it reports false for a skipped one.
func (s *Sim) dispatch(e *event) bool {
	switch e.kind {
	case evTimer:
		id := node.TimerID(e.id)
		sl := s.timers.slot(id)
		if sl == nil {
			return false // cancelled
		}
		ns := s.nodes[sl.owner]
		if !ns.up || sl.epoch != ns.epoch {
			s.timers.release(id) // set by an incarnation that crashed
			return false
		}
		if ns.paused {
			ns.deferred = append(ns.deferred, *e)
			return false
		}
		value := sl.value
		s.timers.release(id)
		s.ev = Event{Kind: EventTimer, Node: ns.id, Timer: value}
		s.begin()
		if s.tr != nil {
			s.tr.timerFire(s.now, ns.id, e.id, value)
		}
		s.fire(ns, value)
		s.handled(ns)
	case evDeliver:
		ns := s.nodes[e.to]
		to, from := node.ID(e.to), node.ID(e.from)
		reason := ""
		switch {
		case !ns.up:
			reason = "node down"
		case s.net.blocked(from, to):
			reason = "partition"
		case ns.paused:
			ns.deferred = append(ns.deferred, *e)
			return false
		}
		msg := s.unpark(e.msg)
		if reason != "" {
			s.stats.dropped++
			s.ev = Event{Kind: EventDrop, Node: to, From: from, Msg: msg, MsgID: e.id}
			s.begin()
			if s.tr != nil {
				s.tr.drop(s.now, to, from, e.id, s.typeOf(msg).plan.name, reason)
			}
			s.after()
			return true
		}
		s.stats.delivered++
		s.ev = Event{Kind: EventDeliver, Node: to, From: from, Msg: msg, MsgID: e.id}
		s.begin()
		if s.tr != nil {
			s.tr.deliver(s.now, to, from, e.id, s.typeOf(msg).plan.name)
		}
		s.deliver(ns, from, msg)
		s.handled(ns)
	case evStart:
		ns := s.nodes[e.to]
		s.ev = Event{Kind: EventStart, Node: ns.id}
		s.begin()
		s.boot(ns, trace.Start)
	case evFault:
		f := &s.cfg.Schedule[e.id]
		s.ev = Event{Kind: EventFault, Fault: f}
		s.begin()
		s.apply(*f)
		s.after()
	case evFunc:
		fn := s.funcs[e.id]
		s.funcs[e.id] = nil
		s.freeFns = append(s.freeFns, int(e.id))
		s.ev = Event{Kind: EventFunc}
		s.begin()
		fn()
		s.after()
	}
	return true
}

// begin records the start of a dispatched event.
func (s *Sim) begin() {
	ev := &s.ev
	ev.Time = time.Duration(s.now)
	s.calls = 0
	s.stats.events++
	if s.stats.events > int64(s.cfg.MaxEvents) {
		panic(&LimitError{What: LimitEvents, Limit: s.cfg.MaxEvents, Time: ev.Time, Top: s.busiest()})
	}
	if ev.Node != 0 && (ev.Kind == EventDeliver || ev.Kind == EventTimer) {
		s.countRate(s.nodes[ev.Node])
	}
	if s.cfg.Watch {
		s.remember(ev)
	}
}

// countRate counts an event handled by ns and stops a storm.
func (s *Sim) countRate(ns *nodeState) {
	if s.now >= ns.rateEnd { // virtual time never goes back
		// A new virtual second: divided once a second, not once an event.
		sec := s.now / int64(time.Second)
		ns.rateSec, ns.rateEnd, ns.rateN = sec, (sec+1)*int64(time.Second), 0
	}
	ns.rateN++
	if ns.rateN > s.peakRate {
		s.peakRate = ns.rateN
	}
	if s.cfg.MaxRate > 0 && ns.rateN > s.cfg.MaxRate {
		panic(&LimitError{What: LimitRate, Limit: s.cfg.MaxRate, Time: time.Duration(s.now), Top: s.busiest(), Node: ns.id,
			From: time.Duration(ns.rateSec) * time.Second})
	}
}

// PeakRate returns the most events one node handled within one second of
// virtual time so far.
func (s *Sim) PeakRate() int { return s.peakRate }

// handle runs a node's handler, turning a panic into *PanicError, then runs
// the hooks.
func (s *Sim) handle(ns *nodeState, what string, fn func()) {
	s.protect(ns, what, fn)
	s.handled(ns)
}

// deliver and fire run the two handlers of nearly every event, as protect
// does but with no closure to build and call.
func (s *Sim) deliver(ns *nodeState, from node.ID, msg node.Message) {
	defer s.rescue(ns, "")
	ns.inst.HandleMessage(from, msg)
}

func (s *Sim) fire(ns *nodeState, value any) {
	defer s.rescue(ns, "")
	ns.inst.HandleTimer(value)
}

// handled is what follows a node's handler: a crash that struck within it,
// the node's state for the trace, and the hooks.
func (s *Sim) handled(ns *nodeState) {
	if ns.armed {
		s.crashWithin(ns)
	}
	if s.observe != nil && s.tr != nil {
		s.observeState(ns)
	}
	s.after()
}

func (s *Sim) protect(ns *nodeState, what string, fn func()) {
	defer s.rescue(ns, what)
	fn()
}

// rescue, deferred around a node's code, turns its panic into *PanicError,
// what naming the event ("" for the current one).
func (s *Sim) rescue(ns *nodeState, what string) {
	if v := recover(); v != nil {
		if _, ok := v.(*LimitError); ok || isTestStop(v) {
			panic(v) // a bound of the run, or the test stopping it: not the node failing
		}
		if what == "" {
			what = s.describe(&s.ev)
		}
		v = keptPanic(v)
		pe := &PanicError{Node: ns.id, Time: time.Duration(s.now), Event: what, Value: v, Stack: capText(string(debug.Stack()), maxStack)}
		s.tr.panicked(s.now, ns.id, v)
		panic(pe)
	}
}

func (s *Sim) after() {
	for _, h := range s.hooks {
		h(&s.ev)
	}
}

func (s *Sim) observeState(ns *nodeState) {
	var b []byte
	if ns.up {
		var err error
		b, err = json.Marshal(s.observe(ns.id, ns.inst))
		if err != nil {
			return
		}
	} else {
		b = []byte(`{"role":"down"}`)
	}
	if bytes.Equal(b, ns.state) {
		return
	}
	ns.state = b
	s.tr.state(s.now, ns.id, b)
}

// boot starts a fresh incarnation of ns, with an Env, a random source and
// a peers slice of its own (DESIGN decision 13: nothing a node receives
// outlives it or is shared), so that no state can be parked in them across
// a crash or passed to another node.
func (s *Sim) boot(ns *nodeState, kind trace.Kind) {
	ns.epoch++
	ns.up, ns.paused = true, false
	ns.deferred = ns.deferred[:0]
	ns.env = &env{s: s, n: ns, epoch: ns.epoch, rng: stream(s.cfg.Seed, nodeStream(ns.id, ns.epoch)), peers: s.peersOf(ns.id)}
	s.calls = 0
	s.tr.boot(s.now, ns.id, kind)
	var inst node.Node
	s.protect(ns, string(kind), func() { inst = s.cfg.Factory(ns.id) })
	if inst == nil {
		panic(&PanicError{Node: ns.id, Time: time.Duration(s.now), Event: string(kind), Value: "the Factory returned a nil Node"})
	}
	ns.inst = inst
	s.handle(ns, string(kind), func() { inst.Start(ns.env) })
}

// nodeStream names the random stream of incarnation epoch (1 for the first)
// of node id. The first keeps the name it always had, so that a run without
// restarts draws as before; each restart gets a stream of its own, split
// from the run's seed like every other (DESIGN decision 2).
func nodeStream(id node.ID, epoch uint32) string {
	if epoch <= 1 {
		return fmt.Sprintf("node/%d", int(id))
	}
	return fmt.Sprintf("node/%d/incarnation/%d", int(id), epoch)
}

// peersOf returns a new slice of every node but id, in increasing order.
func (s *Sim) peersOf(id node.ID) []node.ID {
	peers := make([]node.ID, 0, s.n-1)
	for i := 1; i <= s.n; i++ {
		if node.ID(i) != id {
			peers = append(peers, node.ID(i))
		}
	}
	return peers
}

// Stopper is implemented by values a test panics with to stop a run from
// inside a Call; the simulator lets them through instead of blaming the node.
// Only a type of the grader's own packages counts: a node's value with a
// StopRun method is the node's panic, as any other.
type Stopper interface{ StopRun() }

// graderPkgs is the import path prefix of the grader's packages, where a
// test's Stopper is defined (grader/suite); a student's code is built in
// a package of its own, never under it.
var graderPkgs = strings.TrimSuffix(reflect.TypeFor[Sim]().PkgPath(), "sim")

// isTestStop reports whether v is a test's Stopper.
func isTestStop(v any) bool {
	if _, ok := v.(Stopper); !ok {
		return false
	}
	return definedInGrader(reflect.TypeOf(v))
}

// definedInGrader reports whether t (or what it points to) is a named
// type of a grader package.
func definedInGrader(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer && t.Name() == "" {
		t = t.Elem()
	}
	return strings.HasPrefix(t.PkgPath(), graderPkgs)
}

// Call runs fn against node id's current incarnation, as the test's call into
// the node (for Raft: Propose(command)). what describes the call, and fn's
// result is its return value, as the trace records them; what is called
// only when the run is traced or the node panics, so that an untraced run
// formats nothing. fn's result is used only in a trace: a caller may skip
// formatting it when Traced is false. Call returns ErrDown or ErrPaused if
// the node cannot take calls now.
func (s *Sim) Call(id node.ID, what func() string, fn func(n node.Node) string) error {
	ns := s.mustNode(id)
	if !ns.up {
		return ErrDown
	}
	if ns.paused {
		return ErrPaused
	}
	s.ev = Event{Kind: EventCall, Node: id}
	s.begin()
	s.calling = what
	if s.tr != nil {
		s.tr.call(s.now, id, what())
	}
	var result string
	s.protect(ns, "", func() { result = fn(ns.inst) })
	s.calling = nil
	if s.tr != nil {
		s.tr.ret(s.now, id, result)
		if s.observe != nil {
			s.observeState(ns)
		}
	}
	s.after()
	return nil
}

// Current returns the event being dispatched, or the last one dispatched:
// for an invariant, run after each event, that looks only at what the
// event could have changed.
func (s *Sim) Current() *Event { return &s.ev }

// Traced reports whether the run writes a trace, so that a test can skip
// formatting what only a trace shows (such as a Call's result).
func (s *Sim) Traced() bool { return s.tr != nil }

// Notef writes a note from the test into the trace.
func (s *Sim) Notef(format string, args ...any) {
	s.tr.note(s.now, 0, format, args...)
}

// Check records a check's verdict in the trace: pass when err is nil.
func (s *Sim) Check(name string, err error) {
	s.tr.check(s.now, name, err)
}

// misusef records a misuse by node id. It formats the description only
// when it is kept (the first MaxMisuseNotes) or traced: a node that
// misuses its Env in a loop costs a count, not a string each time.
func (s *Sim) misusef(id node.ID, format string, args ...any) {
	s.misuseN++
	keep := len(s.misuses) < MaxMisuseNotes
	if !keep && s.tr == nil {
		return
	}
	what := fmt.Sprintf(format, args...)
	if keep {
		s.misuses = append(s.misuses, fmt.Sprintf("%v at %v: %s", id, time.Duration(s.now), what))
	}
	s.tr.misuse(s.now, id, what)
}

func typeOf(v any) reflect.Type { return reflect.TypeOf(v) }

// typeOf returns the stats of m's dynamic type. A run sends a handful of
// types, so they are first looked for in a short list by the interface's
// type word: comparing a pointer or two is cheaper than hashing a
// reflect.Type, on every message.
func (s *Sim) typeOf(m any) *typeStats {
	word := iface.Of(&m).Type
	if h := s.recentHit; h < len(s.recent) && s.recent[h].word == word {
		return s.recent[h].ts // a reply or broadcast sends one type in a row
	}
	for i := range s.recent {
		if s.recent[i].word == word {
			s.recentHit = i
			return s.recent[i].ts
		}
	}
	t := reflect.TypeOf(m)
	ts := s.types[t]
	if ts == nil {
		ts = &typeStats{plan: planFor(t)}
		s.types[t] = ts
	}
	if len(s.recent) < maxRecentTypes {
		s.recent = append(s.recent, recentType{word, ts})
	}
	return ts
}

// maxRecentTypes bounds typeOf's list; more types than this are found in
// the map.
const maxRecentTypes = 16

type recentType struct {
	word unsafe.Pointer // the type word of an interface holding the type
	ts   *typeStats
}

func (s *Sim) describe(e *Event) string {
	switch e.Kind {
	case EventDeliver:
		return fmt.Sprintf("deliver %s from %v", s.typeOf(e.Msg).plan.name, e.From)
	case EventTimer:
		return "timer " + typeName(typeOf(e.Timer))
	case EventFault:
		return "fault " + e.Fault.String()
	case EventCall:
		if s.calling != nil {
			return "call " + s.calling()
		}
		return "call"
	default:
		return e.Kind.String()
	}
}

// Dispatched returns how many events have been dispatched. Another
// goroutine (a watchdog) may call it only when Config.Watch is set: a
// run without a watchdog does not pay for an atomic counter.
func (s *Sim) Dispatched() int64 {
	if s.cfg.Watch {
		return s.dispatched.Load()
	}
	return s.stats.events
}

// watched is what the watchdog keeps of an event, formatted only if the
// watchdog fires (most runs never need them): plain values and a message's
// or timer's type as the type word of an interface holding it.
type watched struct {
	time       time.Duration
	typ        unsafe.Pointer // a runtime type, which lives as long as the program
	kind       EventKind
	node, from node.ID
}

// ringSize is twice the events LastEvents shows: the simulator must move
// on by that many events before it writes where a reader may be reading.
const ringSize = 32

// remember keeps ev in the ring and publishes it, with the count of events
// dispatched, to another goroutine (Dispatched, LastEvents): one atomic
// store per event, the ring itself written with plain stores.
func (s *Sim) remember(ev *Event) {
	w := watched{time: ev.Time, kind: ev.Kind, node: ev.Node, from: ev.From}
	var x any
	switch ev.Kind {
	case EventDeliver:
		x = ev.Msg
	case EventTimer:
		x = ev.Timer
	}
	w.typ = iface.Of(&x).Type
	n := s.stats.events
	s.ring[(n-1)%ringSize] = w
	s.dispatched.Store(n)
}

func (w watched) String() string {
	name := "<nil>"
	if w.typ != nil {
		var x any
		iface.Of(&x).Type = w.typ // reflect.TypeOf reads the type word only
		name = typeName(reflect.TypeOf(x))
	}
	switch w.kind {
	case EventDeliver:
		return fmt.Sprintf("%v deliver %s %v->%v", w.time, name, w.from, w.node)
	case EventTimer:
		return fmt.Sprintf("%v timer %s at %v", w.time, name, w.node)
	}
	return fmt.Sprintf("%v %s %v", w.time, w.kind, w.node)
}

// LastEvents returns up to 16 of the most recently dispatched events, oldest
// first, when Config.Watch is set. Safe to call from any goroutine; meant
// for a watchdog whose run has stopped dispatching (a hung handler). If the
// run moves on by many events while LastEvents reads, it returns nil: that
// run is not hung.
func (s *Sim) LastEvents() []string {
	n := s.dispatched.Load()
	k := min(n, ringSize/2)
	var got [ringSize / 2]watched
	for i := range k {
		got[i] = s.ring[(n-k+i)%ringSize]
	}
	if s.dispatched.Load()-n >= ringSize/2 {
		return nil // the slots read may have been written meanwhile
	}
	out := make([]string, k)
	for i := range k {
		out[i] = got[i].String()
	}
	return out
}
func (s *Sim) busiest() string {
	type kv struct {
		name string
		n    int64
	}
	var all []kv
	for _, ts := range s.types {
		all = append(all, kv{ts.plan.name, ts.messages})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].name < all[j].name
	})
	var parts []string
	for i := 0; i < len(all) && i < 3; i++ {
		parts = append(parts, fmt.Sprintf("%s×%d", all[i].name, all[i].n))
	}
	return strings.Join(parts, ", ")
}
