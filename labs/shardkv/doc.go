// Package shardkv is the interface of the shardkv lab: a key/value
// service whose keys are split into NShards shards, each served by one
// replica group (a Raft group), with a controller (itself a Raft group)
// that decides, in numbered configurations, which group serves which
// shard.
//
// A student writes three constructors, bound into an Impl: NewController
// (a controller replica, speaking CtrlRequest/CtrlReply), NewServer (a
// group server) and NewClerk (a client node the test drives with Submit).
// The lab provides Key2Shard, Config, the controller's messages and
// CtrlClerk, a client of the controller that servers and clerks may use.
//
// A group applies configurations one at a time, in order, through its
// Raft log; a shard that comes to it from another group is served only
// once its data and its duplicate table have arrived (also through the
// log). Once the new owner has installed a shard, the old owner deletes
// its copy, and every group snapshots at ServerConfig.MaxRaftState. The
// suite (shardkvlab) checks every key's history for
// linearizability across reconfigurations, exactly-once execution across
// migration, the controller's balance and minimal movement, that a group
// that gave its shards away deletes them (its storage shrinks), and that
// throughput scales with groups unless one key is hot.
package shardkv
