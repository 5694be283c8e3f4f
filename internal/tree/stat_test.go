package tree

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/zeebo/blake3"
)

func TestLstatEntry(t *testing.T) {
	base := t.TempDir()
	buildTree(t, base, "secret", "in/d/f", "in/l -> d", "in/out -> ../secret", "in/up -> ..")
	root := openRoot(t, filepath.Join(base, "in"))

	tests := []struct {
		path   string
		typ    Type
		target string
		err    error
	}{
		{".", TypeDir, "", nil},
		{"d", TypeDir, "", nil},
		{"d/f", TypeFile, "", nil},
		{"l", TypeSymlink, "d", nil},
		{"out", TypeSymlink, "../secret", nil},
		{"l/f", TypeFile, "", nil}, // inner symlink inside the root
		{"missing", 0, "", fs.ErrNotExist},
		{"d/missing", 0, "", fs.ErrNotExist},
		{"../secret", 0, "", ErrInvalidPath},
		{"d/", 0, "", ErrInvalidPath},
		{"", 0, "", ErrInvalidPath},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			e, err := LstatEntry(root, tt.path)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("LstatEntry(%q) = %+v, %v; want %v", tt.path, e, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.Path != tt.path || e.Type != tt.typ || e.LinkTarget != tt.target || e.User == "" {
				t.Errorf("got %+v", e)
			}
		})
	}
	t.Run("parent escapes", func(t *testing.T) {
		if e, err := LstatEntry(root, "up/secret"); err == nil {
			t.Errorf("escaped the root: %+v", e)
		}
	})
}

func TestChecksumFile(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, "d/f", "l -> d/f")
	root := openRoot(t, dir)
	sum, err := ChecksumFile(root, "d/f")
	want := blake3.Sum256([]byte("d/f"))
	if err != nil || !slices.Equal(sum, want[:]) {
		t.Errorf("ChecksumFile = %x, %v; want %x", sum, err, want)
	}
	for _, p := range []string{"l", "d", ".", "missing", "../x"} {
		if _, err := ChecksumFile(root, p); err == nil {
			t.Errorf("ChecksumFile(%q) succeeded", p)
		}
	}
}
