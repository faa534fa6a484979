package sim

import (
	"reflect"
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

// TestPayloadsAreBounded: a value with shared or cyclic parts, or a huge
// one, renders in bounded time and space, the same way every time.
func TestPayloadsAreBounded(t *testing.T) {
	self := &wide{}
	sv := reflect.ValueOf(self).Elem()
	for i := range sv.NumField() {
		sv.Field(i).Set(reflect.ValueOf(self))
	}
	m := map[int]*wide{}
	for i := range 40 {
		m[i] = chain(3)
	}
	for _, tc := range []struct {
		name string
		v    any
		most int
	}{
		{"30 pointers to itself", self, 2 << 20},
		{"30^6 paths through shared memory", chain(6), 2 << 20},
		{"a long slice", make([]int, 1<<20), 2 * renderBudget * 8},
		{"a large byte slice", make([]byte, 1<<20), 64},
		{"a map cut short", m, 128},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := payload(tc.v)
			assert.LessOrEqual(t, len(p), tc.most)
			assert.Equal(t, string(p), string(payload(tc.v)), "the same every time")
		})
	}
}
