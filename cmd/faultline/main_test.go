package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestHelpAndUnknownCommands(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"help", []string{"--help"}, 0, "Commands:", ""},
		{"help lists site", []string{"help"}, 0, "site", ""},
		{"command help", []string{"site", "--help"}, 0, "Usage: faultline site", ""},
		{"help command", []string{"help", "site"}, 0, "Usage: faultline site", ""},
		{"version", []string{"--version"}, 0, "faultline " + version, ""},
		{"unknown", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"suggestion", []string{"sit"}, 2, "", "Did you mean 'faultline site'?"},
		{"bad site args", []string{"site", "publish"}, 2, "", "want 'build' or 'serve'"},
		{"bad flag", []string{"site", "build", "--nope"}, 2, "", "flag provided but not defined: -nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.out)
			assert.Contains(t, errOut, tc.err)
		})
	}
}
