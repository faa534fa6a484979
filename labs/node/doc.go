// Package node is the API a student's code programs against.
//
// A node is an event-driven state machine. The simulator calls it for three
// kinds of events, one at a time, never concurrently:
//
//   - Start: the node boots, or reboots after a crash. Everything the node held
//     in memory before the crash is gone; only what it saved to Storage and then
//     Synced survives.
//   - HandleMessage: a message sent by another node has been delivered.
//   - HandleTimer: a timer the node set has fired.
//
// A lab adds its own calls, which the lab's tests make between events: for
// example Raft's Propose(command) and Snapshot(index, data) (labs/raft; the
// paper's Start(command) is named Propose there, because Start is the boot
// event above).
//
// The node acts on the world only through the Env it is given at Start: it sends
// messages, sets and cancels timers, reads its (virtual, possibly skewed) clock,
// draws random numbers from a seeded source, and saves durable state. Lab code
// must not start goroutines, use channels or locks, read the wall clock, use the
// global random source, or touch files and sockets: that is what makes every run
// replayable from its seed.
//
// A minimal node that answers every Ping with a Pong:
//
//	type Ping struct{ Seq int }
//	type Pong struct{ Seq int }
//
//	type echo struct{ env node.Env }
//
//	func (e *echo) Start(env node.Env)  { e.env = env }
//	func (e *echo) HandleTimer(any)     {}
//	func (e *echo) HandleMessage(from node.ID, m node.Message) {
//		if p, ok := m.(Ping); ok {
//			e.env.Send(from, Pong{Seq: p.Seq})
//		}
//	}
//
// Messages are values on a wire: the simulator copies a message when it is sent,
// so changing a slice or map after Send never changes what the receiver gets.
// Prefer plain structs of values; exported fields are shown in traces. A
// message is copied as a tree: a value reached through two pointers arrives
// as two values, and a message that leads back to itself (a doubly linked
// list, a parent pointer) cannot be sent (the Send is recorded as a misuse
// and dropped). A message larger than the run's bound (64 MiB by default)
// stops the run.
//
// Nothing a node receives outlives it or is shared: every incarnation (the
// start and each restart) gets a fresh Env, a fresh random source seeded
// from the run's seed, the node's ID and the incarnation's number, and its
// own copies of its peers and of every configuration value. State can
// survive a crash only through Storage (Save, then Sync), and reach another
// node only as a message.
package node
