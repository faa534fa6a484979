package demos

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLabels(t *testing.T) {
	for _, tc := range []struct {
		name    string
		label   func(string, json.RawMessage) string
		typ     string
		payload string
		want    string
	}{
		{"stamp", stampLabel, "Stamp", `{"Clock":240000000,"Lamport":3}`, "L3 @240ms"},
		{"stamp rounds the clock", stampLabel, "Stamp", `{"Clock":1234567,"Lamport":10}`, "L10 @1ms"},
		{"not a stamp", stampLabel, "Ping", `{"Lamport":3}`, ""},
		{"request attempt", stormLabel, "Req", `{"ID":12,"Attempt":3,"Sent":7000000}`, "Req #12 try 3"},
		{"response", stormLabel, "Resp", `{"ID":12}`, "Resp #12"},
		{"bad payload", stormLabel, "Req", `[1]`, ""},
		{"other type", stormLabel, "Ping", `{"ID":1}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.label(tc.typ, json.RawMessage(tc.payload)))
		})
	}
}
