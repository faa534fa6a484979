package queuelab_test

import (
	"fmt"

	"github.com/faultline-dev/faultline/labs/queue"
	"github.com/faultline-dev/faultline/labs/queue/queuelab"
)

// The classic curve of an overloaded server: goodput against offered load,
// for the reference and for an unbounded FIFO that never looks at
// deadlines. Past capacity the FIFO does as much work as ever, but almost
// all of it finishes after its client has given up.
func ExampleGoodputCurve() {
	ref, _ := queuelab.Lab.Impl("solution")
	naive, _ := queuelab.Lab.Impl("mutant:naive-fifo")
	loads := []float64{0.5, 1, 2, 5}
	refCurve, _ := queuelab.GoodputCurve(ref.(queue.Factory), 1, loads)
	fifoCurve, _ := queuelab.GoodputCurve(naive.(queue.Factory), 1, loads)
	for i, load := range loads {
		fmt.Printf("%g× load: reference %.2f, naive FIFO %.2f of capacity\n", load, refCurve.Points[i].V, fifoCurve.Points[i].V)
	}
	// Output:
	// 0.5× load: reference 0.49, naive FIFO 0.49 of capacity
	// 1× load: reference 0.91, naive FIFO 0.96 of capacity
	// 2× load: reference 1.03, naive FIFO 0.07 of capacity
	// 5× load: reference 1.02, naive FIFO 0.02 of capacity
}
