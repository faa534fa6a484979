package reference

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/labs/shardkv"
)

// bruteMinMoves is the fewest shards any balanced assignment over gids
// must move from before: it tries every choice of which groups get the
// extra shard, and counts the shards that must leave their group.
func bruteMinMoves(before [shardkv.NShards]int, gids []int) int {
	if len(gids) == 0 {
		n := 0
		for _, g := range before {
			if g != 0 {
				n++
			}
		}
		return n
	}
	avg, extra := shardkv.NShards/len(gids), shardkv.NShards%len(gids)
	best := shardkv.NShards + 1
	for mask := 0; mask < 1<<len(gids); mask++ {
		bits := 0
		for i := range gids {
			bits += mask >> i & 1
		}
		if bits != extra {
			continue
		}
		moves, count := 0, map[int]int{}
		for _, g := range before {
			if slices.Contains(gids, g) {
				count[g]++
			} else {
				moves++
			}
		}
		for i, g := range gids {
			moves += max(0, count[g]-avg-(mask>>i&1))
		}
		best = min(best, moves)
	}
	return best
}

// TestRebalanceIsBalancedAndMinimal checks rebalance over random
// sequences of joins and leaves against the brute-force minimum.
func TestRebalanceIsBalancedAndMinimal(t *testing.T) {
	for seed := range uint64(200) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 1))
			var shards [shardkv.NShards]int
			var in []int
			for range 20 {
				g := 100 + r.IntN(12)
				if slices.Contains(in, g) {
					in = slices.DeleteFunc(in, func(x int) bool { return x == g })
				} else {
					in = append(in, g)
				}
				slices.Sort(in)
				next := rebalance(shards, in, Bugs{}, nil)
				moved := 0
				count := map[int]int{}
				for s := range next {
					if next[s] != shards[s] {
						moved++
					}
					count[next[s]]++
				}
				require.Equal(t, bruteMinMoves(shards, in), moved, "groups %v from %v to %v", in, shards, next)
				lo, hi := shardkv.NShards, 0
				for _, g := range in {
					lo, hi = min(lo, count[g]), max(hi, count[g])
				}
				if len(in) > 0 {
					require.LessOrEqual(t, hi-lo, 1, "groups %v: %v", in, next)
					require.Zero(t, count[0], "groups %v: %v", in, next)
				}
				shards = next
			}
		})
	}
}
