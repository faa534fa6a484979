package suite

import (
	"encoding/json"
	"testing"

	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/stretchr/testify/assert"
)

func TestLabeler(t *testing.T) {
	Register(&Lab{Name: "label-test-lab", Label: func(typ string, _ json.RawMessage) string {
		if typ == "Known" {
			return "lab:" + typ
		}
		return ""
	}})
	RegisterDemo(Demo{Name: "label-test-lab-demo", Lab: "label-test-lab"})
	RegisterDemo(Demo{Name: "label-test-own-demo", Label: func(typ string, _ json.RawMessage) string { return "demo:" + typ }})
	for _, tc := range []struct {
		name string
		head trace.Header
		typ  string
		want string
	}{
		{"graded run of the lab", trace.Header{Lab: "label-test-lab"}, "Known", "lab:Known"},
		{"the lab has nothing better", trace.Header{Lab: "label-test-lab"}, "Other", "Other"},
		{"demo of the lab", trace.Header{Scenario: "label-test-lab-demo"}, "Known", "lab:Known"},
		{"demo with its own labels", trace.Header{Scenario: "label-test-own-demo", Lab: "label-test-lab"}, "Known", "demo:Known"},
		{"unknown lab and demo", trace.Header{Lab: "nope", Scenario: "nope"}, "Known", "Known"},
		{"nothing named", trace.Header{}, "Known", "Known"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Labeler(tc.head)(tc.typ, nil))
		})
	}
}
