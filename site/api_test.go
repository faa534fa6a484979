package site

import (
	"bytes"
	"github.com/faultline-dev/faultline/grader/suite"
	_ "github.com/faultline-dev/faultline/labs/all"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// extractAPI prints the exported type declarations of a Go file, with their
// doc comments: every one in source order, or only the names in want, in
// that order.
func extractAPI(t *testing.T, path string, want []string) []byte {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	require.NoError(t, err)
	decls := map[string][]byte{}
	var names []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, spec := range g.Specs {
			ts := spec.(*ast.TypeSpec)
			if !ts.Name.IsExported() || (want != nil && !slices.Contains(want, ts.Name.Name)) {
				continue
			}
			var b bytes.Buffer
			doc := ts.Doc
			if doc == nil && len(g.Specs) == 1 {
				doc = g.Doc
			}
			if doc != nil {
				for _, c := range doc.List {
					b.WriteString(c.Text + "\n")
				}
			}
			b.WriteString("type ")
			require.NoError(t, printer.Fprint(&b, fset, ts))
			decls[ts.Name.Name] = b.Bytes()
			names = append(names, ts.Name.Name)
		}
	}
	if want != nil {
		names = want // in the order a reader needs them
	}
	var out [][]byte
	for _, n := range names {
		require.Contains(t, decls, n, "%s declares no type %s", path, n)
		out = append(out, decls[n])
	}
	return bytes.Join(out, []byte("\n\n"))
}

// TestAPICopies checks that each api/NAME.go.txt shows the current
// declarations of its source in labs/ (run with -update to rewrite them).
func TestAPICopies(t *testing.T) {
	names := []string{"node"}
	for _, l := range suite.Labs() {
		names = append(names, l.Name) // every lab's page shows its API
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			got := append(extractAPI(t, filepath.Join("..", apiSource(name)), apiTypes[name]), '\n')
			path := filepath.Join("api", name+".go.txt")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./site -run TestAPICopies -update")
			assert.Equal(t, string(want), string(got), "%s is out of date with %s; run go test ./site -run TestAPICopies -update", path, apiSource(name))
		})
	}
}
