package tree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates files under root: content "dir" makes a directory,
// "->target" a symlink, anything else a regular file with that content.
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
