package sim

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
)

// Crash points: a node crashed at an exact instant of its durable state,
// for crash exploration (issue 23). A random crash almost never falls
// between a checkpoint and the deletes it makes safe, or between two keys
// of one Sync; a crash point names that instant, so a test can try every
// one of them: run a scenario once recording its Syncs (Config.RecordSyncs,
// Sim.Syncs), draw the points from the record (CrashPoints), then run the
// scenario once per point (Config.Crashes). A run is a pure function of
// its seed and its crash points: the same pair replays it.

// CrashPoint crashes a node at its Sync-th Storage().Sync, counted over the
// whole run (every incarnation, from 1; a Sync with nothing pending counts,
// one after the node's crash struck does not), then restarts it Down later.
//
// Without Torn, the Sync completes and the crash strikes right after it:
// what the handler does after the Sync (a reply, another write) never
// happens. With Torn, the crash strikes during the Sync: of its pending
// writes (one per key, in the order each key was first written since the
// last Sync), those whose bit is set in Keep become durable and the others
// are lost, as on a disk without atomic multi-block writes. Keep 0 is a
// crash just before the Sync; a write past the 64th is never kept.
type CrashPoint struct {
	Node node.ID `json:"node"`
	Sync int     `json:"sync"`
	Torn bool    `json:"torn,omitempty"`
	Keep uint64  `json:"keep,omitempty"`
	// Down is how long the node stays down: 0 restarts it at once (its new
	// incarnation boots at the same virtual instant, after the events
	// already due then).
	Down faults.Duration `json:"down,omitempty"`
}

// String names the point as reports show it: "n2 sync 3", "n2 sync 3
// torn keep {0,2}", with ", restart after 300ms" when Down is not 0.
func (p CrashPoint) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v sync %d", p.Node, p.Sync)
	if p.Torn {
		b.WriteString(" torn keep {")
		for i, k := 0, p.Keep; k != 0; i++ {
			j := bits.TrailingZeros64(k)
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%d", j)
			k &^= 1 << j
		}
		b.WriteString("}")
	}
	if p.Down != 0 {
		fmt.Fprintf(&b, ", restart after %v", p.Down)
	}
	return b.String()
}

func (p CrashPoint) validate(i, n int) error {
	f := fmt.Sprintf("crashes[%d]", i)
	switch {
	case p.Node < 1 || int(p.Node) > n:
		return fmt.Errorf("sim: %s.node: unknown node %d (the cluster has n1..n%d)", f, int(p.Node), n)
	case p.Sync < 1:
		return fmt.Errorf("sim: %s.sync: %d; Syncs are counted from 1", f, p.Sync)
	case p.Down < 0:
		return fmt.Errorf("sim: %s.down: %v is negative", f, p.Down)
	case !p.Torn && p.Keep != 0:
		return fmt.Errorf("sim: %s.keep: %#b names writes to keep, but the Sync is not torn (set Torn)", f, p.Keep)
	}
	return nil
}

// SyncRecord is one Sync of a run that records them (Config.RecordSyncs).
type SyncRecord struct {
	Node node.ID
	// Sync counts the node's Syncs, from 1, as CrashPoint.Sync does.
	Sync int
	// Writes is how many writes were pending (one per key): a Sync of w
	// writes can be torn in 2^w ways.
	Writes int
	Time   time.Duration
}

// Syncs returns the run's Syncs so far, in order, when Config.RecordSyncs
// is set; nil otherwise. The slice is the simulator's: do not change it.
func (s *Sim) Syncs() []SyncRecord { return s.syncLog }

// SyncCount returns how many Syncs node id has made so far, counted as
// CrashPoint.Sync counts them.
func (s *Sim) SyncCount(id node.ID) int { return s.mustNode(id).syncs }

// sync is a Storage().Sync by a live incarnation of ns that no crash has
// struck: it makes the pending writes durable, unless a crash point falls
// here, which tears the Sync or follows it, and strikes: the rest of the
// handler has no effect, and the node goes down when it returns.
func (s *Sim) sync(ns *nodeState) {
	ns.syncs++
	if s.cfg.RecordSyncs {
		s.syncLog = append(s.syncLog, SyncRecord{Node: ns.id, Sync: ns.syncs, Writes: ns.store.pending(), Time: time.Duration(s.now)})
	}
	if len(ns.points) == 0 || ns.points[0].Sync != ns.syncs {
		ns.store.Sync()
		return
	}
	p := ns.points[0]
	ns.points = ns.points[1:]
	if p.Torn {
		i := 0
		ns.store.syncSome(func() bool {
			keep := i < 64 && p.Keep&(1<<i) != 0
			i++
			return keep
		})
	} else {
		ns.store.Sync()
	}
	s.tr.note(s.now, ns.id, "crash point: %v", p)
	ns.armed, ns.struck, ns.atPoint = true, true, true
	ns.reboot, ns.rebootIn = true, int64(p.Down)
}

// scheduleRestart boots a new incarnation of ns after d, unless it was
// restarted (or crashed and restarted again) meanwhile.
func (s *Sim) scheduleRestart(ns *nodeState, d int64) {
	s.push(event{at: s.now + d, kind: evRestart, to: int32(ns.id), id: uint64(ns.epoch)})
}

// Exploration says which crash points CrashPoints draws from a run's
// Syncs. The zero value explores every node's every Sync, each torn every
// way (up to DefaultMaxTears a Sync), restarting at once.
type Exploration struct {
	// Nodes are the nodes to crash; empty means every node.
	Nodes []node.ID
	// Downs lists how long a crashed node stays down; every point is
	// explored with each. Empty means {0}: a restart at once.
	Downs []time.Duration
	// NoTears explores only Sync boundaries (a crash right after each Sync).
	NoTears bool
	// MaxTears bounds the torn versions of one Sync; 0 means
	// DefaultMaxTears. A Sync of w writes has 2^w - 1 (all but "every
	// write kept", its boundary): past the bound, CrashPoints keeps
	// "nothing kept", each prefix and each single write lost, then a
	// sample drawn from Seed.
	MaxTears int
	// MaxPoints bounds the points returned (before Downs multiplies them);
	// 0 means no bound. Past it, an evenly spaced selection is kept, so a
	// bounded exploration still reaches the end of the scenario.
	MaxPoints int
	// Seed draws the sampled tears; the same Seed gives the same points.
	Seed uint64
}

// DefaultMaxTears is Exploration.MaxTears's default: every tear of a Sync
// of up to 4 writes.
const DefaultMaxTears = 15

// CrashPoints lists the crash points of a run whose Syncs were recorded:
// for each Sync of each chosen node, in the run's order, its boundary and
// then its tears, each with every Down. The list is a pure function of
// syncs and x: a test can number the points and name one by its index.
func CrashPoints(syncs []SyncRecord, x Exploration) []CrashPoint {
	var base []CrashPoint
	for _, r := range syncs {
		if len(x.Nodes) > 0 && !slices.Contains(x.Nodes, r.Node) {
			continue
		}
		base = append(base, CrashPoint{Node: r.Node, Sync: r.Sync})
		if x.NoTears || r.Writes == 0 {
			continue
		}
		for _, keep := range tears(r, x) {
			base = append(base, CrashPoint{Node: r.Node, Sync: r.Sync, Torn: true, Keep: keep})
		}
	}
	if x.MaxPoints > 0 && len(base) > x.MaxPoints {
		kept := make([]CrashPoint, x.MaxPoints)
		for i := range kept {
			kept[i] = base[i*len(base)/x.MaxPoints]
		}
		base = kept
	}
	downs := x.Downs
	if len(downs) == 0 {
		downs = []time.Duration{0}
	}
	out := make([]CrashPoint, 0, len(base)*len(downs))
	for _, p := range base {
		for _, d := range downs {
			p.Down = faults.Duration(d)
			out = append(out, p)
		}
	}
	return out
}

// tears lists the Keep masks of a Sync's torn versions: every mask but the
// full one when there are at most x.MaxTears, else "nothing kept", each
// proper prefix kept, each single write lost, and a sample.
func tears(r SyncRecord, x Exploration) []uint64 {
	w := min(r.Writes, 64)
	maxTears := x.MaxTears
	if maxTears <= 0 {
		maxTears = DefaultMaxTears
	}
	full := ^uint64(0) >> (64 - w)
	if w < 63 && 1<<w-1 <= maxTears {
		out := make([]uint64, 0, 1<<w-1)
		for m := range full {
			out = append(out, m)
		}
		return out
	}
	seen := map[uint64]bool{}
	var out []uint64
	add := func(m uint64) {
		if m != full && !seen[m] && len(out) < maxTears {
			seen[m] = true
			out = append(out, m)
		}
	}
	for i := range w {
		add(full >> (w - i)) // the first i writes kept
	}
	for i := range w {
		add(full &^ (1 << i)) // write i lost
	}
	rng := rand.New(rand.NewPCG(x.Seed, uint64(r.Node)<<32|uint64(r.Sync)))
	for tries := 0; len(out) < maxTears && tries < 4*maxTears; tries++ {
		add(rng.Uint64() & full)
	}
	return out
}
