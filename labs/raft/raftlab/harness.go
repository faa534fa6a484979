package raftlab

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// cluster is a test's view of a Raft cluster: the simulator, one service
// per node that records what Raft applies, and the global facts the
// invariants compare against. It reads nothing inside the student's nodes
// but what State, Propose and the apply callback say.
type cluster struct {
	t       *suite.T
	s       *sim.Sim
	n       int
	factory raft.Factory
	svc     []*service // the current incarnation's service, by node ID

	// committed[i] is what the first node to apply index i applied there.
	committed  []committedEntry
	maxApplied int         // highest index any node applied
	leaders    []node.ID   // by term: the node that led it, or 0
	nLeaders   int         // terms with a leader
	terms      []int       // highest term each node has reported
	leaderLogs []leaderLog // per node: its log as leader, for Leader Append-Only
	proposed   []proposal  // by the command's sequence number (newCommand): where its leader put it
	violation  error       // the first violation seen inside apply
	snapEvery  int         // services snapshot every snapEvery applies; 0: never
	seq        int         // for unique commands
	lastLeader node.ID
	maxTerm    int // highest term any node has reported
	proposing  proposeCall
	commits    int                  // entries in committed: a version for before
	before     committedBeforeCache // committedBefore's last answer
}

type committedEntry struct {
	ok   bool
	term int
	cmd  string
	hash uint64 // of every command up to and including this one
	by   node.ID
	// maxTerm is the highest term any node had reached when the entry was
	// first applied: whoever committed it led a term no higher, so every
	// leader of a later term must hold it (leader completeness, §5.4).
	maxTerm int
}

type proposal struct {
	cmd    string
	leader node.ID
	term   int
	index  int
	times  int
}

// service is one node's state machine: it folds every applied command into
// a running hash, so a snapshot is just (index, hash).
type service struct {
	c       *cluster
	id      node.ID
	applied int
	hash    uint64
	// rn is the incarnation's node, and lr the same as a raft.LogReader if
	// it is one: asked once at boot, not on every event.
	rn raft.Node
	lr raft.LogReader
}

// config describes a test's cluster.
type config struct {
	nodes     int
	faults    faults.Model
	schedule  faults.Schedule
	snapEvery int
}

func newCluster(t *suite.T, cfg config) *cluster {
	f, err := FactoryOf(t.Impl())
	if err != nil {
		panic(err)
	}
	c := &cluster{t: t, n: cfg.nodes, factory: f, svc: make([]*service, cfg.nodes+1),
		committed: make([]committedEntry, 1, 64), terms: make([]int, cfg.nodes+1), leaderLogs: make([]leaderLog, cfg.nodes+1),
		proposed: make([]proposal, 1, 64), snapEvery: cfg.snapEvery}
	if cfg.faults.Latency.Kind == "" && cfg.faults.Latency.Min == 0 {
		cfg.faults = faults.Reliable()
	}
	c.s = t.NewSim(sim.Config{Nodes: cfg.nodes, Factory: c.newNode, Faults: cfg.faults, Schedule: cfg.schedule})
	t.Invariant("raft safety", c.check)
	return c
}

func (c *cluster) newNode(id node.ID) node.Node {
	sv := &service{c: c, id: id, hash: newHash()}
	c.svc[id] = sv
	sv.rn = c.factory(id, sv.apply)
	sv.lr, _ = sv.rn.(raft.LogReader)
	return sv.rn
}

// The services' hash folds each applied command into a running value,
// eight bytes at a time (a multiply per byte, as FNV does, cost more than
// the rest of an apply). It only has to tell different histories apart.
const hashStart, hashMul = 14695981039346656037, 0x9e3779b97f4a7c15

func newHash() uint64 { return hashStart }

// mix folds cmd, and its length, into h.
func mix(h uint64, cmd []byte) uint64 {
	h = fold(h, uint64(len(cmd)))
	for len(cmd) >= 8 {
		h = fold(h, binary.LittleEndian.Uint64(cmd))
		cmd = cmd[8:]
	}
	var tail uint64
	for i, b := range cmd {
		tail |= uint64(b) << (8 * i)
	}
	return fold(h, tail)
}

func fold(h, w uint64) uint64 {
	h = (h ^ w) * hashMul
	return h ^ h>>29
}

// violate records the first violation; the invariant reports it after the
// event that caused it.
func (c *cluster) violate(nodes []node.ID, format string, args ...any) {
	if c.violation == nil {
		c.violation = &suite.Violation{Nodes: nodes, Msg: fmt.Sprintf(format, args...)}
	}
}

// apply is the service's end of the apply callback.
func (sv *service) apply(m raft.ApplyMsg) {
	c := sv.c
	if c.svc[sv.id] != sv {
		c.violate([]node.ID{sv.id}, "%v applied through the callback of an incarnation that crashed", sv.id)
		return
	}
	switch {
	case m.CommandValid && m.SnapshotValid:
		c.violate([]node.ID{sv.id}, "%v sent an ApplyMsg with both CommandValid and SnapshotValid", sv.id)
	case m.CommandValid:
		sv.applyCommand(m)
	case m.SnapshotValid:
		sv.applySnapshot(m)
	default:
		c.violate([]node.ID{sv.id}, "%v sent an ApplyMsg with neither CommandValid nor SnapshotValid", sv.id)
	}
}

func (sv *service) applyCommand(m raft.ApplyMsg) {
	c, id, i := sv.c, sv.id, m.CommandIndex
	if i != sv.applied+1 {
		what := "skipped"
		if i <= sv.applied {
			what = "went back or repeated"
		}
		c.violate([]node.ID{id}, "applied order: %v applied index %d right after index %d (%s): entries must reach the service in order, each exactly once", id, i, sv.applied, what)
		return
	}
	p, ok := c.proposalOf(m.Command)
	if !ok {
		c.violate([]node.ID{id}, "validity: %v applied %s at index %d, which no client proposed", id, short(string(m.Command)), i)
		return
	}
	cmd := p.cmd // the proposed string: comparing and keeping it allocates nothing
	if p.times == 1 && (p.term != m.CommandTerm || p.index != i) {
		c.violate([]node.ID{id, p.leader}, "log matching: %v applied %s at index %d term %d, but leader %v put it at index %d in term %d", id, short(cmd), i, m.CommandTerm, p.leader, p.index, p.term)
		return
	}
	sv.hash = mix(sv.hash, m.Command)
	sv.applied = i
	for len(c.committed) <= i {
		c.committed = append(c.committed, committedEntry{})
	}
	e := &c.committed[i]
	if e.ok {
		if e.cmd != cmd || e.term != m.CommandTerm {
			c.violate([]node.ID{e.by, id}, "state machine safety: at index %d %v applied %s (term %d) but %v applied %s (term %d)", i, e.by, short(e.cmd), e.term, id, short(cmd), m.CommandTerm)
			return
		}
		if e.hash != sv.hash {
			c.violate([]node.ID{e.by, id}, "state machine safety: %v and %v applied the same entry at index %d after different histories", e.by, id, i)
		}
	} else {
		mt := c.maxTerm
		if rn := c.node(id); rn != nil {
			t, _ := rn.State()
			mt = max(mt, t)
		}
		*e = committedEntry{ok: true, term: m.CommandTerm, cmd: cmd, hash: sv.hash, by: id, maxTerm: mt}
		c.commits++
		// Terms along a log never go down (a consequence of Log Matching).
		if prev := c.committed[i-1]; prev.ok && prev.term > m.CommandTerm {
			c.violate([]node.ID{prev.by, id}, "log matching: index %d was applied with term %d but index %d with term %d; terms in a log never decrease", i-1, prev.term, i, m.CommandTerm)
		}
		if i+1 < len(c.committed) {
			if next := c.committed[i+1]; next.ok && next.term < m.CommandTerm {
				c.violate([]node.ID{next.by, id}, "log matching: index %d was applied with term %d but index %d with term %d", i, m.CommandTerm, i+1, next.term)
			}
		}
	}
	c.maxApplied = max(c.maxApplied, i)
	if c.snapEvery > 0 && i%c.snapEvery == 0 {
		c.takeSnapshot(sv, i, encodeSnapshot(i, sv.hash))
	}
}

// takeSnapshot makes the service's Snapshot call as its own event, right
// after the one in which the entry was applied: Raft is never re-entered
// from inside apply.
func (c *cluster) takeSnapshot(sv *service, index int, data []byte) {
	c.s.After(0, func() {
		if c.svc[sv.id] != sv || !c.s.Up(sv.id) {
			return
		}
		_ = c.s.Call(sv.id, func() string { return fmt.Sprintf("Snapshot(%d)", index) }, func(n node.Node) string {
			n.(raft.Node).Snapshot(index, data)
			return ""
		})
	})
}

func encodeSnapshot(index int, hash uint64) []byte {
	b := binary.AppendUvarint(nil, uint64(index))
	return binary.LittleEndian.AppendUint64(b, hash)
}

func decodeSnapshot(b []byte) (int, uint64, bool) {
	i, n := binary.Uvarint(b)
	if n <= 0 || len(b) != n+8 {
		return 0, 0, false
	}
	return int(i), binary.LittleEndian.Uint64(b[n:]), true
}

func (sv *service) applySnapshot(m raft.ApplyMsg) {
	c, id := sv.c, sv.id
	if m.SnapshotIndex <= sv.applied {
		c.violate([]node.ID{id}, "stale snapshot: %v installed a snapshot up to index %d after applying up to index %d; the service went back in time", id, m.SnapshotIndex, sv.applied)
		return
	}
	idx, h, ok := decodeSnapshot(m.Snapshot)
	if !ok || idx != m.SnapshotIndex {
		c.violate([]node.ID{id}, "snapshot: %v handed its service a snapshot for index %d holding a different snapshot (for index %d, ok=%v): SnapshotIndex must match the snapshot the service took", id, m.SnapshotIndex, idx, ok)
		return
	}
	if idx >= len(c.committed) || !c.committed[idx].ok || c.committed[idx].hash != h {
		c.violate([]node.ID{id}, "snapshot: %v installed a snapshot up to index %d that no service's state matches", id, idx)
		return
	}
	sv.applied, sv.hash = idx, h
}

// check is the per-event invariant: it looks at the node that handled the
// event (every node after a fault), which keeps it cheap.
func (c *cluster) check() error {
	if c.violation != nil {
		return c.violation
	}
	if id := c.s.Current().Node; id != 0 {
		return c.checkNode(id)
	}
	for id := 1; id <= c.n; id++ {
		if err := c.checkNode(node.ID(id)); err != nil {
			return err
		}
	}
	return nil
}

func (c *cluster) checkNode(id node.ID) error {
	if !c.s.Up(id) {
		return nil
	}
	sv := c.svc[id]
	term, lead := sv.rn.State()
	if term < c.terms[id] {
		return &suite.Violation{Nodes: []node.ID{id}, Msg: fmt.Sprintf("terms never go back: %v was at term %d and now reports term %d (currentTerm must survive a crash: save it and Sync before replying)", id, c.terms[id], term)}
	}
	c.terms[id] = term
	c.maxTerm = max(c.maxTerm, term)
	if lead {
		for len(c.leaders) <= term {
			c.leaders = append(c.leaders, 0)
		}
		other := c.leaders[term]
		if other != 0 && other != id {
			return &suite.Violation{Nodes: []node.ID{other, id}, Msg: fmt.Sprintf("election safety: %v and %v are both leaders of term %d (§5.2: at most one leader per term)", other, id, term)}
		}
		if other == 0 {
			c.leaders[term] = id
			c.nLeaders++
		}
		if lr := sv.lr; lr != nil {
			if err := c.checkAppendOnly(id, term, lr); err != nil {
				return err
			}
			return c.checkLeaderLog(id, term, lr, other == 0)
		}
	} else if c.leaderLogs[id].term != 0 {
		c.leaderLogs[id] = leaderLog{}
	}
	return nil
}

// leaderLog is what a leader's log looked like after its last event: its
// term, its last index, and the terms of the entries at its end.
type leaderLog struct {
	term, last int
	tail       [appendOnlyTail]int // tail[k]: the term at index last-k (0: not held)
}

// appendOnlyTail is how many of a leader's last entries Leader Append-Only
// re-reads after each of its events: a leader that overwrites or deletes
// entries does so at the end of its log, and reading it all after every
// event would cost a log's length per event.
const appendOnlyTail = 8

// checkAppendOnly checks Leader Append-Only (Figure 3, §5.3): a leader
// never overwrites or deletes entries in its log; it only appends.
func (c *cluster) checkAppendOnly(id node.ID, term int, lr raft.LogReader) error {
	prev := &c.leaderLogs[id]
	last := lr.LastIndex()
	if prev.term != term {
		*prev = leaderLog{term: term} // a new leadership: nothing to compare
	} else if last < prev.last {
		return &suite.Violation{Nodes: []node.ID{id}, Kind: "leader append-only", Msg: fmt.Sprintf("leader append-only: %v, leader of term %d, had a log ending at index %d and now it ends at %d: a leader never deletes entries from its log (Figure 3, §5.3)", id, term, prev.last, last)}
	}
	// A term of 0 stands for an entry not held (compacted), which is not
	// compared.
	if last == prev.last {
		// Most events leave the log as it was (a reply, a heartbeat): the
		// tail is read at the same indices, each entry in place. (The
		// general loop below does the same work with index arithmetic and
		// a second array; this case alone saves 1 % of the whole suite's
		// instructions, docs/performance.md.)
		for k := range appendOnlyTail {
			i := last - k
			if i < 1 {
				break
			}
			t, ok := lr.TermAt(i)
			if !ok {
				t = 0
			} else if was := prev.tail[k]; was != 0 && t != was {
				return overwritten(id, term, i, was, t)
			}
			prev.tail[k] = t
		}
		return nil
	}
	// The tail as it is now, read once, each entry compared with what the
	// last tail held at its index; then the entries of the last tail that
	// this one no longer covers, when the log grew.
	var tail [appendOnlyTail]int
	for k := range appendOnlyTail {
		i := last - k
		if i < 1 {
			break
		}
		t, ok := lr.TermAt(i)
		if !ok {
			continue
		}
		tail[k] = t
		if d := prev.last - i; d >= 0 && d < appendOnlyTail {
			if was := prev.tail[d]; was != 0 && t != was {
				return overwritten(id, term, i, was, t)
			}
		}
	}
	for i := min(prev.last, last-appendOnlyTail); i > prev.last-appendOnlyTail && i >= 1; i-- {
		if was := prev.tail[prev.last-i]; was != 0 {
			if t, ok := lr.TermAt(i); ok && t != was {
				return overwritten(id, term, i, was, t)
			}
		}
	}
	prev.last, prev.tail = last, tail
	return nil
}

func overwritten(id node.ID, term, i, was, now int) error {
	return &suite.Violation{Nodes: []node.ID{id}, Kind: "leader append-only", Msg: fmt.Sprintf("leader append-only: %v, leader of term %d, held an entry of term %d at index %d and now holds one of term %d there: a leader never overwrites entries in its log (Figure 3, §5.3)", id, term, was, i, now)}
}

// checkLeaderLog checks leader completeness (§5.4) on a leader that
// implements raft.LogReader: its log must reach past every index committed
// before its term, checked after each of its events, and when it has just
// been elected, hold each such entry with the term it was committed in.
func (c *cluster) checkLeaderLog(id node.ID, term int, lr raft.LogReader, elected bool) error {
	k := c.committedBefore(term)
	if k == 0 {
		return nil
	}
	if last := lr.LastIndex(); last < k {
		return &suite.Violation{Nodes: []node.ID{id}, Msg: fmt.Sprintf("leader completeness: %v leads term %d with a log ending at index %d, but index %d was committed in an earlier term (applied by %v): a leader's log must hold every entry committed before its term (§5.4)", id, term, last, k, c.committed[k].by)}
	}
	if !elected {
		return nil
	}
	for i := 1; i <= k; i++ {
		e := c.committed[i]
		if t, ok := lr.TermAt(i); ok && e.ok && t != e.term {
			return &suite.Violation{Nodes: []node.ID{id, e.by}, Msg: fmt.Sprintf("leader completeness: %v was elected leader of term %d holding an entry of term %d at index %d, but %v applied the entry of term %d committed there (§5.4: a leader holds every committed entry)", id, term, t, i, e.by, e.term)}
		}
	}
	return nil
}

func (c *cluster) node(id node.ID) raft.Node {
	if !c.s.Up(id) {
		return nil
	}
	return c.svc[id].rn
}

func short(cmd string) string {
	if len(cmd) > 16 {
		return fmt.Sprintf("%q…(%d bytes)", cmd[:12], len(cmd))
	}
	return fmt.Sprintf("%q", cmd)
}

// --- workload ------------------------------------------------------------

// newCommand returns a fresh, unique command of at least size bytes: "c",
// its sequence number, and dots to pad it.
func (c *cluster) newCommand(size int) string {
	c.seq++
	var b [24]byte
	head := strconv.AppendInt(append(b[:0], 'c'), int64(c.seq), 10)
	var cmd string
	if len(head) < size {
		cmd = string(head) + strings.Repeat(".", size-len(head))
	} else {
		cmd = string(head) // one allocation
	}
	c.proposed = append(c.proposed, proposal{cmd: cmd})
	return cmd
}

// proposalOf finds the proposal of a command by the sequence number its
// text starts with, and reports false for a command that no client
// proposed (whatever its text). Indexing by number, not by text, keeps a
// map's hashing out of every apply.
func (c *cluster) proposalOf(cmd []byte) (proposal, bool) {
	if len(cmd) < 2 || cmd[0] != 'c' {
		return proposal{}, false
	}
	seq := 0
	for _, b := range cmd[1:] {
		if b < '0' || b > '9' {
			break
		}
		seq = seq*10 + int(b-'0')
		if seq >= len(c.proposed) {
			return proposal{}, false
		}
	}
	p := c.proposed[seq]
	if p.times == 0 || p.cmd != string(cmd) {
		return proposal{}, false
	}
	return p, true
}

// propose calls Propose on node id and records where a leader put the
// command. A leader's new index must lie past every committed index:
// otherwise its log lacks a committed entry (leader completeness, §5.4).
func (c *cluster) propose(id node.ID, cmd string) (index, term int, ok bool) {
	pc := &c.proposing
	if pc.what == nil {
		pc.init(c.s)
	}
	if cmd != pc.cmd {
		pc.cmd = cmd
		pc.b = []byte(cmd)
	}
	pc.index, pc.term, pc.ok = 0, 0, false
	err := c.s.Call(id, pc.what, pc.fn)
	index, term, ok = pc.index, pc.term, pc.ok
	if ok {
		pc.cmd, pc.b = "", nil // a leader keeps b; a retry gets its own
	}
	if err != nil || !ok {
		return 0, 0, false
	}
	p := c.proposalFor(cmd)
	*p = proposal{cmd: cmd, leader: id, term: term, index: index, times: p.times + 1}
	if k := c.committedBefore(term); index <= k {
		c.t.Fail(suite.Failure{Check: "leader completeness", Nodes: []node.ID{id},
			Msg: fmt.Sprintf("%v, leader of term %d, put a new command at index %d, but index %d was committed in an earlier term (and applied by %v): a leader's log must hold every entry committed before its term (§5.4)", id, term, index, k, c.committed[k].by)})
	}
	c.lastLeader = id
	return index, term, true
}

// proposeCall is propose's call into a node: its arguments, its results,
// and the two functions Sim.Call takes, made once per cluster (closures
// made per call would each be allocated).
type proposeCall struct {
	cmd string
	// b is cmd as Propose takes it, made once for the nodes that reject
	// it (which have no reason to keep it) and the one that takes it; a
	// node asked again after one took it gets a new copy.
	b           []byte
	index, term int
	ok          bool
	what        func() string
	fn          func(node.Node) string
}

func (pc *proposeCall) init(s *sim.Sim) {
	pc.what = func() string { return "Propose(" + short(pc.cmd) + ")" }
	pc.fn = func(n node.Node) string {
		pc.index, pc.term, pc.ok = n.(raft.Node).Propose(pc.b[:len(pc.b):len(pc.b)])
		if !s.Traced() {
			return "" // only a trace shows what Propose returned
		}
		return fmt.Sprintf("index=%d term=%d isLeader=%v", pc.index, pc.term, pc.ok)
	}
}

// proposalFor returns the record of cmd, a command from newCommand.
func (c *cluster) proposalFor(cmd string) *proposal {
	seq, err := strconv.Atoi(strings.TrimRight(cmd[1:], "."))
	if err != nil || seq <= 0 || seq >= len(c.proposed) {
		panic(fmt.Sprintf("raftlab: %q is not a command from newCommand", cmd))
	}
	return &c.proposed[seq]
}

// committedBefore returns the highest index known to have been committed
// in a term below term. maxTerm grows with the index (a node applies in
// order), so a binary search finds it.
func (c *cluster) committedBefore(term int) int {
	// A leader asks after each of its events; the answer changes only with
	// its term or a newly committed entry (which also moves maxApplied).
	cb := &c.before
	if cb.valid && cb.term == term && cb.commits == c.commits && cb.maxApplied == c.maxApplied {
		return cb.index
	}
	lo, hi := 0, c.maxApplied // invariant: answer in [lo, hi]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if e := c.committed[mid]; e.ok && e.maxTerm < term {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	*cb = committedBeforeCache{valid: true, term: term, commits: c.commits, maxApplied: c.maxApplied, index: lo}
	return lo
}

// committedBeforeCache is committedBefore's last answer.
type committedBeforeCache struct {
	valid                     bool
	term, commits, maxApplied int
	index                     int
}

// state returns a node's State, and false if it is down.
func (c *cluster) state(id node.ID) (term int, lead bool, up bool) {
	rn := c.node(id)
	if rn == nil {
		return 0, false, false
	}
	term, lead = rn.State()
	return term, lead, true
}

// nApplied counts the running nodes whose services have applied index i.
func (c *cluster) nApplied(i int) int {
	n := 0
	for id := 1; id <= c.n; id++ {
		if c.s.Up(node.ID(id)) && c.svc[id].applied >= i {
			n++
		}
	}
	return n
}

func (c *cluster) committedAt(i int) (string, bool) {
	if i < len(c.committed) && c.committed[i].ok {
		return c.committed[i].cmd, true
	}
	return "", false
}

// one submits a fresh command to whichever node is leader and waits until
// at least expected nodes have applied it; it retries with other leaders
// for up to 10 s when retry is set. It returns the command's index.
func (c *cluster) one(expected int, retry bool) int { return c.oneSized(0, expected, retry) }

func (c *cluster) oneSized(size, expected int, retry bool) int {
	cmd := c.newCommand(size)
	deadline := c.s.Now() + 10*time.Second
	start := int(c.lastLeader)
	accepted := false
	for c.s.Now() < deadline {
		index := 0
		for k := 0; k < c.n; k++ {
			id := node.ID((start+k-1+c.n)%c.n + 1)
			if !c.connectedTo(id) {
				continue
			}
			if i, _, ok := c.propose(id, cmd); ok {
				index, accepted = i, true
				break
			}
		}
		if index > 0 {
			until := c.s.Now() + 2*time.Second
			if c.s.RunUntilTrue(until, func() bool {
				got, ok := c.committedAt(index)
				return ok && got == cmd && c.nApplied(index) >= expected
			}) {
				return index
			}
			if !retry {
				c.t.Fatalf("command %s, proposed at index %d, was not applied by %d nodes within 2s (%d did): does the leader replicate new entries and advance commitIndex once a majority has them?", short(cmd), index, expected, c.nApplied(index))
			}
		} else {
			c.s.RunFor(50 * time.Millisecond)
		}
	}
	if !accepted {
		c.t.Fatalf("no leader elected within 10s: no node took Propose(%s) as leader. Does your node start an election when its election timer fires, and does Propose return isLeader=true on the leader? (%s)", short(cmd), c.describe())
	}
	c.t.Fatalf("command %s was not applied by %d nodes within 10s: %s", short(cmd), expected, c.describe())
	return 0
}

// describe sums up the cluster for a failure message.
func (c *cluster) describe() string {
	var parts []string
	for id := 1; id <= c.n; id++ {
		term, lead, up := c.state(node.ID(id))
		switch {
		case !up:
			parts = append(parts, fmt.Sprintf("%v down", node.ID(id)))
		default:
			role := "follower"
			if lead {
				role = "leader"
			}
			parts = append(parts, fmt.Sprintf("%v %s term %d applied %d", node.ID(id), role, term, c.svc[id].applied))
		}
	}
	return strings.Join(parts, "; ")
}

// --- leaders ---------------------------------------------------------------

// leaderAmong returns the leader of the highest term among the given
// running nodes, if one of them claims to lead that term.
func (c *cluster) leaderAmong(ids []node.ID) (node.ID, int) {
	best, bestTerm := node.ID(0), -1
	for _, id := range ids {
		term, lead, up := c.state(id)
		if !up {
			continue
		}
		if term > bestTerm {
			best, bestTerm = 0, term
		}
		if lead && term == bestTerm {
			best = id
		}
	}
	return best, bestTerm
}

// waitLeader waits up to within for a leader among ids (the connected
// nodes, by default) and fails with a hint if none is elected.
func (c *cluster) waitLeader(within time.Duration, ids ...node.ID) node.ID {
	among := ids
	var lead node.ID
	var connected []node.ID // reused: the condition runs after every event
	if !c.s.RunUntilTrue(c.s.Now()+within, func() bool {
		if len(ids) == 0 {
			connected = c.appendConnectedIDs(connected[:0])
			among = connected
		}
		lead, _ = c.leaderAmong(among)
		return lead != 0
	}) {
		ids = among
		c.t.Fatalf("no leader elected within %v among %s: does your node start an election when its election timer fires, count votes, and report isLeader from State? (%s)", within, idList(ids), c.describe())
	}
	c.lastLeader = lead
	return lead
}

// checkNoLeader fails if any of ids believes it leads.
func (c *cluster) checkNoLeader(ids []node.ID, why string) {
	for _, id := range ids {
		if term, lead, _ := c.state(id); lead {
			c.t.Fatalf("%v is leader of term %d, but %s", id, term, why)
		}
	}
}

func (c *cluster) connectedIDs() []node.ID { return c.appendConnectedIDs(nil) }

// appendConnectedIDs appends the nodes that are up and connected to ids.
func (c *cluster) appendConnectedIDs(ids []node.ID) []node.ID {
	for id := 1; id <= c.n; id++ {
		if c.connectedTo(node.ID(id)) && c.s.Up(node.ID(id)) {
			ids = append(ids, node.ID(id))
		}
	}
	return ids
}

// connectedTo reports whether id is with the rest of the cluster: the
// simulator, which alone knows the topology, has not cut it off.
func (c *cluster) connectedTo(id node.ID) bool { return !c.s.CutOff(id) }

func (c *cluster) all() []node.ID { return c.s.IDs() }

func (c *cluster) disconnect(ids ...node.ID) { c.s.Isolate(ids...) }

// connect heals ids' links and keeps every other cut-off node cut off.
func (c *cluster) connect(ids ...node.ID) {
	var still []node.ID
	for id := 1; id <= c.n; id++ {
		if !c.connectedTo(node.ID(id)) && !slices.Contains(ids, node.ID(id)) {
			still = append(still, node.ID(id))
		}
	}
	c.s.Heal()
	if len(still) > 0 {
		c.s.Isolate(still...)
	}
}

func (c *cluster) crash(ids ...node.ID) { c.s.Crash(ids...) }

func (c *cluster) restart(ids ...node.ID) { c.s.Restart(ids...) }

func idList(ids []node.ID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// others returns every node but id.
func (c *cluster) others(id node.ID) []node.ID {
	var out []node.ID
	for i := 1; i <= c.n; i++ {
		if node.ID(i) != id {
			out = append(out, node.ID(i))
		}
	}
	return out
}

// suiteRand is a random source for choices made before the simulator
// exists (a fault schedule), derived from the run's seed and purpose.
func suiteRand(t *suite.T, purpose string) *rand.Rand { return t.Rand(purpose) }
