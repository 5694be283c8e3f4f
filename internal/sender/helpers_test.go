package sender

import (
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/testfs"
)

// progressTree is a small tree with a symlink, for the progress tests.
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

// archive is -a.
func archive() role.Config {
	return role.Config{Recursive: true, Links: true, Perms: true, Times: true, Group: true}
}

// writeTree is testfs.WriteTree.
var writeTree = testfs.WriteTree
