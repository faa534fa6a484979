package suite

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/labs/node"
)

type greeter interface{ Greet() string }

type english struct{}

func (english) Greet() string { return "hello" }

func TestImplAs(t *testing.T) {
	for _, tc := range []struct {
		name string
		impl any
		want string // the greeting, or "" when the run must fail
		msg  string
	}{
		{"the wanted interface", english{}, "hello", ""},
		{"another type", 42, "", "plumbing-lab: the implementation under test is a int; the lab wants a suite.greeter"},
		{"nothing", nil, "", "the implementation under test is a <nil>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			lab := &Lab{Name: "plumbing-lab"}
			test := &Test{Name: "T", Run: func(t *T) { got = ImplAs[greeter](t).Greet() }}
			o := NewT(Options{Lab: lab, Test: test, Impl: tc.impl}).Run()
			assert.Equal(t, tc.want, got)
			if tc.msg == "" {
				assert.True(t, o.Passed(), o.Describe())
				return
			}
			require.NotNil(t, o.Failure)
			assert.Contains(t, o.Failure.Msg, tc.msg)
		})
	}
}

func TestFirstViolationKeepsTheFirst(t *testing.T) {
	var f FirstViolation
	require.False(t, f.Found())
	require.NoError(t, f.Err(), "an empty recorder is an untyped nil error")
	f.Record([]node.ID{2}, "n%d applied %q twice", 2, "x")
	f.Record([]node.ID{3}, "a later violation")
	require.True(t, f.Found())
	var v *Violation
	require.ErrorAs(t, f.Err(), &v)
	assert.Equal(t, []node.ID{2}, v.Nodes)
	assert.Equal(t, `n2 applied "x" twice`, fmt.Sprint(f.Err()))
}
