package pingponglab

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		name, typ, payload, want string
	}{
		{"request", "Request", `{"Seq":3,"Op":"op-3"}`, "Req #3"},
		{"ack", "Ack", `{"Seq":3}`, "Ack #3"},
		{"student request with attempt", "Req", `{"Seq":12,"Attempt":3}`, "Req #12 try 3"},
		{"seq zero is a seq", "RequestMsg", `{"Seq":0}`, "Req #0"},
		{"no seq", "Request", `{"Op":"x"}`, ""},
		{"other type", "Hello", `{"Seq":1}`, ""},
		{"no payload", "Ack", ``, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Label(tc.typ, json.RawMessage(tc.payload)))
		})
	}
}
