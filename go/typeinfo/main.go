// Command typeinfo type-checks one Go package with go/types and prints, as JSON, the types of the
// arguments of its calls into fmt, log, errors and io. Go Escape Lens rewrites those calls (fmt.Errorf to
// errors.New, fmt.Sprintf to strconv and concatenation), and what fmt prints depends on each operand's
// type: whether it is a plain string, which integer kind, whether it has a String, Error or Format
// method. The compiler's escape analysis does not say; go/types does.
//
// It runs no go command and reads no network: the caller lists the package's files (as `go list` chose
// them for the build) and, for every dependency, the export data file `go list -export` printed. It is
// built with the user's own go command, so it reads that toolchain's export data.
//
// Usage: typeinfo CONFIG.json  (see config below); the answer is written to standard output.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"strings"
)

type config struct {
	// The package's Go files for this build, absolute paths; CgoFiles included (import "C" is faked).
	Files []string `json:"files"`
	// Text to read instead of a file's content on disk: the editor's unsaved buffer, as analysed.
	Overlays map[string]string `json:"overlays"`
	// Import path as written in the source → the path go list resolved it to (vendoring).
	ImportMap map[string]string `json:"importMap"`
	// Resolved import path → its export data file, for every dependency.
	Exports map[string]string `json:"exports"`
	// The module's language version, e.g. "go1.22"; empty for the toolchain's own.
	GoVersion string `json:"goVersion"`
}

type position struct {
	Line      int `json:"line"`
	Column    int `json:"column"`
	EndLine   int `json:"endLine"`
	EndColumn int `json:"endColumn"`
}

// operand is what fmt's output depends on, for one argument.
type operand struct {
	position
	// The type as written in messages, e.g. "*prometheus.Desc", "int64", "[]byte".
	Type string `json:"type"`
	// The underlying type's kind: a basic kind name ("string", "int64", "float64", "bool", "uintptr",
	// "untyped int", …) or "pointer", "interface", "slice", "array", "struct", "map", "chan", "func",
	// "typeparam".
	Kind string `json:"kind"`
	// True when the type is not the predeclared basic type itself (a named or generic type).
	Named bool `json:"named,omitempty"`
	// True for a slice of bytes ([]byte or a named one).
	Bytes bool `json:"bytes,omitempty"`
	// The methods fmt looks for, in the operand's method set: Format(fmt.State, rune), Error() string,
	// String() string, GoString() string.
	Formatter  bool `json:"formatter,omitempty"`
	Error      bool `json:"error,omitempty"`
	Stringer   bool `json:"stringer,omitempty"`
	GoStringer bool `json:"goStringer,omitempty"`
	// True for a pointer whose Error (or else String) method has a value receiver: called on a nil
	// pointer it panics, where fmt prints <nil>.
	ValueMethod bool `json:"valueMethod,omitempty"`
	// Set for a constant argument: its value as Go would print it.
	Constant string `json:"constant,omitempty"`
}

type call struct {
	position
	File string `json:"file"`
	// The function called, e.g. "fmt.Errorf", "(*log.Logger).Printf", "io.WriteString".
	Callee   string    `json:"callee"`
	Operands []operand `json:"operands"`
	// True when the last argument is passed with `...`.
	Spread bool `json:"spread,omitempty"`
}

type answer struct {
	Calls []call `json:"calls"`
	// Type errors (the package does not compile as given); operands they touch have no type.
	Errors []string `json:"errors"`
}

// The packages whose calls are reported.
var reported = map[string]bool{"fmt": true, "log": true, "errors": true, "io": true}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: typeinfo CONFIG.json")
		os.Exit(2)
	}
	var cfg config
	data, err := os.ReadFile(os.Args[1])
	if err == nil {
		err = json.Unmarshal(data, &cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "typeinfo:", err)
		os.Exit(2)
	}
	result, err := check(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "typeinfo:", err)
		os.Exit(1)
	}
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(result); err != nil {
		fmt.Fprintln(os.Stderr, "typeinfo:", err)
		os.Exit(1)
	}
}

func check(cfg config) (*answer, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range cfg.Files {
		var source any
		if text, ok := cfg.Overlays[name]; ok {
			source = text
		}
		file, err := parser.ParseFile(fset, name, source, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	result := &answer{Calls: []call{}, Errors: []string{}}
	lookup := func(path string) (io.ReadCloser, error) {
		file, ok := cfg.Exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(file)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	conf := types.Config{
		Importer:    mappedImporter{importer.ForCompiler(fset, "gc", lookup).(types.ImporterFrom), cfg.ImportMap},
		FakeImportC: true,
		GoVersion:   cfg.GoVersion,
		Error: func(err error) {
			if len(result.Errors) < 20 {
				result.Errors = append(result.Errors, err.Error())
			}
		},
	}
	pkgName := ""
	if len(files) > 0 {
		pkgName = files[0].Name.Name
	}
	// Errors are collected above; the package is checked as far as it goes.
	_, _ = conf.Check(pkgName, fset, files, info)
	for _, file := range files {
		ast.Inspect(file, func(node ast.Node) bool {
			if expr, ok := node.(*ast.CallExpr); ok {
				if c, ok := describeCall(fset, info, expr); ok {
					result.Calls = append(result.Calls, c)
				}
			}
			return true
		})
	}
	return result, nil
}

// mappedImporter resolves import paths as go list did (vendored copies) before reading export data.
type mappedImporter struct {
	inner     types.ImporterFrom
	importMap map[string]string
}

func (m mappedImporter) Import(path string) (*types.Package, error) {
	return m.ImportFrom(path, "", 0)
}

func (m mappedImporter) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	if mapped, ok := m.importMap[path]; ok {
		path = mapped
	}
	return m.inner.ImportFrom(path, dir, mode)
}

func describeCall(fset *token.FileSet, info *types.Info, expr *ast.CallExpr) (call, bool) {
	callee := calledFunction(info, expr.Fun)
	if callee == nil || callee.Pkg() == nil || !reported[callee.Pkg().Path()] {
		return call{}, false
	}
	c := call{position: span(fset, expr), File: fset.Position(expr.Pos()).Filename, Callee: qualifiedName(callee), Operands: []operand{}, Spread: expr.Ellipsis.IsValid()}
	for _, arg := range expr.Args {
		c.Operands = append(c.Operands, describeOperand(fset, info, arg))
	}
	return c, true
}

func calledFunction(info *types.Info, fun ast.Expr) *types.Func {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		fn, _ := info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := info.Uses[f.Sel].(*types.Func)
		return fn
	}
	return nil
}

// qualifiedName writes a function as "fmt.Errorf" and a method as "(*log.Logger).Printf".
func qualifiedName(fn *types.Func) string {
	signature, _ := fn.Type().(*types.Signature)
	if signature == nil || signature.Recv() == nil {
		return fn.Pkg().Name() + "." + fn.Name()
	}
	receiver := types.TypeString(signature.Recv().Type(), func(p *types.Package) string { return p.Name() })
	return "(" + receiver + ")." + fn.Name()
}

func describeOperand(fset *token.FileSet, info *types.Info, arg ast.Expr) operand {
	result := operand{position: span(fset, arg)}
	tv, ok := info.Types[arg]
	if !ok || tv.Type == nil || tv.Type == types.Typ[types.Invalid] {
		return result
	}
	t := tv.Type
	result.Type = types.TypeString(t, func(p *types.Package) string { return p.Name() })
	_, basic := types.Unalias(t).(*types.Basic)
	result.Named = !basic
	result.Kind = kindOf(t)
	if slice, ok := t.Underlying().(*types.Slice); ok {
		if elem, ok := slice.Elem().Underlying().(*types.Basic); ok && elem.Kind() == types.Byte {
			result.Bytes = true
		}
	}
	methods := types.NewMethodSet(t)
	result.Formatter = hasMethod(methods, "Format", 2, 0)
	result.Error = hasMethod(methods, "Error", 0, 1)
	result.Stringer = hasMethod(methods, "String", 0, 1)
	result.GoStringer = hasMethod(methods, "GoString", 0, 1)
	if _, pointer := t.Underlying().(*types.Pointer); pointer {
		name := "String"
		if result.Error {
			name = "Error"
		}
		if selection := methods.Lookup(nil, name); selection != nil {
			_, onPointer := selection.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer)
			result.ValueMethod = !onPointer
		}
	}
	if tv.Value != nil {
		result.Constant = tv.Value.ExactString()
	}
	return result
}

func hasMethod(methods *types.MethodSet, name string, params, results int) bool {
	for i := range methods.Len() {
		fn := methods.At(i).Obj()
		if fn.Name() != name {
			continue
		}
		signature := fn.Type().(*types.Signature)
		return signature.Params().Len() == params && signature.Results().Len() == results
	}
	return false
}

func kindOf(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Name()
	case *types.Pointer:
		return "pointer"
	case *types.Interface:
		if _, isParam := types.Unalias(t).(*types.TypeParam); isParam {
			return "typeparam"
		}
		return "interface"
	case *types.Slice:
		return "slice"
	case *types.Array:
		return "array"
	case *types.Struct:
		return "struct"
	case *types.Map:
		return "map"
	case *types.Chan:
		return "chan"
	case *types.Signature:
		return "func"
	}
	return strings.ToLower(fmt.Sprintf("%T", t.Underlying()))
}

func span(fset *token.FileSet, node ast.Node) position {
	start, end := fset.Position(node.Pos()), fset.Position(node.End())
	return position{Line: start.Line, Column: start.Column, EndLine: end.Line, EndColumn: end.Column}
}
