package suite

import (
	"encoding/json"

	"github.com/faultline-dev/faultline/grader/trace"
)

// LabelFunc gives a message a short label with its key fields, such as
// "RV t2" or "Req #12 try 3", from its Go type name and its payload as a
// trace records it (the send record's data). It returns "" when it has
// nothing better than the type name. It must not depend on anything but
// its arguments: the viewer and the site call it on traces read from files.
type LabelFunc func(typ string, payload json.RawMessage) string

// Labeler returns how to label the messages of a trace with header h: the
// Label of the demo h names, else that of its lab (the demo's or h's). A
// run with no registered labels gets the type names. The result never
// returns "".
func Labeler(h trace.Header) func(typ string, payload json.RawMessage) string {
	var f LabelFunc
	lab := h.Lab
	if h.Scenario != "" {
		if d, err := LookupDemo(h.Scenario); err == nil {
			f = d.Label
			if d.Lab != "" {
				lab = d.Lab
			}
		}
	}
	if f == nil && lab != "" {
		if l, err := Lookup(lab); err == nil {
			f = l.Label
		}
	}
	return func(typ string, payload json.RawMessage) string {
		if f != nil {
			if s := f(typ, payload); s != "" {
				return s
			}
		}
		return typ
	}
}
