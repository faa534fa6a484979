package sim

import (
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"slices"
	"sync/atomic"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
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
	// Crashes crash nodes at exact points of their durable state (see
	// CrashPoint), at most one point per node and Sync.
	Crashes []CrashPoint
	// RecordSyncs records every Sync (Sim.Syncs), for CrashPoints.
	RecordSyncs bool
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
	crashRng   *mrand.Rand  // where crashes within handlers strike
	syncLog    []SyncRecord // Config.RecordSyncs
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
	// syncs counts the node's Syncs (CrashPoint.Sync); points are its
	// crash points still to come, by Sync. atPoint is set once one struck,
	// until the node is down.
	syncs   int
	points  []CrashPoint
	atPoint bool
	// reboot restarts the node rebootIn after a crash armed within a
	// handler strikes (a faults.Reboot, CrashPoint.Down).
	reboot   bool
	rebootIn int64
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
	for i, p := range cfg.Crashes {
		if err := p.validate(i, n); err != nil {
			return nil, err
		}
		ns := s.nodes[p.Node]
		if slices.ContainsFunc(ns.points, func(q CrashPoint) bool { return q.Sync == p.Sync }) {
			return nil, fmt.Errorf("sim: crashes[%d]: a second crash point at %v's Sync %d", i, p.Node, p.Sync)
		}
		ns.points = append(ns.points, p)
	}
	for _, ns := range s.nodes[1:] {
		slices.SortFunc(ns.points, func(a, b CrashPoint) int { return a.Sync - b.Sync })
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
