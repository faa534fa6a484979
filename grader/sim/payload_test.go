package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type inner struct{ N int }

// loud's methods must never run when a trace renders it.
type loud struct {
	Term  int `json:"term"`
	Skip  int `json:"-"`
	Next  *inner
	Nil   *inner
	quiet string
	Data  []byte
	Set   map[int]bool
}

func (loud) MarshalJSON() ([]byte, error) { panic("payload called MarshalJSON") }
func (loud) String() string               { panic("payload called String") }

func TestPayloadRendersWithoutCallingMethodsOrAddresses(t *testing.T) {
	v := loud{Term: 3, Skip: 9, Next: &inner{N: 7}, quiet: "q", Data: []byte("hi"), Set: map[int]bool{2: true, 1: false}}
	got := string(payload(v))
	assert.Equal(t, `{"Data":"aGk=","Next":{"N":7},"Nil":null,"Set":{"1":false,"2":true},"quiet":"q","term":3}`, got)
	assert.Equal(t, got, string(payload(v)), "the same value renders the same bytes")
	assert.Equal(t, `"(func())"`, string(payload(func() {})))
}
