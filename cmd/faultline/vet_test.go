package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVetCommand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"clean starter", []string{"vet", "pingpong", "../../labs/pingpong/starter"}, 0, "no problems found", ""},
		{"problems", []string{"vet", "pingpong", "../../grader/vet/testdata/src/bad"}, 1, "bad.go:14:2: go statement", "problem(s) in"},
		{"unknown lab", []string{"vet", "paxos"}, 2, "", `unknown lab "paxos"`},
		{"no args", []string{"vet"}, 2, "", "want a lab name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.out)
			assert.Contains(t, errOut, tc.err)
		})
	}
}
