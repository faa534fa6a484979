// Package shardkvlab is the shardkv lab's suite: the harness that runs a
// controller cluster, replica groups, clerks and an admin node in one
// simulation (harness.go, admin.go), the tests (tests.go), the
// controller's properties (controller.go: balance and minimal movement,
// computed from shard counts alone), the hot-shard measurement
// (hotshards.go, with capacity.go modelling a server's processing rate),
// and the per-key linearizability and exactly-once checks (history.go,
// shared with the kvraft lab through labs/kvraft/kvhistory). The
// reference and the mutants are set in reference.go, the only file of
// the suite that imports them.
package shardkvlab
