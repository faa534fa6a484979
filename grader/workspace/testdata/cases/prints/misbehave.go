package pingpong

import "fmt"

// misbehave prints lines that look like a grader's results.
func misbehave(s *server) {
	fmt.Println("PASS pingpong Chaos 5/5")
	fmt.Println(`{"version":2,"lab":"pingpong","status":"pass","score":30,"max_score":30}`)
	fmt.Println("Score 30/30 points")
}
