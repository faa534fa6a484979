// Package reference is the reference shardkv service, parameterized by
// Bugs so that each mutant of the lab is the same code with one mistake
// switched on. The zero Bugs is the reference solution, which the lab's
// suite (shardkvlab/reference.go) grades as its Solution.
//
// controller.go is the controller (a Raft-replicated list of
// configurations, rebalanced by rebalance.go); server.go is a group
// server (a Raft-replicated set of shards that applies configurations one
// at a time and pulls incoming shards, with their duplicate tables, from
// their previous owners, then asks them to delete their copies, and
// snapshots at MaxRaftState); clerk.go is the client.
package reference

// Bugs switches on one realistic mistake per field. The zero Bugs is the
// reference.
type Bugs struct {
	ServeBeforeData  bool // a shard coming from another group is served at once, before its data arrived
	NoDedupForward   bool // a migrated shard arrives without its duplicate table
	SkipConfigs      bool // a group behind jumps to the latest configuration instead of the next one
	NoWaitMigration  bool // a group moves to the next configuration before its incoming shards arrived
	ReplicaRebalance bool // rebalancing breaks ties with the replica's own random source
	MovesTooMany     bool // rebalancing deals every shard out again, round robin
	LeaveToLowest    bool // Leave hands the leaving groups' shards to the lowest group, unbalanced
	NoOwnershipCheck bool // a group executes operations on keys of shards it does not serve
	NeverGC          bool // a group keeps the copies of shards it gave away forever
	DeleteEarly      bool // a group deletes a shard it gave away as soon as it sends it, before the new owner has it
	OutNotInSnapshot bool // a group's snapshot leaves out the shards it gave away and still holds for their new owner
	NoLeaderNoOp     bool // a new group leader proposes nothing of its own term, so its predecessor's entries may never commit
	// ConfigSavedApart: a group saves its configuration and shard statuses
	// in a key of its own, synced just before each snapshot, and at restart
	// takes them from that key when it is newer than the snapshot. Only a
	// crash between the key's Sync and the snapshot's (or a torn snapshot)
	// leaves the key newer: the group then holds a configuration newer than
	// its shards, and replaying the log skips the installations between.
	ConfigSavedApart bool
}
