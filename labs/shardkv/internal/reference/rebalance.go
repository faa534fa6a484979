package reference

import (
	"math/rand/v2"
	"slices"

	"github.com/faultline-dev/faultline/labs/shardkv"
)

// rebalance assigns the shards to gids (sorted) so that group sizes differ
// by at most one, moving as few shards as possible: shards of groups that
// are gone are free; the groups holding most shards keep the extra one
// (ties to the lower GID); groups above their target release their
// highest shards; groups below take the lowest free shards, in order.
// Every replica computes the same result: nothing depends on map order.
func rebalance(shards [shardkv.NShards]int, gids []int, bugs Bugs, rnd *rand.Rand) [shardkv.NShards]int {
	var out [shardkv.NShards]int
	if len(gids) == 0 {
		return out
	}
	if bugs.MovesTooMany {
		for s := range out {
			out[s] = gids[s%len(gids)]
		}
		return out
	}
	out = shards
	count := map[int]int{}
	var free []int
	for s, g := range out {
		if slices.Contains(gids, g) {
			count[g]++
		} else {
			free = append(free, s)
		}
	}
	order := slices.Clone(gids)
	if bugs.ReplicaRebalance && rnd != nil {
		rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		slices.SortStableFunc(order, func(a, b int) int { return count[b] - count[a] })
	} else {
		slices.SortStableFunc(order, func(a, b int) int {
			if count[a] != count[b] {
				return count[b] - count[a]
			}
			return a - b
		})
	}
	avg, extra := shardkv.NShards/len(gids), shardkv.NShards%len(gids)
	target := map[int]int{}
	for i, g := range order {
		target[g] = avg
		if i < extra {
			target[g]++
		}
	}
	for s := shardkv.NShards - 1; s >= 0; s-- {
		if g := out[s]; count[g] > target[g] && slices.Contains(gids, g) {
			count[g]--
			free = append(free, s)
		}
	}
	slices.Sort(free)
	for _, g := range order {
		for count[g] < target[g] {
			out[free[0]] = g
			free = free[1:]
			count[g]++
		}
	}
	return out
}
