package demos

import (
	"encoding/json"
	"fmt"
	"time"
)

// stampLabel labels a clock-skew Stamp with its Lamport value and the
// sender's clock reading: "L3 @240ms".
func stampLabel(typ string, payload json.RawMessage) string {
	var st Stamp
	if typ != "Stamp" || json.Unmarshal(payload, &st) != nil {
		return ""
	}
	return fmt.Sprintf("L%d @%v", st.Lamport, st.Clock.Round(time.Millisecond))
}

// stormLabel labels the retry-storm's messages: "Req #12 try 3" for the
// third attempt of request 12, "Resp #12" for an answer to it.
func stormLabel(typ string, payload json.RawMessage) string {
	switch typ {
	case "Req":
		var r Req
		if json.Unmarshal(payload, &r) == nil {
			return fmt.Sprintf("Req #%d try %d", r.ID, r.Attempt)
		}
	case "Resp":
		var r Resp
		if json.Unmarshal(payload, &r) == nil {
			return fmt.Sprintf("Resp #%d", r.ID)
		}
	}
	return ""
}
