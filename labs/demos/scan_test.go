package demos

import "fmt"

func fmtSscanf(line string, arrived, served, good, wasted, dropped, queue *int) (int, error) {
	return fmt.Sscanf(line, "last 200ms: %d arrived, served %d (goodput %d, wasted %d), dropped %d, queue %d",
		arrived, served, good, wasted, dropped, queue)
}
