// Package mutants lists buggy variants of the reference shardkv service.
// Each is the reference code (labs/shardkv/internal/ref) with one
// realistic mistake switched on; the lab's suite must fail every one.
package mutants

import (
	"github.com/faultline-dev/faultline/labs/shardkv"
	"github.com/faultline-dev/faultline/labs/shardkv/internal/ref"
)

// Mutant is one buggy implementation.
type Mutant struct {
	Name, Description string
	Impl              shardkv.Impl
}

// All lists the mutants in a fixed order.
var All = []Mutant{
	{"serves-before-data", "a shard coming from another group is served at once, empty, instead of after its data arrived", ref.New(ref.Bugs{ServeBeforeData: true})},
	{"drops-dedup-state", "a migrated shard arrives without its duplicate table, so a retry that crosses the move runs again", ref.New(ref.Bugs{NoDedupForward: true})},
	{"skips-configs", "a group that is behind jumps to the latest configuration instead of applying the next one", ref.New(ref.Bugs{SkipConfigs: true})},
	{"no-wait-migration", "a group moves to the next configuration before its incoming shards arrived, and serves them without their data", ref.New(ref.Bugs{NoWaitMigration: true})},
	{"replica-rebalance", "rebalancing breaks ties with the replica's own random source, so replicas disagree on a configuration", ref.New(ref.Bugs{ReplicaRebalance: true})},
	{"moves-too-many", "rebalancing deals every shard out again round robin: balanced, but most shards move on every join and leave", ref.New(ref.Bugs{MovesTooMany: true})},
	{"leave-to-lowest", "Leave hands the leaving groups' shards to the lowest group instead of rebalancing", ref.New(ref.Bugs{LeaveToLowest: true})},
	{"never-gc", "a group keeps the copies of the shards it gave away forever, so its storage never shrinks", ref.New(ref.Bugs{NeverGC: true})},
	{"deletes-early", "a group deletes a shard it gave away as soon as it sends it, before the new owner has it: if the answer is lost, the shard is gone", ref.New(ref.Bugs{DeleteEarly: true})},
	{"no-ownership-check", "a group executes operations on keys of shards it does not serve", ref.New(ref.Bugs{NoOwnershipCheck: true})},
}
