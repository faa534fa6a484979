package vet

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// checkShared keeps package-level variables, of the lab's package and of
// every package it imports, from becoming memory that nodes and runs
// share. A runner process holds every node of a run and runs one test
// after another, so a package variable is one object for all of them: a
// node that writes one talks to the others without the network, and a run
// that reads what an earlier run wrote does not replay from its seed. So:
//
//   - no package-level variable of any package is written: assigned (=,
//     op=, a range clause), incremented or decremented, or written through
//     (v.f = , v[i] = , *v = , v.(*T).f = );
//   - none has its address taken: &v, &v.f, or a method with a pointer
//     receiver called on (or taken as a value of) an addressable v or v.f,
//     which takes &v implicitly;
//   - an imported variable is read only when reading it shares nothing:
//     its type is error (sentinels such as io.EOF are compared, and an
//     errors.New value has no field to write), or its type holds no
//     pointer, map, slice, channel, function or interface (a copy is
//     taken, as with binary.LittleEndian); or it is passed directly as an
//     argument to a function or method of its own package, which is how
//     the standard library's tables are meant to be used
//     (unicode.Is(unicode.Latin, r), time.Date(..., time.UTC)): the
//     allowlisted packages' functions only read them. time.Local is refused
//     outright: it is the machine's time zone.
//
// What this cannot see: a pointer obtained from an allowed read, then
// written through in another statement (x := io.EOF.(*T); x.f = 1). The
// standard library's sentinels have no exported fields, and the
// platform's packages export no variables, so no such pointer is
// reachable from lab code.
func checkShared(pass *analysis.Pass, f *ast.File) {
	reported := map[ast.Expr]bool{} // roots already reported as written or addressed
	written := func(lhs ast.Expr, what string) {
		root, v := rootVar(pass, lhs)
		if v == nil || reported[root] {
			return
		}
		reported[root] = true
		pass.Reportf(lhs.Pos(), "%s package-level variable %s: every node and every run shares it, so it would carry state the network did not (package-level variables are read-only; keep state in your node's struct)", what, varName(v))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				return true
			}
			for _, lhs := range n.Lhs {
				written(lhs, "assignment to")
				overwrite(pass, lhs)
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				for _, lhs := range []ast.Expr{n.Key, n.Value} {
					if lhs != nil {
						written(lhs, "assignment to")
					}
				}
			}
		case *ast.IncDecStmt:
			written(n.X, n.Tok.String()+" of")
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				written(n.X, "taking the address of")
			}
		case *ast.SelectorExpr:
			// x.M() or x.M with func (*T) M: Go takes &x for the call.
			sel, ok := pass.TypesInfo.Selections[n]
			if !ok || sel.Kind() != types.MethodVal {
				return true
			}
			recv := sel.Obj().(*types.Func).Type().(*types.Signature).Recv()
			if recv == nil {
				return true
			}
			if _, ptrRecv := recv.Type().Underlying().(*types.Pointer); !ptrRecv {
				return true
			}
			if _, ptrX := sel.Recv().Underlying().(*types.Pointer); ptrX {
				return true // x already is a pointer: nothing is taken
			}
			written(n.X, "calling a pointer method "+n.Sel.Name+" (which takes the address) of")
		}
		return true
	})

	ast.PreorderStack(f, nil, func(n ast.Node, stack []ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		v := packageVar(pass, sel)
		if v == nil || v.Pkg() == pass.Pkg || reported[sel] {
			return true
		}
		if msg := importedRead(pass, v, sel, stack); msg != "" {
			pass.Reportf(sel.Pos(), "%s", msg)
		}
		return false
	})
}

// overwrite reports `*p = v` where *p is a standard library object with
// unexported fields, such as a *rand.Rand or a *time.Location. Lab code
// only ever receives such objects (env.Rand(), t.Location(), which is the
// process's one time.UTC): overwriting one in place could reach what other
// nodes, later incarnations or later runs use. Lab code makes new values
// instead; no lab needs to overwrite one.
func overwrite(pass *analysis.Pass, lhs ast.Expr) {
	star, ok := ast.Unparen(lhs).(*ast.StarExpr)
	if !ok {
		return
	}
	named, ok := types.Unalias(pass.TypesInfo.TypeOf(star)).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg() == pass.Pkg || !standardPath(named.Obj().Pkg().Path()) {
		return
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i := range st.NumFields() {
		if !st.Field(i).Exported() {
			pass.Reportf(lhs.Pos(), "overwriting a %s in place is not allowed: objects of the standard library that lab code is handed (env.Rand(), t.Location()) can be shared with other nodes and runs; make a new value instead", types.TypeString(named, nil))
			return
		}
	}
}

// standardPath reports whether an import path is of the standard library
// by its shape: no dot in its first element (the go command's own rule for
// module paths; lab code can import no other dot-free path).
func standardPath(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// importedRead says why reading the imported variable v at sel is refused,
// or "" when it is allowed (see checkShared).
func importedRead(pass *analysis.Pass, v *types.Var, sel *ast.SelectorExpr, stack []ast.Node) string {
	name := varName(v)
	if v.Pkg().Path() == "time" && v.Name() == "Local" {
		return "time.Local is the machine's time zone, so runs would differ between machines: use time.UTC"
	}
	if isErrorType(v.Type()) || pointerFree(v.Type(), nil) {
		return ""
	}
	// A direct argument of a call to its own package's function.
	var child ast.Node = sel
	for i := len(stack) - 1; i >= 0; i-- {
		if p, ok := stack[i].(*ast.ParenExpr); ok {
			child = p
			continue
		}
		if call, ok := stack[i].(*ast.CallExpr); ok && call.Fun != child {
			if fn, ok := typeutil.Callee(pass.TypesInfo, call).(*types.Func); ok && fn.Pkg() == v.Pkg() {
				return ""
			}
		}
		break
	}
	return "reading " + name + " shares it: it is one " + types.TypeString(v.Type(), types.RelativeTo(pass.Pkg)) +
		" for every node and every run, and lab code could change what it points to; pass it directly to a function of package " +
		v.Pkg().Name() + " (as in unicode.Is(unicode.Latin, r)), or use a value of your own"
}

// rootVar returns the package-level variable that writing to, or taking
// the address of, e writes or exposes, and the expression naming it: v in
// v, v.f, v[i], *v, v.(*T).f and any nesting of them. A call result or a
// local variable is no root.
func rootVar(pass *analysis.Pass, e ast.Expr) (ast.Expr, *types.Var) {
	for {
		if v := packageVar(pass, e); v != nil {
			return e, v
		}
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.SelectorExpr:
			if _, isField := pass.TypesInfo.Selections[x]; !isField {
				return nil, nil // a qualified name that is not a variable
			}
			e = x.X
		case *ast.IndexExpr:
			if tv, ok := pass.TypesInfo.Types[x.X]; !ok || tv.IsValue() {
				e = x.X
			} else {
				return nil, nil // a generic instantiation
			}
		case *ast.StarExpr:
			e = x.X
		case *ast.TypeAssertExpr:
			e = x.X
		default:
			return nil, nil
		}
	}
}

// packageVar returns the package-level variable e names (v or pkg.V), or
// nil.
func packageVar(pass *analysis.Pass, e ast.Expr) *types.Var {
	var id *ast.Ident
	switch x := e.(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		if _, isSel := pass.TypesInfo.Selections[x]; isSel {
			return nil // a field or method, not a qualified name
		}
		id = x.Sel
	default:
		return nil
	}
	v, ok := pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || v.Pkg() == nil || v.IsField() || v.Parent() != v.Pkg().Scope() {
		return nil
	}
	return v
}

func varName(v *types.Var) string {
	if v.Pkg() == nil {
		return v.Name()
	}
	return v.Pkg().Name() + "." + v.Name()
}

var errorType = types.Universe.Lookup("error").Type()

func isErrorType(t types.Type) bool { return types.Identical(t, errorType) }

// pointerFree reports whether a value of type t shares nothing when
// copied: no pointer, map, slice, channel, function or interface in it. A
// string is immutable, so it counts as free. seen breaks cycles (a struct
// can reach itself only through a pointer, slice or map, which ends the
// walk anyway; seen guards against named types met twice).
func pointerFree(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return true
	}
	if seen == nil {
		seen = map[types.Type]bool{}
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() != types.UnsafePointer
	case *types.Array:
		return pointerFree(u.Elem(), seen)
	case *types.Struct:
		for i := range u.NumFields() {
			if !pointerFree(u.Field(i).Type(), seen) {
				return false
			}
		}
		return true
	}
	return false
}
