// Package testfs is test support: building file trees for tests.
package testfs

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WriteTree creates files under root: content "dir" makes a directory,
// "->target" a symlink, anything else a regular file with that content.
func WriteTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(root, p)
		switch {
		case c == "dir":
			Must(t, os.MkdirAll(full, 0o755))
		case strings.HasPrefix(c, "->"):
			Must(t, os.MkdirAll(filepath.Dir(full), 0o755))
			Must(t, os.Symlink(c[2:], full))
		default:
			Must(t, os.MkdirAll(filepath.Dir(full), 0o755))
			Must(t, os.WriteFile(full, []byte(c), 0o644))
		}
	}
}

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// RandomBytes returns n random bytes (incompressible data).
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
