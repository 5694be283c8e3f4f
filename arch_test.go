package ferry_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// layers lists ferry's packages from the top down (DESIGN.md): a package
// may import only packages below it. Packages of one layer ("a|b") never
// import each other: the sender and the receiver meet only through
// internal/role and the link.
var layers = []string{
	"cmd/ferry",
	"internal/cli",
	"",
	"internal/daemon",
	"internal/watch",
	"internal/swarm",
	"internal/session",
	"internal/sender|internal/receiver",
	"internal/role",
	"internal/coop", // the shard function and claims, which the receiver applies: below role, not beside session
	"internal/link",
	"internal/wire",
	"internal/transport",
	"internal/tree",
	"internal/fsys",
	"internal/refine",
	"delta",
	"internal/bufpool",
}

// testOnly are support packages for tests; nothing but tests may import them.
var testOnly = map[string]bool{"internal/e2e": true, "internal/sshtest": true, "internal/peertest": true, "internal/nobody": true, "internal/linktest": true, "internal/testfs": true}

// standalone are benchmark tools: outside the layers, importing no ferry
// package, imported by none.
var standalone = map[string]bool{"bench/walkfloor": true, "bench/relay": true, "bench/watchprobe": true}

// pure packages handle only bytes: no files, no sockets.
var pure = map[string]bool{"delta": true, "internal/wire": true, "internal/refine": true, "internal/bufpool": true}

const module = "github.com/ferrysync/ferry"

type listedPackage struct {
	ImportPath string
	Doc        string
	Imports    []string
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func rel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}

// TestLayers fails when a package imports one above it or beside it, a
// test-support package, or (for the pure packages) os or net.
func TestLayers(t *testing.T) {
	rank := map[string]int{}
	for i, l := range layers {
		for _, name := range strings.Split(l, "|") { // one layer, side by side: never importing each other
			rank[name] = i
		}
	}
	for _, p := range listPackages(t) {
		name := rel(p.ImportPath)
		r, layered := rank[name]
		if standalone[name] {
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, module) {
					t.Errorf("standalone %s imports %s", name, imp)
				}
			}
			continue
		}
		if !layered && !testOnly[name] {
			t.Errorf("package %s is not in the layer list of arch_test.go (and DESIGN.md)", name)
			continue
		}
		for _, imp := range p.Imports {
			if pure[name] && (imp == "os" || imp == "net" || strings.HasPrefix(imp, "os/") || strings.HasPrefix(imp, "net/")) {
				t.Errorf("%s imports %s: it must handle only bytes", name, imp)
			}
			if !strings.HasPrefix(imp, module) || testOnly[name] {
				continue
			}
			dep := rel(imp)
			if testOnly[dep] || standalone[dep] {
				t.Errorf("%s imports the test-support package %s", name, dep)
				continue
			}
			if dr, ok := rank[dep]; ok && dr <= r {
				t.Errorf("%s imports %s, which is not below it", name, dep)
			}
		}
	}
}

// TestPackageDocs fails when a package has no package doc comment.
func TestPackageDocs(t *testing.T) {
	for _, p := range listPackages(t) {
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("package %s has no doc comment", rel(p.ImportPath))
		}
	}
}
