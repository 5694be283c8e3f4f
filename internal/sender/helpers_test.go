package sender

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/role"
)

// Test helpers, the same as internal/session's.

// writeTree is a test helper.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(root, p)
		switch {
		case c == "dir":
			must(t, os.MkdirAll(full, 0o755))
		case strings.HasPrefix(c, "->"):
			must(t, os.MkdirAll(filepath.Dir(full), 0o755))
			must(t, os.Symlink(c[2:], full))
		default:
			must(t, os.MkdirAll(filepath.Dir(full), 0o755))
			must(t, os.WriteFile(full, []byte(c), 0o644))
		}
	}
}

// must is a test helper.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func progressTree(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		"a":     strings.Repeat("a", 100),
		"d/b":   strings.Repeat("b", 300),
		"d/c":   strings.Repeat("c", 600),
		"d/sym": "->b",
	})
	return src
}

func archive() role.Config {
	return role.Config{Recursive: true, Links: true, Perms: true, Times: true, Group: true}
}
