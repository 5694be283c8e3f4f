package tree

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// buildTree creates the tree described by spec under dir: a name ending in
// "/" is a directory, "name -> target" a symlink, anything else a file whose
// content is its own name.
func buildTree(t testing.TB, dir string, spec ...string) {
	t.Helper()
	for _, s := range spec {
		switch {
		case strings.Contains(s, " -> "):
			name, target, _ := strings.Cut(s, " -> ")
			mkParent(t, dir, name)
			if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		case strings.HasSuffix(s, "/"):
			if err := os.MkdirAll(filepath.Join(dir, s), 0o755); err != nil {
				t.Fatal(err)
			}
		default:
			mkParent(t, dir, s)
			if err := os.WriteFile(filepath.Join(dir, s), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func mkParent(t testing.TB, dir, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
}

// openRoot opens dir as an os.Root closed at the end of the test.
func openRoot(t testing.TB, dir string) *os.Root {
	t.Helper()
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// walkAll walks root with opts and returns the entries and the per-entry
// errors' paths.
func walkAll(t testing.TB, root *os.Root, opts WalkOptions) (entries []*Entry, errPaths []string) {
	t.Helper()
	opts.OnError = func(path string, err error) { errPaths = append(errPaths, path) }
	w := NewWalker(root, opts)
	defer w.Close()
	for {
		e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return entries, errPaths
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		entries = append(entries, e)
	}
}

func paths(entries []*Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Path
		if e.IsDir() && e.Path != "." {
			out[i] += "/"
		}
	}
	return out
}
