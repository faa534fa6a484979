package shardkvlab

import (
	"fmt"
	"slices"

	"github.com/faultline-dev/faultline/labs/shardkv"
)

// checkBalanced says what is wrong with cfg's assignment: a shard on a
// group that is not in the configuration, or group sizes that differ by
// more than one.
func checkBalanced(cfg shardkv.Config) error {
	gids := cfg.GIDs()
	count := map[int]int{}
	for s, g := range cfg.Shards {
		if len(gids) == 0 {
			if g != 0 {
				return fmt.Errorf("unbalanced: configuration %d has no groups but gives shard %d to group %d", cfg.Num, s, g)
			}
			continue
		}
		if !slices.Contains(gids, g) {
			return fmt.Errorf("shard unassigned: configuration %d gives shard %d to group %d, which is not among its groups %v", cfg.Num, s, g, gids)
		}
		count[g]++
	}
	lo, hi := shardkv.NShards, 0
	for _, g := range gids {
		lo, hi = min(lo, count[g]), max(hi, count[g])
	}
	if len(gids) > 0 && hi-lo > 1 {
		return fmt.Errorf("unbalanced: configuration %d gives its groups %v %s shards: sizes must differ by at most one", cfg.Num, gids, describeCounts(gids, count))
	}
	return nil
}

func describeCounts(gids []int, count map[int]int) string {
	s := ""
	for i, g := range gids {
		if i > 0 {
			s += "/"
		}
		s += fmt.Sprint(count[g])
	}
	return s
}

// minMoves is the fewest shards that must change group between a
// configuration with assignment before and a balanced one over gids:
// every shard of a group that is gone, plus each remaining group's excess
// over its target, where the groups holding most shards get the targets
// one above average. It is a bound computed from counts alone, not from
// any rebalancing algorithm.
func minMoves(before [shardkv.NShards]int, gids []int) int {
	if len(gids) == 0 {
		moves := 0
		for _, g := range before {
			if g != 0 {
				moves++
			}
		}
		return moves
	}
	count := map[int]int{}
	moves := 0
	for _, g := range before {
		if slices.Contains(gids, g) {
			count[g]++
		} else {
			moves++
		}
	}
	var cs []int
	for _, g := range gids {
		cs = append(cs, count[g])
	}
	slices.Sort(cs)
	slices.Reverse(cs)
	avg, extra := shardkv.NShards/len(gids), shardkv.NShards%len(gids)
	for i, n := range cs {
		target := avg
		if i < extra {
			target++
		}
		moves += max(0, n-target)
	}
	return moves
}

func moved(a, b [shardkv.NShards]int) int {
	n := 0
	for s := range a {
		if a[s] != b[s] {
			n++
		}
	}
	return n
}
