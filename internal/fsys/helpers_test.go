//go:build linux

package fsys

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// newRoot returns a fresh destination directory and its Root.
func newRoot(t *testing.T) (string, *Root) {
	t.Helper()
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return dir, r
}

// snapshot lists every path below dir with its type, mode, size and mtime,
// so a test can assert that nothing changed.
func snapshot(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, rel+" "+fi.Mode().String()+" "+fi.ModTime().String()+" "+strconv.FormatInt(fi.Size(), 10))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// noTemps fails the test if a temp file is left anywhere below dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && IsTempName(d.Name()) {
			t.Errorf("temp file left behind: %s", p)
		}
		return nil
	})
}

// writeFile creates a file with content, mode 0644, and its parents.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// commitFile writes content to name through a Temp and commits it.
func commitFile(t *testing.T, r *Root, name, content string, m Meta, p Preserve) {
	t.Helper()
	tmp, err := r.CreateTemp(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tmp.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := tmp.Commit(m, p); err != nil {
		t.Fatal(err)
	}
}
