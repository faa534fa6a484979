package search

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime/debug"
	"slices"
	"time"
	"unsafe"

	"github.com/faultline-dev/faultline/labs/node"
)

// Checker explores one Model. It is not safe for concurrent use: it runs
// one handler at a time, like the simulator.
type Checker struct {
	m        *Model
	world    *World
	inputsOf [][]int // per node, the indexes of its inputs in m.Inputs
	anyNode  []int   // the indexes of the inputs of any node (Node 0)
	canCrash []bool
	maxCalls int

	cp copier
	hs hasher

	vals *values
	free freeList
	slab flightSlab
	cur  *step
	st   step // the one step: one event is applied at a time
	envs map[envKey]*env
	rec  *recorder // non-nil while a path is replayed into a trace
}

// step is the event being applied: the new state and the slot it changes.
type step struct {
	s       *State
	sl      *slot
	id      node.ID
	calls   int
	ghostCo bool // s.ghost is already this step's own copy
	sends   []flight
	err     error // a copy refused while the handler ran

	// What to run (invoke): the event's kind and its message, timer or
	// input; boot steps build (factory) or start the node.
	kind  stepKind
	msg   flight
	timer timer
	input *Input
	built node.Node
}

type stepKind uint8

const (
	stepFactory stepKind = iota
	stepStart
	stepDeliver
	stepFire
	stepCall
)

type envKey struct {
	id  node.ID
	inc int
}

// World is the lab's handle on the state being explored, for the
// callbacks its Factory and Inputs give the nodes.
type World struct{ c *Checker }

// Ghost returns the ghost state of the state being explored, a copy the
// caller may change (the checker copies it on the first call in each
// event).
func (w *World) Ghost() any {
	c := w.c
	st := c.cur
	if st == nil {
		return nil
	}
	if !st.ghostCo && st.s.ghost != nil {
		c.cp.reset(nil)
		g, err := c.cp.deepCopy(st.s.ghost)
		if err != nil {
			st.err = explainRefusal("the ghost state", st.s.ghost, nil)
			return st.s.ghost
		}
		st.s.ghost = g
		st.ghostCo = true
	}
	return st.s.ghost
}

// Node returns the node whose event is being applied (the node a Call
// input was made at), 0 outside one.
func (w *World) Node() node.ID {
	if st := w.c.cur; st != nil {
		return st.id
	}
	return 0
}

// Step returns the depth of the state being explored: the number of
// events on its path, the search's only clock (a history's call and
// return times).
func (w *World) Step() int {
	if st := w.c.cur; st != nil {
		return st.s.depth
	}
	return 0
}

// New returns a checker for m, or an error if m is incomplete.
func New(m *Model) (*Checker, error) {
	if m.Nodes < 1 || m.Factory == nil {
		return nil, fmt.Errorf("search: model %q needs Nodes >= 1 and a Factory", m.Name)
	}
	c := &Checker{m: m, inputsOf: make([][]int, m.Nodes), canCrash: make([]bool, m.Nodes), envs: map[envKey]*env{}}
	c.world = &World{c}
	c.vals = &values{m: map[uint64]any{}}
	c.maxCalls = m.MaxCallsPerHandler
	if c.maxCalls <= 0 {
		c.maxCalls = 1_000_000
	}
	for i, in := range m.Inputs {
		if in.Node < 0 || int(in.Node) > m.Nodes || in.Call == nil {
			return nil, fmt.Errorf("search: model %q: input %d (%s) names node %v of %d, or has no Call", m.Name, i, in.Name, in.Node, m.Nodes)
		}
		if in.Node == 0 {
			c.anyNode = append(c.anyNode, i)
			continue
		}
		c.inputsOf[in.Node-1] = append(c.inputsOf[in.Node-1], i)
	}
	for i := range c.canCrash {
		c.canCrash[i] = m.Bounds.Crashable == nil
	}
	for _, id := range m.Bounds.Crashable {
		if id < 1 || int(id) > m.Nodes {
			return nil, fmt.Errorf("search: model %q: crashable node %v is not one of n1..n%d", m.Name, id, m.Nodes)
		}
		c.canCrash[id-1] = true
	}
	return c, nil
}

// PanicError is a handler's panic, a violation like any other.
type PanicError struct {
	Node  node.ID
	Value string
	Stack string
}

func (e *PanicError) Error() string { return fmt.Sprintf("%v panicked: %s", e.Node, e.Value) }

// anyNodeInput marks the h of a Call event of an input of any node.
const anyNodeInput = 1 << 63

// errTooManyCalls stops a handler that calls its Env without end.
var errTooManyCalls = errors.New("search: a handler called its Env more than the limit")

// run invokes the step st, turning a panic into an error.
func (c *Checker) run(st *step) (err error) {
	c.cur = st
	defer func() {
		c.cur = nil
		if r := recover(); r != nil {
			if r == errTooManyCalls { //nolint:errorlint // our own sentinel value
				err = fmt.Errorf("%v made more than %d Env calls in one handler: a loop that never ends?", st.id, c.maxCalls)
				return
			}
			v := fmt.Sprint(r)
			if len(v) > 2000 {
				v = v[:2000] + "..."
			}
			stack := string(debug.Stack())
			if len(stack) > 8000 {
				stack = stack[:8000]
			}
			err = &PanicError{Node: st.id, Value: v, Stack: stack}
		}
	}()
	c.invoke(st)
	return st.err
}

// invoke calls into the node (or the factory) for st.
func (c *Checker) invoke(st *step) {
	switch st.kind {
	case stepFactory:
		st.built = c.m.Factory(st.id, c.world)
	case stepStart:
		st.sl.n.Start(c.envFor(st.id, st.sl.inc))
	case stepDeliver:
		msg, err := c.fresh(c.vals.get(st.msg.h))
		if err != nil {
			st.err = err
			return
		}
		if c.rec != nil {
			c.rec.deliver(st.s, &st.msg)
		}
		st.sl.n.HandleMessage(st.msg.from, msg)
	case stepFire:
		v, err := c.fresh(c.vals.get(st.timer.h))
		if err != nil {
			st.err = err
			return
		}
		if c.rec != nil {
			c.rec.fire(st.s, st.id, &st.timer)
		}
		st.sl.n.HandleTimer(v)
	case stepCall:
		if c.rec != nil {
			c.rec.call(st.s, st.id, st.input.Name)
		}
		st.input.Call(st.sl.n, c.world)
	}
}

// newStep returns the checker's one step, reset for node id's slot in s.
func (c *Checker) newStep(s *State, sl *slot, id node.ID, kind stepKind) *step {
	st := &c.st
	*st = step{s: s, sl: sl, id: id, kind: kind, sends: st.sends[:0]}
	return st
}

// Initial builds the initial state: every node built and started, in
// order of ID. An error is a violation of the node contract in a Start
// (a panic); the state is returned with it.
func (c *Checker) Initial() (*State, error) {
	s := &State{nodes: make([]*slot, c.m.Nodes), vals: c.vals}
	if c.m.Ghost != nil {
		c.cp.reset(nil)
		g, err := c.cp.deepCopy(c.m.Ghost)
		if err != nil {
			return nil, explainRefusal("the ghost state", c.m.Ghost, nil)
		}
		s.ghost = g
	}
	for i := range s.nodes {
		s.nodes[i] = &slot{}
	}
	for i := range s.nodes {
		if err := c.boot(s, node.ID(i+1), 0, true); err != nil {
			c.hashGhost(s)
			c.finish(s)
			return s, err
		}
	}
	if c.m.Observe != nil {
		if g := c.m.Observe(s); g != nil {
			s.ghost = g
		}
	}
	c.hashGhost(s)
	c.finish(s)
	return s, nil
}

// boot builds incarnation inc of node id into its slot in s and starts it.
// own: s.ghost is s's own (the initial state), not shared with a parent.
func (c *Checker) boot(s *State, id node.ID, inc int, own bool) error {
	sl := s.nodes[id-1]
	sl.inc = inc
	sl.rng = nil // made on the first Rand call (rngFor): most nodes never draw
	st := c.newStep(s, sl, id, stepFactory)
	st.ghostCo = own
	if err := c.run(st); err != nil {
		return err
	}
	n := st.built
	if n == nil {
		return fmt.Errorf("search: the factory built no node for %v", id)
	}
	sl.n = n
	sl.trusted = trustFuncs(n)
	if c.rec != nil {
		c.rec.event(s, startRecord(id, inc))
	}
	st.kind = stepStart
	if err := c.run(st); err != nil {
		return err
	}
	c.merge(st)
	c.hashSlot(sl)
	return nil
}

func (c *Checker) envFor(id node.ID, inc int) *env {
	k := envKey{id, inc}
	e := c.envs[k]
	if e == nil {
		e = &env{c: c, id: id, inc: inc}
		c.envs[k] = e
	}
	return e
}

// finish computes s's hash from its parts.
func (c *Checker) finish(s *State) {
	h := mix(s.netHash + 0x6a09e667f3bcc908)
	for i, sl := range s.nodes {
		h += mix(sl.hash ^ uint64(i+1)*0x9e3779b97f4a7c15)
	}
	h += mix(s.ghostH ^ 0xbb67ae8584caa73b)
	h += mix(uint64(s.drops) | uint64(s.dups)<<16 | uint64(s.crashes)<<32 | uint64(s.calls)<<48 ^ 0x3c6ef372fe94f82b)
	s.hash = h
}

// hashSlot fingerprints a node's slot.
func (c *Checker) hashSlot(sl *slot) {
	c.hs.reset()
	h := uint64(0x510e527fade682d1)
	if sl.rng != nil {
		h = c.hs.hashAny(h, sl.rng)
	}
	h = c.hs.hashAny(h, sl.n)
	h = hashWord(h, uint64(sl.inc))
	h = hashWord(h, uint64(sl.clock))
	h = hashWord(h, sl.nextID)
	h = hashWord(h, uint64(sl.inputs))
	h = hashWord(h, uint64(len(sl.timers)))
	for _, t := range sl.timers {
		h = hashWord(hashWord(hashWord(h, t.id), uint64(t.due)), t.h)
	}
	h = hashWord(h, uint64(len(sl.store)))
	for _, e := range sl.store {
		h = hashString(h, e.key)
		h = hashBytes(hashWord(h, b2u(e.hasCur)), e.cur)
		h = hashBytes(hashWord(h, b2u(e.hasDura)), e.durable)
	}
	sl.hash = h
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func (c *Checker) hashGhost(s *State) {
	if s.ghost == nil {
		return
	}
	c.hs.reset()
	s.ghostH = c.hs.hashAny(0x1f83d9abfb41bd6b, s.ghost)
}

func (c *Checker) hashValue(v any) uint64 {
	c.hs.reset()
	return c.hs.hashAny(0x5be0cd19137e2179, v)
}

func flightHash(f *flight) uint64 {
	return mix(f.h ^ uint64(f.from)<<48 ^ uint64(f.to)<<56 ^ 0x9b05688c2b3e6c1f)
}

// Enabled returns the events enabled in s, in a fixed order: deliveries
// (with their drops and duplicates), timers, inputs, restarts.
func (c *Checker) Enabled(s *State) []Event {
	return c.enabled(s, nil)
}

func (c *Checker) enabled(s *State, out []Event) []Event {
	b := c.m.Bounds
	for i := range s.net {
		f := &s.net[i]
		ev := Event{Kind: Deliver, Node: f.to, From: f.from, Msg: c.vals.get(f.h), h: f.h}
		out = append(out, ev)
		if s.drops < b.Drops {
			ev.Kind = Drop
			out = append(out, ev)
		}
		if s.dups < b.Duplicates {
			ev.Kind = Duplicate
			out = append(out, ev)
		}
	}
	for i, sl := range s.nodes {
		if len(sl.timers) > 0 {
			t := &sl.timers[0]
			out = append(out, Event{Kind: Fire, Node: node.ID(i + 1), Timer: c.vals.get(t.h), h: t.id})
		}
	}
	for i, sl := range s.nodes {
		if ins := c.inputsOf[i]; sl.inputs < len(ins) {
			in := &c.m.Inputs[ins[sl.inputs]]
			if in.When != nil && !in.When(s, node.ID(i+1)) {
				continue
			}
			out = append(out, Event{Kind: Call, Node: node.ID(i + 1), Input: in.Name, h: uint64(sl.inputs)})
		}
	}
	if s.calls < len(c.anyNode) {
		in := &c.m.Inputs[c.anyNode[s.calls]]
		for i := range s.nodes {
			if in.When == nil || in.When(s, node.ID(i+1)) {
				out = append(out, Event{Kind: Call, Node: node.ID(i + 1), Input: in.Name, h: anyNodeInput | uint64(s.calls)})
			}
		}
	}
	if s.crashes < b.Crashes {
		for i := range s.nodes {
			if c.canCrash[i] {
				out = append(out, Event{Kind: Restart, Node: node.ID(i + 1)})
			}
		}
	}
	return out
}

// Apply returns the state that ev leads to from s. An error is a
// violation of the node contract on that event (a panic, a handler that
// never returns, state that cannot be copied); the state returned with
// it is the state reached, for the counterexample.
func (c *Checker) Apply(s *State, ev Event) (*State, error) {
	n := c.free.state
	c.free.state = nil
	if n == nil {
		n = &State{}
	}
	*n = State{vals: s.vals, net: s.net, netHash: s.netHash, ghost: s.ghost, ghostH: s.ghostH,
		drops: s.drops, dups: s.dups, crashes: s.crashes, calls: s.calls, depth: s.depth + 1, parent: s, event: ev, own: -1}
	if len(s.nodes) <= len(n.inl) {
		n.nodes = n.inl[:len(s.nodes)]
		copy(n.nodes, s.nodes)
	} else {
		n.nodes = slices.Clone(s.nodes)
	}
	err := c.apply(n, ev)
	if err == nil && c.m.Observe != nil {
		if g := c.m.Observe(n); g != nil {
			n.ghost = g
			c.hashGhost(n)
		}
	}
	c.finish(n)
	return n, err
}

// freeList keeps what a duplicate state, one the visited set already
// holds, no longer needs, for the next event: most events of a search
// lead to states seen before, and reusing their memory spares the
// allocator and the collector.
type freeList struct {
	state *State
	slot  *slot
}

// recycle hands back n, a state Apply returned that nothing else holds.
func (c *Checker) recycle(n *State) {
	if n.netOwn {
		c.slab.unmake(n.net)
	}
	if n.own >= 0 {
		sl := n.nodes[n.own]
		*sl = slot{timers: sl.timers[:0], store: sl.store[:0]}
		c.free.slot = sl
	}
	*n = State{}
	c.free.state = n
}

func (c *Checker) apply(n *State, ev Event) error {
	switch ev.Kind {
	case Deliver, Drop:
		i, ok := c.find(n, ev)
		if !ok {
			return fmt.Errorf("search: %v is not enabled", ev)
		}
		f := n.net[i]
		if ev.Kind == Drop {
			c.editNet(n, i, nil)
			n.drops++
			if c.rec != nil {
				c.rec.drop(n, &f)
			}
			return nil
		}
		st, err := c.handle(n, ev.Node, stepDeliver)
		if err != nil {
			return err
		}
		st.msg = f
		return c.finishHandler(n, st, i)
	case Duplicate:
		i, ok := c.find(n, ev)
		if !ok {
			return fmt.Errorf("search: %v is not enabled", ev)
		}
		f := n.net[i]
		f.copies = 1
		c.editNet(n, -1, []flight{f})
		n.dups++
		if c.rec != nil {
			c.rec.dup(n, &f)
		}
		return nil
	case Fire:
		sl := n.nodes[ev.Node-1]
		if len(sl.timers) == 0 || sl.timers[0].id != ev.h {
			return fmt.Errorf("search: %v is not enabled", ev)
		}
		st, err := c.handle(n, ev.Node, stepFire)
		if err != nil {
			return err
		}
		st.timer = st.sl.timers[0]
		st.sl.timers = slices.Delete(st.sl.timers, 0, 1)
		st.sl.clock = max(st.sl.clock, st.timer.due)
		return c.finishHandler(n, st, -1)
	case Call:
		var in *Input
		if ev.h&anyNodeInput != 0 {
			if n.calls >= len(c.anyNode) || uint64(n.calls) != ev.h&^anyNodeInput {
				return fmt.Errorf("search: %v is not enabled", ev)
			}
			in = &c.m.Inputs[c.anyNode[n.calls]]
			n.calls++
		} else {
			sl := n.nodes[ev.Node-1]
			ins := c.inputsOf[ev.Node-1]
			if sl.inputs >= len(ins) {
				return fmt.Errorf("search: %v is not enabled", ev)
			}
			in = &c.m.Inputs[ins[sl.inputs]]
		}
		st, err := c.handle(n, ev.Node, stepCall)
		if err != nil {
			return err
		}
		st.input = in
		if ev.h&anyNodeInput == 0 {
			st.sl.inputs++
		}
		return c.finishHandler(n, st, -1)
	case Restart:
		old := n.nodes[ev.Node-1]
		sl := &slot{clock: old.clock, nextID: old.nextID, inputs: old.inputs}
		for _, e := range old.store {
			if e.hasDura {
				sl.store = append(sl.store, entry{key: e.key, cur: e.durable, durable: e.durable, hasCur: true, hasDura: true})
			}
		}
		n.nodes[ev.Node-1] = sl
		n.crashes++
		if c.rec != nil {
			c.rec.crash(n, ev.Node)
		}
		err := c.boot(n, ev.Node, old.inc+1, false)
		c.hashGhost(n)
		return err
	}
	return fmt.Errorf("search: unknown event kind %v", ev.Kind)
}

// handle prepares a handler of node id in n: a copy of its slot to change.
func (c *Checker) handle(n *State, id node.ID, kind stepKind) (*step, error) {
	sl, err := c.cloneSlot(n.nodes[id-1], id)
	if err != nil {
		return nil, err
	}
	n.nodes[id-1] = sl
	n.own = int(id - 1)
	return c.newStep(n, sl, id, kind), nil
}

// finishHandler runs the handler of st, then takes the message at index
// remove (-1: none) off the wire and puts what the handler sent on it.
func (c *Checker) finishHandler(n *State, st *step, remove int) error {
	err := c.run(st)
	if remove >= 0 || len(st.sends) > 0 {
		c.editNet(n, remove, st.sends)
	}
	c.hashSlot(st.sl)
	if st.ghostCo {
		c.hashGhost(n)
	}
	return err
}

// fresh returns a copy of a message or timer value for a handler, which
// may change what it gets: a frozen value is its own copy.
func (c *Checker) fresh(v any) (any, error) {
	if v == nil || planOf(v).frozen {
		return v, nil
	}
	c.cp.reset(nil)
	out, err := c.cp.deepCopy(v)
	if err != nil {
		return nil, explainRefusal("a message", v, nil)
	}
	return out, nil
}

// cloneSlot copies a node's slot for a handler to change.
func (c *Checker) cloneSlot(old *slot, id node.ID) (*slot, error) {
	sl := c.free.slot
	c.free.slot = nil
	if sl == nil {
		sl = &slot{}
	}
	*sl = slot{trusted: old.trusted, inc: old.inc, clock: old.clock, nextID: old.nextID, inputs: old.inputs,
		timers: append(sl.timers[:0], old.timers...), store: append(sl.store[:0], old.store...)}
	c.cp.reset(old.trusted)
	if old.rng != nil {
		// Copied first, with the node, so that a node holding its Rand
		// holds the slot's copy.
		rng, err := c.cp.deepCopy(old.rng)
		if err != nil {
			return nil, err
		}
		sl.rng = rng.(*rand.Rand)
	}
	n, err := c.cp.deepCopy(old.n)
	if err != nil {
		return nil, explainRefusal(id.String(), old.n, old.trusted)
	}
	sl.n = n.(node.Node)
	return sl, nil
}

// merge puts the messages a boot step sent on the wire.
func (c *Checker) merge(st *step) {
	if len(st.sends) > 0 {
		c.editNet(st.s, -1, st.sends)
	}
}

func (c *Checker) find(s *State, ev Event) (int, bool) {
	return slices.BinarySearchFunc(s.net, ev, func(f flight, ev Event) int { return f.less(ev.Node, ev.From, ev.h) })
}

// editNet takes one copy of s.net[remove] off the wire (remove -1:
// none) and puts one copy of each of add on it, in one new slice: the old
// one may be shared with other states.
func (c *Checker) editNet(s *State, remove int, add []flight) {
	var net []flight
	if s.netOwn {
		net = s.net // already this state's own
	} else {
		net = c.slab.make(len(s.net) + len(add))
		net = append(net, s.net...)
	}
	if remove >= 0 {
		f := &net[remove]
		s.netHash -= flightHash(f)
		if f.copies > 1 {
			f.copies--
		} else {
			net = slices.Delete(net, remove, remove+1)
		}
	}
	for _, f := range add {
		s.netHash += flightHash(&f)
		i, found := slices.BinarySearchFunc(net, f, func(g, f flight) int { return g.less(f.to, f.from, f.h) })
		if found {
			net[i].copies++
			continue
		}
		f.copies = 1
		net = slices.Insert(net, i, f)
	}
	s.net = net
	s.netOwn = true
}

// env is a node incarnation's Env. It keeps no state of its own: every
// call acts on the slot of the step being applied, so one Env serves the
// incarnation in every state, and a copy of the node shares it.
type env struct {
	c   *Checker
	id  node.ID
	inc int
}

var _ node.Env = (*env)(nil)

func init() {
	markShared(reflect.TypeFor[*env]())
	markShared(reflect.TypeFor[disk]())
	markShared(reflect.TypeFor[*Checker]())
	markShared(reflect.TypeFor[*World]())
}

// active returns the step this Env may act in, or nil: an Env used
// outside its node's handlers, or kept past a crash, does nothing.
func (e *env) active() *step {
	st := e.c.cur
	if st == nil || st.id != e.id || st.sl.inc != e.inc {
		return nil
	}
	st.calls++
	if st.calls > e.c.maxCalls {
		panic(errTooManyCalls)
	}
	return st
}

func (e *env) ID() node.ID { return e.id }

func (e *env) Peers() []node.ID {
	out := make([]node.ID, 0, e.c.m.Nodes-1)
	for i := 1; i <= e.c.m.Nodes; i++ {
		if node.ID(i) != e.id {
			out = append(out, node.ID(i))
		}
	}
	return out
}

func (e *env) Now() time.Duration {
	st := e.active()
	if st == nil {
		return 0
	}
	return time.Duration(st.sl.clock)
}

func (e *env) Send(to node.ID, msg node.Message) {
	st := e.active()
	if st == nil {
		return
	}
	if to < 1 || int(to) > e.c.m.Nodes || to == e.id {
		if e.c.rec != nil {
			e.c.rec.misuse(st.s, e.id, fmt.Sprintf("Send to %v: not a peer", to))
		}
		return
	}
	if msg != nil && !planOf(msg).frozen {
		e.c.cp.reset(nil)
		m, err := e.c.cp.deepCopy(msg)
		if err != nil {
			// As in the simulator, a message that cannot cross a wire is
			// a misuse, not a crash: it is lost.
			if e.c.rec != nil {
				e.c.rec.misuse(st.s, e.id, explainRefusal("a message", msg, nil).Error())
			}
			return
		}
		msg = m
	}
	f := flight{from: e.id, to: to, h: e.c.hashValue(msg)}
	e.c.vals.put(f.h, msg)
	st.sends = append(st.sends, f)
	if e.c.rec != nil {
		e.c.rec.send(st.s, &f)
	}
}

func (e *env) SetTimer(after time.Duration, value any) node.TimerID {
	st := e.active()
	if st == nil {
		return 0
	}
	if value != nil && !planOf(value).frozen {
		e.c.cp.reset(nil)
		v, err := e.c.cp.deepCopy(value)
		if err != nil {
			st.err = explainRefusal(e.id.String()+"'s timer", value, nil)
			return 0
		}
		value = v
	}
	sl := st.sl
	sl.nextID++
	due := sl.clock + max(int64(after), 0)
	if due < sl.clock {
		due = math.MaxInt64 // saturate, as the simulator does
	}
	t := timer{id: sl.nextID, due: due, h: e.c.hashValue(value)}
	e.c.vals.put(t.h, value)
	if due != math.MaxInt64 {
		i, _ := slices.BinarySearchFunc(sl.timers, t, func(a, b timer) int {
			if a.due != b.due {
				if a.due < b.due {
					return -1
				}
				return 1
			}
			return int(a.id) - int(b.id)
		})
		sl.timers = slices.Insert(sl.timers, i, t)
	}
	if e.c.rec != nil {
		e.c.rec.timerSet(st.s, e.id, &t, after)
	}
	return node.TimerID(t.id)
}

func (e *env) CancelTimer(id node.TimerID) {
	st := e.active()
	if st == nil {
		return
	}
	for i, t := range st.sl.timers {
		if t.id == uint64(id) {
			st.sl.timers = slices.Delete(st.sl.timers, i, i+1)
			if e.c.rec != nil {
				e.c.rec.timerCancel(st.s, e.id, uint64(id))
			}
			return
		}
	}
}

func (e *env) Rand() *rand.Rand {
	st := e.active()
	if st == nil {
		return rand.New(rand.NewPCG(0, 0))
	}
	if st.sl.rng == nil {
		// Seeded by the model, the node and the incarnation, so that a
		// path replays the same draws in every process.
		seed := hashString(0x243f6a8885a308d3, e.c.m.Name)
		st.sl.rng = rand.New(rand.NewPCG(mix(seed^uint64(e.id)), mix(seed+uint64(e.inc)<<32)))
	}
	return st.sl.rng
}

func (e *env) Storage() node.Storage { return disk{e} }

func (e *env) Logf(format string, args ...any) {
	st := e.active()
	if st == nil || e.c.rec == nil {
		return
	}
	e.c.rec.log(st.s, e.id, fmt.Sprintf(format, args...))
}

// disk is a node's Storage in the state being explored.
type disk struct{ e *env }

func (d disk) find(st *step, key string) (int, bool) {
	return slices.BinarySearchFunc(st.sl.store, key, func(e entry, k string) int {
		switch {
		case e.key < k:
			return -1
		case e.key > k:
			return 1
		}
		return 0
	})
}

func (d disk) Load(key string) ([]byte, bool) {
	st := d.e.active()
	if st == nil {
		return nil, false
	}
	i, ok := d.find(st, key)
	if !ok || !st.sl.store[i].hasCur {
		return nil, false
	}
	return slices.Clone(st.sl.store[i].cur), true
}

func (d disk) Save(key string, value []byte) { d.write(key, slices.Clone(value), true) }

func (d disk) Delete(key string) { d.write(key, nil, false) }

func (d disk) write(key string, value []byte, has bool) {
	st := d.e.active()
	if st == nil {
		return
	}
	if value == nil && has {
		value = []byte{}
	}
	i, ok := d.find(st, key)
	if !ok {
		if !has {
			return
		}
		st.sl.store = slices.Insert(st.sl.store, i, entry{key: key})
	}
	st.sl.store[i].cur, st.sl.store[i].hasCur = value, has
}

func (d disk) Sync() {
	st := d.e.active()
	if st == nil {
		return
	}
	out := st.sl.store[:0:0]
	for _, e := range st.sl.store {
		e.durable, e.hasDura = e.cur, e.hasCur
		if e.hasCur {
			out = append(out, e)
		}
	}
	st.sl.store = out
}

func (d disk) Size() int {
	st := d.e.active()
	if st == nil {
		return 0
	}
	n := 0
	for _, e := range st.sl.store {
		if e.hasCur {
			n += len(e.key) + len(e.cur)
		}
	}
	return n
}

// flightSlab hands out the states' networks from large blocks: a state's
// net is a new slice per event (the parent's is shared), and one block
// for hundreds of them spares the allocator and the collector (flights
// hold no pointers: a block is never scanned). A duplicate state's net,
// the block's last slice, is handed back at once (unmake).
type flightSlab struct{ buf []flight }

const slabBlock = 1 << 14

// make returns an empty slice with room for n flights.
func (a *flightSlab) make(n int) []flight {
	if n > slabBlock/16 {
		return make([]flight, 0, n)
	}
	if len(a.buf)+n > cap(a.buf) {
		a.buf = make([]flight, 0, slabBlock)
	}
	i := len(a.buf)
	a.buf = a.buf[:i+n]
	return a.buf[i : i : i+n]
}

// unmake takes back net if it is the last slice made: a slice handed out
// earlier stays (its state may be alive).
func (a *flightSlab) unmake(net []flight) {
	c := cap(net)
	if c == 0 || c > len(a.buf) {
		return
	}
	i := len(a.buf) - c
	if unsafe.SliceData(a.buf[i:]) == unsafe.SliceData(net) {
		clear(a.buf[i:])
		a.buf = a.buf[:i]
	}
}
