package pingponglab

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/faultline-dev/faultline/grader/labtest"
	grader "github.com/faultline-dev/faultline/grader/run"
)

// TestCalibration re-derives the tests' limits from the reference over
// the seeds of -lab.sweep (1,000 or more): every request done by a time
// that is five times the reference's worst case (room for a retransmission
// timer up to five times the reference's 100 ms), and at most twice the
// messages a request of its worst case sent (room for a timer half as
// long, still longer than a round trip). It fails where a limit leaves
// less than that:
//
//	go test ./labs/pingpong/pingponglab -run TestCalibration -lab.sweep 1000 -v
func TestCalibration(t *testing.T) {
	n := 0
	if f := flag.Lookup("lab.sweep"); f != nil {
		n, _ = strconv.Atoi(f.Value.String())
	}
	if n < 1000 {
		t.Skip("set -lab.sweep=N (N ≥ 1000) to re-derive the limits over N seeds")
	}
	factor := map[string]float64{"done by (s)": doneByFactor, "messages per request": budgetFactor}
	var lines []string
	for i := range Lab.Tests {
		test := &Lab.Tests[i]
		worst := map[string]figure{}
		for i := range n {
			seed := grader.SeedFor(Lab.Name, test.Name, i)
			var h *harness
			harnessHook = func(got *harness) { h = got }
			o := labtest.RunOne(Lab, test, Lab.Solution, "solution", seed, nil)
			harnessHook = nil
			if !assert.True(t, o.Passed(), "%s seed %d: %s", test.Name, seed, o.Describe()) {
				continue
			}
			for _, f := range h.figs {
				if w, ok := worst[f.name]; !ok || f.value > w.value {
					worst[f.name] = f
				}
			}
		}
		for _, name := range []string{"done by (s)", "messages per request"} {
			w := worst[name]
			f := factor[name]
			if test.Name == "MessageBudget" && name == "messages per request" {
				f = 1 // exact by design: a request and an ack each
			}
			lines = append(lines, fmt.Sprintf("  %-14s %-22s worst %7.3f  limit %7.3f  derived %7.3f", test.Name, name, w.value, w.bound, w.value*f))
			assert.GreaterOrEqual(t, w.bound+1e-9, w.value*f, "%s: the reference's worst %s is %.3g: the limit %.3g leaves less than ×%g", test.Name, name, w.value, w.bound, f)
		}
	}
	t.Logf("over %d seeds:\n%s", n, strings.Join(lines, "\n"))
}
