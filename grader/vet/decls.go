package vet

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// checkDecls reports package-level state and init functions. Every node of
// a run, and every run in a runner process, shares the package's
// variables: state kept there leaks between nodes (a message no network
// carried) and between runs (a run that no seed replays). Two forms are
// allowed because they hold no state: `var _ I = (*T)(nil)`, a compile-time
// check, and sentinel errors made with errors.New or fmt.Errorf.
func checkDecls(pass *analysis.Pass, f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == "init" {
				pass.Reportf(d.Pos(), "func init is not allowed in lab code: it runs once per process, outside any run (set things up in Start)")
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, spec := range d.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if name.Name == "_" {
						continue
					}
					if i < len(vs.Values) && sentinelError(pass, vs.Values[i]) {
						continue
					}
					pass.Reportf(name.Pos(), "package-level variable %s is not allowed: every node and every run shares it, so nodes could talk without the network and runs would not replay; keep state in your node's struct (a constant or a function returning a fresh value works for tables)", name.Name)
				}
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); ok {
			if b, ok := pass.TypesInfo.Uses[id].(*types.Builtin); ok && (b.Name() == "print" || b.Name() == "println") {
				pass.Reportf(call.Pos(), "builtin %s writes to the grader's error stream: use env.Logf (it goes in the trace) or fmt.Println (shown as your output)", b.Name())
			}
		}
		return true
	})
}

// sentinelError reports whether e is errors.New(...) or fmt.Errorf(...).
func sentinelError(pass *analysis.Pass, e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	fn, ok := pass.TypesInfo.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return false
	}
	return fn.Pkg().Path() == "errors" && fn.Name() == "New" || fn.Pkg().Path() == "fmt" && fn.Name() == "Errorf"
}
