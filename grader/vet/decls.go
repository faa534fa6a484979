package vet

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// checkDecls reports package-level state, init functions and package-level
// initializers that run code. Every node of a run, and every run in a
// runner process, shares the package's variables: state kept there leaks
// between nodes (a message no network carried) and between runs (a run
// that no seed replays). And an initializer that calls a function runs
// student code when the runner starts, outside any run: nothing bounds or
// blames what it does.
//
// Two forms stay, because they hold no state and run no student code:
//
//   - a sentinel error, `var ErrX = errors.New("...")` or
//     `fmt.Errorf("...: %w", ErrY)`, whose arguments are constants of a
//     basic type or other sentinel errors (fmt would call the String or
//     Error method of any other value, at init);
//   - a compile-time check, `var _ I = (*T)(nil)` or `var _ I = T{}`, with
//     no call in it but conversions and new.
//
// checkShared, in shared.go, then keeps those sentinels from being written
// or addressed.
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
				checkVarSpec(pass, spec.(*ast.ValueSpec))
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

func checkVarSpec(pass *analysis.Pass, vs *ast.ValueSpec) {
	if len(vs.Values) != 0 && len(vs.Values) != len(vs.Names) {
		// var a, b = f(): one call gives every name its value.
		pass.Reportf(vs.Values[0].Pos(), "package-level initializer runs code when the program starts, outside any run: only errors.New or fmt.Errorf sentinels and compile-time checks such as var _ I = (*T)(nil) may initialize package-level names")
		return
	}
	for i, name := range vs.Names {
		var value ast.Expr
		if i < len(vs.Values) {
			value = vs.Values[i]
		}
		if name.Name == "_" {
			if value != nil && !inert(pass, value) {
				pass.Reportf(value.Pos(), "package-level initializer runs code when the program starts, outside any run: a blank var may hold only a compile-time check such as var _ I = (*T)(nil), with no call or func literal in it")
			}
			continue
		}
		if value != nil && sentinelError(pass, value) {
			continue
		}
		pass.Reportf(name.Pos(), "package-level variable %s is not allowed: every node and every run shares it, so nodes could talk without the network and runs would not replay; keep state in your node's struct (a constant or a function returning a fresh value works for tables; errors.New sentinels are fine)", name.Name)
	}
}

// inert reports whether evaluating e runs no code: it holds no call other
// than a type conversion or new(T), and no func literal.
func inert(pass *analysis.Pass, e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ok = false
		case *ast.CallExpr:
			if tv, found := pass.TypesInfo.Types[n.Fun]; found && tv.IsType() {
				return true // a conversion
			}
			if id, isID := ast.Unparen(n.Fun).(*ast.Ident); isID {
				if b, isB := pass.TypesInfo.Uses[id].(*types.Builtin); isB && b.Name() == "new" {
					return true
				}
			}
			ok = false
		}
		return ok
	})
	return ok
}

// sentinelError reports whether e is errors.New(...) or fmt.Errorf(...)
// with constant or sentinel arguments only.
func sentinelError(pass *analysis.Pass, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || call.Ellipsis.IsValid() {
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
	if !(fn.Pkg().Path() == "errors" && fn.Name() == "New" || fn.Pkg().Path() == "fmt" && fn.Name() == "Errorf") {
		return false
	}
	for _, arg := range call.Args {
		if !constantArg(pass, arg) && !sentinelVar(pass, arg) {
			return false
		}
	}
	return true
}

// constantArg reports whether arg is a constant of a basic type: fmt
// formats it without calling any method.
func constantArg(pass *analysis.Pass, arg ast.Expr) bool {
	tv, ok := pass.TypesInfo.Types[arg]
	if !ok || tv.Value == nil {
		return false
	}
	_, basic := tv.Type.(*types.Basic)
	return basic
}

// sentinelVar reports whether arg names a package-level variable of type
// error (its own package's sentinels, whose initializers this check
// limits, or an imported one such as io.EOF).
func sentinelVar(pass *analysis.Pass, arg ast.Expr) bool {
	v := packageVar(pass, ast.Unparen(arg))
	return v != nil && isErrorType(v.Type())
}
