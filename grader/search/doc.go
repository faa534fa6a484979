// Package search is faultline's model checker: it explores every order in
// which a small cluster of the student's own nodes can receive its
// messages and fire its timers, with bounded drops, duplicates and
// crash-restarts, and checks invariants in every state it reaches (as
// UW's DSLabs does for Java nodes and Stateright for Rust actors).
//
// A lab describes a search as a Model (grader/search/models holds the
// labs' models):
//
//	m := &search.Model{
//		Nodes:   3,
//		Factory: func(id node.ID, w *search.World) node.Node { return newNode(id) },
//		Ghost:   &observed{},            // what the lab's callbacks record
//		Inputs:  []search.Input{...},    // the lab's calls (Submit, Propose)
//		Bounds:  search.Bounds{Drops: 1, Duplicates: 1, Crashes: 1},
//		Invariants: []search.Invariant{{Name: "one leader per term", Check: ...}},
//		Goals:      []search.Goal{{Name: "a leader is elected", Holds: ...}},
//	}
//	res, err := search.Check(m, search.Options{Strategy: search.BFS, Depth: 12})
//	if res.Violation != nil { fmt.Println(res.Violation) } // the shortest path, with BFS
//
// # States and transitions
//
// A State is every node's state, the messages in flight (a multiset), each
// node's pending timers, clock and storage, the ghost state and the faults
// spent. A transition is one Event: deliver one copy of a message in
// flight, fire a node's next timer, make a node's next input, or, while
// the bounds allow, drop or duplicate a message in flight, or crash a node
// and restart it at once from its synced storage (unsynced writes lost,
// as in the simulator). States are fingerprinted (64-bit hashes of their
// contents) into a visited set; a state seen before is not explored
// again. BFS finds a shortest counterexample; DFS needs memory for one
// path; random walks sample deep paths of spaces too large to exhaust
// (and stop, Saturated, when a thousand walks in a row find no new
// state: the space was smaller than the states bound).
// An input is a call of the lab into a node (a client's Submit), or into
// whichever node satisfies its When (a Propose to the node that leads);
// Observe derives ghost state from the nodes after each event (the
// highest term yet). Invariants are checked in every state, Eventually
// properties in every terminal state (nothing left to happen but faults: a request that can
// never complete), goals record whether some state reached them.
//
// A terminal state is one with no message in flight, no timer pending and
// no input left (an input still waiting for its When counts as left).
//
// Each step copies only the node it runs (a compiled deep copier; see
// copy.go for what it refuses: closures created by the node, channels)
// and rehashes only that node; the other nodes are shared between states.
//
// # Time
//
// There is no global clock. Each node has its own, which starts at 0 and
// moves only when one of its timers fires: to that timer's due time (the
// node's clock when it set the timer plus the duration). Env.Now reads it.
// The semantics of timers is: each node's timers fire in the order of
// their due times on its clock (ties in the order they were set), and any
// node's next timer may fire at any point, before or after any delivery.
// This is DSLabs' rule (a node's timers fire in order of their durations)
// made exact by the per-node clock.
//
// Why it is sound for the labs: the simulator also fires each node's
// timers in due order on that node's clock (a skewed or drifting clock
// changes when, not in which order), and a message may be delayed
// arbitrarily, so every order the checker explores is one a run could
// take, given the right latencies; the labs' safety properties (exactly
// once, one leader per term, log matching) do not depend on timing, so no
// counterexample is spurious. What it cannot find: a bug that needs more
// events than the depth bound, or more faults than the bounds; a bug that
// needs a message to arrive a particular time after a node's last timer
// (a message is delivered at the receiver's current clock, so Now does
// not advance between deliveries); a bug in the relative speed of clocks
// (every interleaving of two nodes' timers is allowed, which is also why
// liveness under timing assumptions, "a leader is elected within 5 s", is
// for random testing, not for the search). Nodes that crash and restart
// restart at once: a long outage is a restart plus dropped messages. A
// crash happens between two handlers, never inside one: a node that sends
// its reply and only then syncs in the same handler (raft's
// syncs-after-replying mutant) looks correct to the search; the
// simulator's crash points find that bug.
//
// # Limits of the state copy
//
// Two pointers to one value are copied as two pointers to one copy, but
// two slices sharing a backing array, or a pointer into the middle of a
// slice or struct, are copied apart. Hashes are 64 bits: two distinct
// states colliding (about 2^-40 for a million states) would hide one, and
// two messages (or timer values) with one fingerprint are one message to
// the search (they are interned by it).
//
// # Shrinking
//
// BFS returns a shortest counterexample. A random walk or a DFS returns
// the path it happened to take; Run shrinks it (Checker.Shrink) as the
// grader shrinks a failing run: it removes chunks of events, halving the
// chunk down to one event, replays each shorter path from the initial
// state (an event no longer enabled is skipped), and keeps it when it
// still breaks the same invariant. Raft's no-up-to-date-check mutant,
// found by a walk after 37 events, is reported in 16.
//
// # Performance
//
// Measured with go test -bench PingPong -benchmem -cpu 1 in
// grader/search/models (the pingpong reference, 2 clients × 2 requests,
// a drop and a duplicate, depth 14, 200,000 unique states); the figures,
// the profile and how they moved are in docs/performance.md, "Model
// checking". A step costs one copy of the node it runs (pingpong's
// reference clones three Go maps: a fifth of the time) and one hash of
// it; a successor seen before hands its memory to the next step. The
// visited set is an open-addressing table of fingerprints (visited.go),
// and the states' networks come from blocks of flights (flightSlab).
//
// # Reductions not made
//
// Partial-order reduction is not done, and the reason is the labs'
// shape. Two deliveries to different nodes commute, but a persistent set
// (Godefroid 1996) must also be independent of everything that can
// happen before it runs: if the search delivers m to n1 first, it must
// be sure no path that leaves m in flight brings n1 another message
// first, and in a cluster where every node's timer makes it send to
// every other, every path can. No set smaller than every enabled event
// is persistent, so a static reduction removes nothing; dynamic POR
// (Flanagan and Godefroid, POPL 2005), which finds the races along each
// path, is stateless DFS, and combining it soundly with a visited set and
// BFS is its own research problem (Yang et al., SPIN 2008). Sleep sets
// alone are sound with a visited set but save transitions, not states.
//
// Symmetry reduction is not done either: the labs' nodes hold their own
// and their peers' IDs, so a permutation would have to rename IDs inside
// student state, and code that compares IDs, indexes a slice by one or
// draws its timeouts from a generator seeded by its ID (as every node's
// Env.Rand is here) is not symmetric at all: merging its mirror images
// would hide the bugs that depend on which node is which.
package search
