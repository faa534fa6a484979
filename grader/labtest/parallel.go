package labtest

import (
	"runtime"
	"sync"
)

// Parallel calls run once for each job, on every core (GOMAXPROCS
// goroutines), and returns when all have returned. A calibration runs
// thousands of independent (test, design, seed) runs this way; run folds
// each result into shared state under its own lock. Jobs are handed out in
// order, so the first jobs start first.
func Parallel[J any](jobs []J, run func(J)) {
	next := make(chan J)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				run(j)
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}
