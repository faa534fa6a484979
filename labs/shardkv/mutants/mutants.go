// Package mutants lists buggy variants of the reference shardkv service.
// Each is the reference code (labs/shardkv/internal/reference) with one
// realistic mistake switched on; the lab's suite must fail every one.
package mutants

import (
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/shardkv/internal/reference"
)

// All lists the mutants in a fixed order; each Impl is a shardkv.Impl.
var All = []suite.Mutant{
	{Name: "serves-before-data", Description: "a shard coming from another group is served at once, empty, instead of after its data arrived", Impl: reference.New(reference.Bugs{ServeBeforeData: true})},
	{Name: "drops-dedup-state", Description: "a migrated shard arrives without its duplicate table, so a retry that crosses the move runs again", Impl: reference.New(reference.Bugs{NoDedupForward: true})},
	{Name: "skips-configs", Description: "a group that is behind jumps to the latest configuration instead of applying the next one", Impl: reference.New(reference.Bugs{SkipConfigs: true})},
	{Name: "no-wait-migration", Description: "a group moves to the next configuration before its incoming shards arrived, and serves them without their data", Impl: reference.New(reference.Bugs{NoWaitMigration: true})},
	{Name: "replica-rebalance", Description: "rebalancing breaks ties with the replica's own random source, so replicas disagree on a configuration", Impl: reference.New(reference.Bugs{ReplicaRebalance: true})},
	{Name: "moves-too-many", Description: "rebalancing deals every shard out again round robin: balanced, but most shards move on every join and leave", Impl: reference.New(reference.Bugs{MovesTooMany: true})},
	{Name: "leave-to-lowest", Description: "Leave hands the leaving groups' shards to the lowest group instead of rebalancing", Impl: reference.New(reference.Bugs{LeaveToLowest: true})},
	{Name: "never-gc", Description: "a group keeps the copies of the shards it gave away forever, so its storage never shrinks", Impl: reference.New(reference.Bugs{NeverGC: true})},
	{Name: "deletes-early", Description: "a group deletes a shard it gave away as soon as it sends it, before the new owner has it: if the answer is lost, the shard is gone", Impl: reference.New(reference.Bugs{DeleteEarly: true})},
	{Name: "snapshot-drops-outgoing", Description: "a group's snapshot leaves out the shards it gave away and still holds for their new owner: restarted from it, the group has lost them", Impl: reference.New(reference.Bugs{OutNotInSnapshot: true})},
	{Name: "no-leader-noop", Description: "a new group leader proposes nothing of its own term, so an installation its predecessor committed may never commit for it: the group waits for the shard forever", Impl: reference.New(reference.Bugs{NoLeaderNoOp: true})},
	{Name: "config-saved-apart", Description: "a group saves its configuration in a key of its own, synced just before each snapshot, and at restart takes it when newer: a crash between the two Syncs leaves a configuration newer than the shards", Impl: reference.New(reference.Bugs{ConfigSavedApart: true})},
	{Name: "no-ownership-check", Description: "a group executes operations on keys of shards it does not serve", Impl: reference.New(reference.Bugs{NoOwnershipCheck: true})},
}
