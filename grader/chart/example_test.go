package chart_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/series"
)

// A run's set holds each side's series as "side: metric"; ForMetric makes
// the chart of one metric, and Terminal draws it in exactly the rows and
// columns asked for (here with no colours: each line in its own glyph; the
// naive side's • is under the reference's × until 1 s).
func Example() {
	set := series.Set{Marks: []series.Interval{{From: time.Second, To: 2 * time.Second, Label: "slowdown"}}}
	for _, side := range []string{"naive", "reference"} {
		s := series.Series{Name: side + ": goodput", Unit: "calls/s"}
		for i := range 7 {
			v := 30.0
			if i >= 2 && (side == "naive" || i < 4) {
				v = 0
			}
			s.Add(time.Duration(i)*500*time.Millisecond, v)
		}
		set.Series = append(set.Series, s)
	}
	c, err := chart.ForMetric(set, "goodput")
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(chart.Terminal(c, 48, 9, chart.Styles{}), "\n") {
		fmt.Println(strings.TrimRight(line, " "))
	}
	// Output:
	// goodput (calls/s)
	// 40┤               ┊             ┊
	//   │×××××××××      ┊            ×××××××××××××××××
	// 20┤         ××    ┊          ×× ┊
	//   │           ××× ┊        ××   ┊
	//  0┤              ××××××××××•••••••••••••••••••••
	//   └┬──────────────┯━━━━━━━━━━━━━┯──────────────┬
	//   0s             1s            2s             3s
	// • naive  × reference  ┊━┊ slowdown 1s–2s
}
