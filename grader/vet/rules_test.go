package vet

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRules runs Check on one folder of testdata/src per rule and compares
// every finding, by file:line and message, with what the rule must say.
// Every folder also holds the allowed forms beside the refused ones, so a
// rule that refuses too much fails here too (the count of findings is
// exact).
func TestRules(t *testing.T) {
	raft := Rules{Platform: []string{Module + "/labs/raft"}}
	for _, tc := range []struct {
		dir   string // under testdata/src
		rules Rules
		want  []string // "file.go:line: part of the message"
	}{
		// 1. One file set, one environment.
		{"rules/gobuild", raft, []string{
			"gobuild.go:4: //go:build line: build constraints are not allowed in lab code: the rule check must see exactly the files that are compiled",
			// The file escapes the build, not the rules: its imports are checked.
			`gobuild.go:8: import "os" is not allowed in lab code`,
		}},
		{"rules/plusbuild", raft, []string{
			"plusbuild.go:1: //go:build line: build constraints are not allowed",
			"plusbuild.go:2: // +build line: build constraints are not allowed",
		}},
		{"rules/osarch", raft, []string{
			"name_amd64.go:1: file name name_amd64.go has a GOOS or GOARCH suffix, which is a build constraint: build constraints are not allowed",
			"name_windows.go:1: file name name_windows.go has a GOOS or GOARCH suffix",
		}},
		// cgo is off in the build, so the file is also left out: one finding.
		{"rules/cgo", raft, []string{`cgo.go:3: cgo (import "C") is not allowed`}},
		{"rules/linedirective", raft, []string{"linedirective.go:3: //line directives are not allowed in lab code"}},
		{"rules/othersource", raft, []string{"escape.s:1: escape.s is assembly: lab code is Go only"}},
		// 2. No shared memory but the network.
		{"rules/assignsentinel", raft, []string{
			"assignsentinel.go:8: assignment to package-level variable assignsentinel.ErrGone: every node and every run shares it",
			"assignsentinel.go:9: assignment to package-level variable assignsentinel.ErrGone",
		}},
		{"rules/assignimported", raft, []string{
			"assignimported.go:9: assignment to package-level variable errors.ErrUnsupported",
			"assignimported.go:10: assignment to package-level variable unicode.Upper",
			"assignimported.go:11: assignment to package-level variable unicode.Upper",
			"assignimported.go:12: assignment to package-level variable unicode.Lower",
		}},
		{"rules/incdec", raft, []string{
			"incdec.go:3: package-level variable total is not allowed",
			"incdec.go:6: ++ of package-level variable incdec.total",
			"incdec.go:7: assignment to package-level variable incdec.total",
		}},
		{"rules/address", raft, []string{
			"address.go:11: taking the address of package-level variable errors.ErrUnsupported",
			"address.go:11: taking the address of package-level variable address.ErrMine",
			"address.go:11: taking the address of package-level variable strconv.ErrRange",
		}},
		{"rules/pointermethod", raft, []string{
			"pointermethod.go:9: package-level variable c is not allowed",
			"pointermethod.go:12: calling a pointer method inc (which takes the address) of package-level variable pointermethod.c",
			"pointermethod.go:13: calling a pointer method inc (which takes the address) of package-level variable pointermethod.c",
		}},
		{"rules/reads", raft, []string{
			"reads.go:18: reading unicode.Upper shares it: it is one *unicode.RangeTable for every node and every run",
			"reads.go:20: reading unicode.Upper shares it",
			"reads.go:21: time.Local is the machine's time zone",
		}},
		{"rules/initializers", raft, []string{
			"initializers.go:18: package-level initializer runs code when the program starts, outside any run: a blank var may hold only a compile-time check",
			"initializers.go:19: package-level initializer runs code when the program starts",
			"initializers.go:20: package-level initializer runs code when the program starts",
			"initializers.go:21: package-level initializer runs code when the program starts, outside any run: only errors.New or fmt.Errorf sentinels",
		}},
		{"rules/sentinels", raft, []string{
			"sentinels.go:18: package-level variable ErrD is not allowed",
			"sentinels.go:19: package-level variable ErrE is not allowed",
		}},
		{"rules/overwrite", raft, []string{
			"overwrite.go:13: overwriting a math/rand/v2.Rand in place is not allowed",
			"overwrite.go:14: overwriting a time.Location in place is not allowed",
			"overwrite.go:16: gob.Register changes encoding/gob's registry of types, which every node and every run in the process shares",
		}},
		// 3. A student sub-package is reported although it cannot be loaded.
		{"subpkg", Rules{Module: "example.com/ws"}, []string{
			`subpkg.go:4: import "example.com/ws/raft/helper" is a sub-package of your workspace: lab code is one package, and the grader copies only the lab's folder`,
			`subpkg.go:5: import "workspace/raft/helper" is a sub-package of your workspace`,
		}},
		// The rules that were there before.
		{"rules/goroutine", raft, []string{"goroutine.go:4: go statement: lab code must not start goroutines"}},
		{"rules/channels", raft, []string{
			"channels.go:4: channel type: lab code must not use channels",
			"channels.go:5: channel send",
			"channels.go:6: channel receive",
			"channels.go:7: select statement",
		}},
		{"rules/wallclock", raft, []string{
			"wallclock.go:6: time.Now uses the wall clock: use env.Now() instead",
			"wallclock.go:7: time.Sleep uses the wall clock: use env.SetTimer instead",
		}},
		{"rules/globalrand", raft, []string{"globalrand.go:6: rand.IntN draws from the global random source: use env.Rand().IntN"}},
		{"rules/print", raft, []string{"print.go:4: builtin println writes to the grader's error stream"}},
		{"rules/dotimport", raft, []string{`dotimport.go:3: dot-import of "strings"`}},
		{"linkname", raft, []string{
			`linkname.go:3: import "embed" is not in this lab's allowlist`,
			"linkname.go:5: //go:linkname is not allowed in lab code",
			"linkname.go:8: //go:embed is not allowed in lab code",
			"linkname.go:9: package-level variable self is not allowed",
		}},
		{"rules/initfunc", raft, []string{"initfunc.go:3: func init is not allowed in lab code"}},
		{"rules/packagevar", raft, []string{
			"packagevar.go:3: package-level variable seen is not allowed",
			"packagevar.go:6: package-level variable count is not allowed",
		}},
		{"rules/imports", raft, []string{
			`imports.go:4: import "encoding/xml" is not in this lab's allowlist`,
			`imports.go:5: import "os" is not allowed in lab code: lab code has no files or process`,
			`imports.go:6: import "sync" is not allowed in lab code: handlers never run concurrently`,
			`imports.go:9: import "github.com/faultline-dev/faultline/labs/pingpong" is not allowed: of the platform, this lab's code may import only`,
		}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "src", filepath.FromSlash(tc.dir))
			fs, err := Check(dir, tc.rules)
			require.NoError(t, err)
			var got []string
			for _, f := range fs {
				assert.Equal(t, dir, filepath.Dir(f.File), "a finding names the file inside the folder given to Check")
				got = append(got, f.String())
			}
			require.Len(t, fs, len(tc.want), "findings:\n%s", strings.Join(got, "\n"))
			for i, want := range tc.want {
				where, msg, _ := strings.Cut(want, ": ")
				f := fs[i]
				assert.Equal(t, where, fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line), "finding %d: %s", i, f)
				assert.Contains(t, f.Msg, msg, "finding %d", i)
			}
		})
	}
}
