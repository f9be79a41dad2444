package newsdesk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The boundaries of ../shared/DESIGN.md ("Boundaries that keep the house
// simple"), checked on every package of the module so that a change that
// breaks one fails the test suite rather than a review months later.
// Test files are not held to them: a test may reach anywhere.

const module = "github.com/newsdesk/newsdesk"

// pkg is what `go list -json` says of a package, the part this test reads.
type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go command to list the packages with: %v", err)
	}
	watchTree(t)
	// Any other failure fails the test: a package that does not build
	// must not pass for one that keeps every boundary.
	cmd := exec.Command("go", "list", "-json", "./...")
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("go list: %v\n%s", err, exit.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// watchTree reads every directory of the module. go test caches a
// test's result until the files it opened change, and go list, which
// finds the packages, runs in a process of its own: without this, a new
// file or package that breaks a boundary would be answered from the
// cache with the last run's "ok".
func watchTree(t *testing.T) {
	t.Helper()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || path == "." {
			return err
		}
		if d.Name() == ".git" || d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
			return filepath.SkipDir // a module of its own (bench)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rel names a package by its path in the module: "" for the root.
func rel(importPath string) string {
	return strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
}

func isProject(importPath string) bool {
	return importPath == module || strings.HasPrefix(importPath, module+"/")
}

// servesHTTP is true of the imports that serve HTTP or render HTML pages.
func servesHTTP(importPath string) bool {
	return importPath == "net/http" || strings.HasPrefix(importPath, "net/http/") || importPath == "html/template"
}

// isDatabase is true of database drivers and database/sql itself.
func isDatabase(importPath string) bool {
	return importPath == "database/sql" || strings.HasPrefix(importPath, "modernc.org/sqlite") ||
		strings.HasPrefix(importPath, "github.com/jackc/pgx") || strings.HasPrefix(importPath, "github.com/lib/pq")
}

// pure are the packages that take text in and give results out: they are
// tested and benchmarked alone and reused by the offline commands.
var pure = []string{"extract", "cluster", "related", "textproc", "markdown"}

// surfaces are the packages that answer HTTP requests: each decodes,
// calls services, and encodes. What two of them share lives in web.
var surfaces = []string{"site", "desk", "api", "hubcallback"}

// services hold the rules above the store (how a post credits its item,
// who may sign in and how failures count, which story a new item joins), and every surface, the demo
// and the CLI call them. They know nothing of HTTP, so that a command or
// a job calls them as a handler does, and nothing of the store but the
// root's interfaces, so that the rules sit above one place of storage.
var services = []string{"posts", "staff", "story"}

// wrapped names, for each root interface of storage that a service
// wraps, the service that holds its rules: the surfaces and the demo use
// the service, never the bare storage, so no rule can be skipped.
var wrapped = map[string]string{"PostService": "posts", "UserService": "staff", "StoryService": "story"}

// isWeb is true of web, the kit every surface shares, and its helpers.
func isWeb(name string) bool { return name == "web" || strings.HasPrefix(name, "web/") }

// mayWriteHTTPErrors names the packages that may answer an error with
// net/http's own writers (http.Error, http.NotFound): web, whose one
// error writer every surface uses, and demo, which plays the outlets.
func mayWriteHTTPErrors(name string) bool { return isWeb(name) || name == "demo" }

func TestArchitecture(t *testing.T) {
	pkgs := listPackages(t)
	var broken []string
	fail := func(format string, args ...any) {
		broken = append(broken, fmt.Sprintf(format, args...))
	}
	for _, p := range pkgs {
		name := rel(p.ImportPath)
		for _, imp := range p.Imports {
			switch {
			case name == "" && isProject(imp):
				fail("the root package imports %s: it must import no package of the project", imp)
			case name == "" && servesHTTP(imp):
				fail("the root package imports %s: domain types know nothing of HTTP or HTML", imp)
			case slices.Contains(pure, name) && (servesHTTP(imp) || isDatabase(imp) || imp == module+"/store"):
				fail("%s imports %s: it is pure, text in and results out", name, imp)
			case slices.Contains(pure, name) && isProject(imp) && !slices.Contains(pure, rel(imp)) && imp != module:
				fail("%s imports %s: a pure package imports only the root and other pure packages", name, imp)
			case slices.Contains(services, name) && (servesHTTP(imp) || imp == module+"/store" || slices.Contains(surfaces, rel(imp))):
				fail("%s imports %s: a service knows neither HTTP nor the store, only the root's interfaces", name, imp)
			case isDatabase(imp) && !isStore(name) && !queueMayUseSQL(name, imp):
				fail("%s imports %s: only the store speaks to the database", name, imp)
			case (slices.Contains(surfaces, name) || isWeb(name)) && imp == module+"/store":
				fail("%s imports the store: web surfaces call services", name)
			case slices.Contains(surfaces, name) && slices.Contains(surfaces, rel(imp)):
				fail("%s imports %s: what two surfaces share belongs in web", name, imp)
			case name == "web" && isProject(imp) && imp != module:
				fail("web imports %s: the kit every surface shares imports only the root", imp)
			}
		}
		for _, f := range p.GoFiles {
			path := filepath.Join(p.Dir, f)
			if !isStore(name) {
				for _, q := range sqlIn(t, path) {
					fail("%s writes SQL (%s): only the store does", filepath.Join(name, f), q)
				}
			}
			if name == "cmd/newsdesk" {
				for _, h := range handlersIn(t, path) {
					fail("cmd/newsdesk/%s holds a handler (%s): handlers live in the web packages", f, h)
				}
			}
			if slices.Contains(surfaces, name) || name == "demo" {
				for _, u := range storageUsesIn(t, path) {
					fail("%s uses %s: it goes through the %s service, which holds the rules", filepath.Join(name, f), u, wrapped[u[strings.LastIndex(u, ".")+1:]])
				}
			}
			if !mayWriteHTTPErrors(name) {
				for _, c := range httpErrorWritesIn(t, path) {
					fail("%s answers an error with %s: errors go through web's one writer (web.ErrorWriter)", filepath.Join(name, f), c)
				}
			}
		}
	}
	for _, b := range broken {
		t.Error(b)
	}
}

// isStore is true of the store and its test helpers.
func isStore(name string) bool { return name == "store" || strings.HasPrefix(name, "store/") }

// queueMayUseSQL allows the job queue its *sql.Tx: River runs on the
// store's database/sql handle, so that a job is inserted in the same
// transaction as the data it is about. It opens no database itself.
func queueMayUseSQL(name, imp string) bool { return name == "jobs" && imp == "database/sql" }

// sqlStatement matches a string that starts like an SQL statement.
var sqlStatement = regexp.MustCompile(`(?is)^\s*(select\s.+\sfrom\s|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s|create\s+(table|index)\s|with\s+\w+\s+as\s*\()`)

// parseGo parses a Go file of the module.
func parseGo(t *testing.T, path string) (*ast.File, *token.FileSet) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	return f, fset
}

// sqlIn returns the string literals of a Go file that are SQL statements.
func sqlIn(t *testing.T, path string) []string {
	t.Helper()
	f, _ := parseGo(t, path)
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err == nil && sqlStatement.MatchString(s) {
			q := strings.Join(strings.Fields(s), " ")
			out = append(out, q[:min(40, len(q))])
		}
		return true
	})
	return out
}

// handlersIn returns the functions of a Go file, declared or literal,
// that take an http.ResponseWriter and an *http.Request.
func handlersIn(t *testing.T, path string) []string {
	t.Helper()
	f, fset := parseGo(t, path)
	var out []string
	http := localName(f, "net/http")
	isHandler := func(ft *ast.FuncType) bool {
		var types []string
		for _, p := range ft.Params.List {
			s := exprString(p.Type)
			for range max(1, len(p.Names)) {
				types = append(types, s)
			}
		}
		return slices.Equal(types, []string{http + ".ResponseWriter", "*" + http + ".Request"})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch fn := n.(type) {
		case *ast.FuncDecl:
			if isHandler(fn.Type) {
				out = append(out, fn.Name.Name)
			}
		case *ast.FuncLit:
			if isHandler(fn.Type) {
				out = append(out, "a function literal at line "+strconv.Itoa(fset.Position(fn.Pos()).Line))
			}
		}
		return true
	})
	return out
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return ""
}

// localName returns the name under which a Go file refers to the package
// it imports as path: its alias, or the path's last element; "" when the
// file does not import it.
func localName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return path[strings.LastIndex(path, "/")+1:]
		}
	}
	return ""
}

// storageUsesIn returns the places where a Go file names a root interface
// of storage that a service wraps (see wrapped).
func storageUsesIn(t *testing.T, path string) []string {
	t.Helper()
	f, _ := parseGo(t, path)
	root := localName(f, module)
	if root == "" {
		return nil
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == root && wrapped[sel.Sel.Name] != "" {
				out = append(out, root+"."+sel.Sel.Name)
			}
		}
		return true
	})
	return out
}

// httpErrorWritesIn returns the calls of a Go file to net/http's own
// error writers, which answer with a status and a text of their choosing.
func httpErrorWritesIn(t *testing.T, path string) []string {
	t.Helper()
	f, fset := parseGo(t, path)
	http := localName(f, "net/http")
	if http == "" {
		return nil
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == http &&
			(sel.Sel.Name == "Error" || sel.Sel.Name == "NotFound" || sel.Sel.Name == "NotFoundHandler") {
			out = append(out, fmt.Sprintf("%s.%s at line %d", http, sel.Sel.Name, fset.Position(sel.Pos()).Line))
		}
		return true
	})
	return out
}
