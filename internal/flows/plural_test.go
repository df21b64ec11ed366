package flows

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCounted(t *testing.T) {
	for n, want := range map[int]string{0: "0 shards", 1: "1 shard", 2: "2 shards"} {
		if got := counted(n, "shard"); got != want {
			t.Errorf("counted(%d) = %q, want %q", n, got, want)
		}
	}
}

// The learner reads "1 shard", not "1 shard(s)": no message of the flows hedges a
// plural.
func TestNoHedgedPlurals(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.Contains(lit.Value, "(s)") {
				t.Errorf("%s: %s hedges a plural: use counted", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
}
