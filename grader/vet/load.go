package vet

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// checked is one of the folder's packages, type-checked.
type checked struct {
	list  *packages.Package // as go list reports it: files, imports
	fset  *token.FileSet
	files []*ast.File
	pkg   *types.Package
	info  *types.Info
	sizes types.Sizes
}

// load type-checks the packages under the folder without ever compiling
// them. go/packages' LoadSyntax would: it asks go list for export data,
// and go list compiles every package it lists, the folder's own included,
// in the caller's Go build cache and outside any limit the grader's build
// puts on the compiler (a 1 GiB array literal takes minutes and gigabytes
// to compile, and go/types checks it at once). LoadAllSyntax compiles
// nothing but type-checks the standard library from source on every call
// (ten times slower). So, in three steps:
//
//  1. go list the folder's packages for their files and imports (no
//     compilation);
//  2. load the imported packages' types from export data: the standard
//     library and the platform's API, which the runner build compiles
//     anyway; never a package of the folder;
//  3. parse and type-check the folder's files here, against those types.
//
// problems lists every load, parse and type error as file:line:col:
// message, named by n; a package that imports another of the folder's
// packages is a problem too (lab code is one package; Check's own pass
// names the import).
func load(ctx context.Context, n namer, extraEnv []string) (pkgs []*checked, problems []string, err error) {
	env := append(append(os.Environ(), BuildEnv()...), extraEnv...)
	// The go command runs in the folder with symbolic links resolved: a
	// module found through a link confuses its patterns.
	roots, err := packages.Load(&packages.Config{
		Context: ctx, Dir: n.real, Env: env,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports | packages.NeedModule,
	}, "./...")
	if err != nil {
		return nil, nil, fmt.Errorf("vet: load %s: %s", n.dir, n.text(err.Error()))
	}
	if len(roots) == 0 {
		return nil, nil, fmt.Errorf("vet: no Go packages in %s", n.dir)
	}
	isRoot := map[string]bool{}
	for _, p := range roots {
		isRoot[p.PkgPath] = true
	}
	depSet := map[string]bool{}
	for _, p := range roots {
		for _, e := range p.Errors {
			problems = append(problems, n.loadError(e))
		}
		for path, imp := range p.Imports {
			switch {
			case isRoot[imp.PkgPath]:
				problems = append(problems, fmt.Sprintf("%s imports %s, another package of the folder: lab code is one package", n.text(p.PkgPath), path))
			case imp.PkgPath == "unsafe" || imp.PkgPath == "C":
			default:
				depSet[imp.PkgPath] = true
			}
		}
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	deps := make([]string, 0, len(depSet))
	for d := range depSet {
		deps = append(deps, d)
	}
	sort.Strings(deps)
	typesOf := map[string]*types.Package{"unsafe": types.Unsafe}
	if len(deps) > 0 {
		loaded, err := packages.Load(&packages.Config{
			Context: ctx, Dir: n.real, Env: env,
			Mode: packages.NeedName | packages.NeedTypes,
		}, deps...)
		if err != nil {
			return nil, nil, fmt.Errorf("vet: load the packages %s imports: %s", n.dir, n.text(err.Error()))
		}
		for _, p := range loaded {
			for _, e := range p.Errors {
				problems = append(problems, n.loadError(e))
			}
			typesOf[p.PkgPath] = p.Types
		}
		if len(problems) > 0 {
			return nil, problems, nil
		}
	}
	sizes := types.SizesFor("gc", runtime.GOARCH)
	for _, p := range roots {
		c := &checked{list: p, fset: token.NewFileSet(), sizes: sizes, info: &types.Info{
			Types:        map[ast.Expr]types.TypeAndValue{},
			Defs:         map[*ast.Ident]types.Object{},
			Uses:         map[*ast.Ident]types.Object{},
			Implicits:    map[ast.Node]types.Object{},
			Selections:   map[*ast.SelectorExpr]*types.Selection{},
			Scopes:       map[ast.Node]*types.Scope{},
			Instances:    map[*ast.Ident]types.Instance{},
			FileVersions: map[*ast.File]string{},
		}}
		for _, file := range p.CompiledGoFiles {
			f, err := parser.ParseFile(c.fset, file, nil, parser.ParseComments|parser.AllErrors)
			if err != nil {
				if list, ok := err.(scanner.ErrorList); ok {
					for _, e := range list {
						problems = append(problems, n.finding(e.Pos, e.Msg).String())
					}
				} else {
					problems = append(problems, n.text(err.Error()))
				}
			}
			if f != nil {
				c.files = append(c.files, f)
			}
		}
		conf := types.Config{
			Importer: importerFunc(func(path string) (*types.Package, error) {
				if imp, ok := p.Imports[path]; ok && typesOf[imp.PkgPath] != nil {
					return typesOf[imp.PkgPath], nil
				}
				return nil, fmt.Errorf("package %s was not loaded", path)
			}),
			Sizes: sizes,
			Error: func(err error) {
				if e, ok := err.(types.Error); ok {
					problems = append(problems, n.finding(c.fset.PositionFor(e.Pos, false), e.Msg).String())
				} else {
					problems = append(problems, n.text(err.Error()))
				}
			},
		}
		if p.Module != nil && p.Module.GoVersion != "" {
			conf.GoVersion = "go" + p.Module.GoVersion // as the compiler reads go.mod
		}
		c.pkg, _ = conf.Check(p.PkgPath, c.fset, c.files, c.info)
		pkgs = append(pkgs, c)
	}
	return pkgs, problems, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// analyze runs the analyzer on a checked package and returns its
// diagnostics. The analyzer needs no facts and no other analyzer, so a
// Pass with the package's syntax and types is all it takes.
func analyze(a *analysis.Analyzer, c *checked) ([]analysis.Diagnostic, error) {
	var diags []analysis.Diagnostic
	pass := &analysis.Pass{
		Analyzer:     a,
		Fset:         c.fset,
		Files:        c.files,
		OtherFiles:   c.list.OtherFiles,
		IgnoredFiles: c.list.IgnoredFiles,
		Pkg:          c.pkg,
		TypesInfo:    c.info,
		TypesSizes:   c.sizes,
		ResultOf:     map[*analysis.Analyzer]any{},
		Report:       func(d analysis.Diagnostic) { diags = append(diags, d) },
		ReadFile:     os.ReadFile,
	}
	_, err := a.Run(pass)
	return diags, err
}
