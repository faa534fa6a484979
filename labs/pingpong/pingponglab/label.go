package pingponglab

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Label gives a pingpong message its short label: "Req #3" for a request
// with sequence number 3 and "Ack #3" for its acknowledgement, with
// " try N" when the message carries an attempt number. Students name their
// own types; any type whose name contains "req" or "ack" and whose payload
// has a Seq field is labelled.
func Label(typ string, payload json.RawMessage) string {
	var f struct {
		Seq     *int
		Attempt int
		Try     int
	}
	if len(payload) == 0 || json.Unmarshal(payload, &f) != nil || f.Seq == nil {
		return ""
	}
	name := strings.ToLower(typ)
	var s string
	switch {
	case strings.Contains(name, "ack"):
		s = fmt.Sprintf("Ack #%d", *f.Seq)
	case strings.Contains(name, "req"):
		s = fmt.Sprintf("Req #%d", *f.Seq)
	default:
		return ""
	}
	if n := max(f.Attempt, f.Try); n > 0 {
		s += fmt.Sprintf(" try %d", n)
	}
	return s
}
