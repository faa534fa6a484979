package viewer

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/stretchr/testify/assert"
)

func init() {
	// A lab whose labels the arrows show: RequestVote becomes "RV t<term>".
	suite.Register(&suite.Lab{Name: "viewer-label-test", Label: func(typ string, payload json.RawMessage) string {
		var p struct{ Term int }
		if typ != "RequestVote" || json.Unmarshal(payload, &p) != nil {
			return ""
		}
		return fmt.Sprintf("RV t%d", p.Term)
	}})
}

// TestArrowLabels checks that arrows show the lab's short label, computed
// from the send record's payload, and the type name when the lab has none.
// Send marks and the details pane keep the type name. It checks the arrow
// rows rather than a golden of the whole screen, so that the footer and
// help can change without touching it.
func TestArrowLabels(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lab      string
		keys     []string
		has, not []string
	}{
		{"lab labels", "viewer-label-test", []string{"x"}, []string{"╌RV t1 ✗ loss╌", "─RV t1─", "─Vote─"}, []string{"─RequestVote", "╌RequestVote"}},
		{"no lab: type names", "", []string{"x"}, []string{"╌RequestVote ✗ loss╌", "─Vote─"}, []string{"RV t1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf := fixture()
			buf.Head.Lab = tc.lab
			m := New(buf, "fixture", true)
			m.SetSize(120, 40)
			view := keys(m, tc.keys...).View()
			for _, s := range tc.has {
				assert.Contains(t, view, s)
			}
			for _, s := range tc.not {
				assert.NotContains(t, view, s)
			}
		})
	}
}
