package search

import "github.com/faultline-dev/faultline/labs/node"

// Model is what the checker explores: a cluster of the student's nodes, the
// lab's calls into them, the faults allowed, and the properties to check.
// Only Nodes and Factory are required.
type Model struct {
	// Name names the model in errors and traces ("pingpong exactly once").
	Name string
	// Nodes is the number of nodes, n1..nNodes.
	Nodes int
	// Factory builds node id, at the start and at every restart. w reaches
	// the ghost state of the state being explored: a lab's callbacks (a
	// client's done, Raft's apply) record what they observe there, never
	// in variables of their own, because the checker steps many states.
	Factory func(id node.ID, w *World) node.Node

	// Ghost is the initial ghost state: what the lab observes about a run
	// (requests executed, entries applied), a pointer to a value the
	// checker can copy. It is copied and hashed with every state, and
	// World.Ghost returns the copy of the state being explored. nil: none.
	Ghost any

	// Observe, when not nil, is called on every new state and returns its
	// ghost state updated with what the lab derives from the nodes (the
	// highest term yet, for Raft), or nil when nothing changed. It must
	// not change s nor the ghost it holds: it returns a new one.
	Observe func(s *State) any

	// Inputs are the lab's calls into the nodes (a client's Submit, a
	// Propose), each a transition of the search. A node's inputs happen
	// in the order listed, and so do the inputs of any node (Node 0);
	// the sequences interleave freely.
	Inputs []Input

	// Bounds limit the faults along one path.
	Bounds Bounds

	// Invariants must hold in every state; the first violated one stops
	// the search with a counterexample.
	Invariants []Invariant
	// Goals should be reached by some path (Stateright's "sometimes"); a
	// goal no state reached is reported, which shows the bounds were too
	// tight to prove anything about the states that matter.
	Goals []Goal
	// Eventually must hold in every terminal state: one where nothing can
	// happen but faults (no message in flight, no timer pending, no input
	// left). It finds a request that can never complete (a client that
	// never retransmits, after one drop) without a notion of time; a state
	// at the depth bound is not terminal.
	Eventually []Invariant
	// Prunes cut the search: a state a prune matches is checked but its
	// successors are not explored.
	Prunes []Goal
	// StopAtGoals stops the search once every goal has been reached (a
	// search for an example rather than a proof).
	StopAtGoals bool

	// MaxCallsPerHandler stops a handler that calls its Env this many
	// times (a loop without end); 0 means a million, as in the simulator.
	MaxCallsPerHandler int
}

// Bounds limit the faults along one path of the search. The zero Bounds
// explores every order of delivery and timer firing with no fault.
type Bounds struct {
	// Drops is how many messages one path may lose.
	Drops int
	// Duplicates is how many messages one path may duplicate.
	Duplicates int
	// Crashes is how many crash-and-restarts one path may have; a crashed
	// node restarts at once from its synced storage.
	Crashes int
	// Crashable lists the nodes that may crash; nil means every node.
	Crashable []node.ID
}

// Input is one call from the lab into a node.
type Input struct {
	// Node is the node called. 0 means any node for which When holds (a
	// proposal to whichever node leads): such inputs are made in the
	// order listed, each at one node.
	Node node.ID
	// When says whether the input may be made at node id in s (for an
	// input of any node, at which nodes); nil means always. A node's
	// next input waits until it holds (a clerk's next request waits for
	// the previous one's reply).
	When func(s *State, id node.ID) bool
	// Name is the call as traces show it: `Submit(1, "x")`.
	Name string
	// Call makes the call; w reaches the ghost state (to record what was
	// submitted).
	Call func(n node.Node, w *World)
}

// Invariant is a property of every state ("always").
type Invariant struct {
	Name string
	// Check returns nil when s satisfies the invariant, or an error saying
	// what is wrong. It must not change s (nor any node in it).
	Check func(s *State) error
}

// Goal is a property of a state: a goal of the search ("sometimes"), or a
// prune.
type Goal struct {
	Name string
	// Holds reports whether s has the property. It must not change s.
	Holds func(s *State) bool
}

// Strategy is how the state graph is explored.
type Strategy int

const (
	// BFS explores states in order of depth: the first violation found
	// has a shortest path.
	BFS Strategy = iota
	// DFS explores depth first up to Options.Depth; it needs memory for
	// one path only (plus the visited set).
	DFS
	// Walk runs random walks of up to Options.Depth steps from the
	// initial state, seeded by Options.Seed: for spaces too large to
	// exhaust, it samples deep states that BFS would not reach.
	Walk
)

func (s Strategy) String() string {
	switch s {
	case BFS:
		return "bfs"
	case DFS:
		return "dfs"
	case Walk:
		return "walk"
	}
	return "strategy?"
}

// Options bound one search.
type Options struct {
	Strategy Strategy
	// Depth is the longest path explored; 0 means no bound (BFS), 30 (DFS,
	// Walk).
	Depth int
	// States stops the search after this many unique states; 0 means a
	// million.
	States int
	// Walks is how many random walks Walk runs; 0 means until States.
	Walks int
	// Seed seeds the random walks.
	Seed uint64
	// Progress, when not nil, is called every ProgressEvery unique states
	// and at the end.
	Progress func(Stats)
	// ProgressEvery is how often Progress is called; 0 means 1<<16.
	ProgressEvery int
	// NoShrink keeps the path a DFS or a random walk found as it is
	// (Checker.Shrink removes the events the violation does not need).
	NoShrink bool
	// Stop, when not nil, is polled with Progress; when it returns true
	// the search stops and keeps what it found (Ctrl-C in the CLI).
	Stop func() bool
}

// Stats counts a search's work.
type Stats struct {
	States   int // states generated (transitions taken)
	Unique   int // states new to the visited set
	Depth    int // the deepest state reached
	Frontier int // states waiting to be explored (BFS)
}
