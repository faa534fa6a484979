package labtest

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		jobs := make([]int, n)
		for i := range jobs {
			jobs[i] = i
		}
		var (
			mu   sync.Mutex
			seen = map[int]int{}
		)
		Parallel(jobs, func(j int) {
			mu.Lock()
			defer mu.Unlock()
			seen[j]++
		})
		assert.Len(t, seen, n, "every job runs")
		for j, c := range seen {
			assert.Equal(t, 1, c, "job %d runs once", j)
		}
	}
}
