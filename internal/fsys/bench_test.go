//go:build linux

package fsys

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkCommit4K measures the receiver's small-file path for new files:
// CreateTemp, one 4 KiB Write, Commit with -a's metadata, in a subdirectory
// and at the top level. The baseline writes the same file with os.WriteFile
// (no temp, no metadata). Replacing existing files costs far more on ext4,
// whose auto_da_alloc starts writeback on a rename over an existing file;
// rsync pays the same.
func BenchmarkCommit4K(b *testing.B) {
	data := make([]byte, 4096)
	m := Meta{Mode: 0o644, UID: uint32(os.Geteuid()), GID: uint32(os.Getegid()), MTime: 1e18}
	p := Preserve{Perms: true, Owner: true, Group: true, Times: true}
	run := func(b *testing.B, write func(r *Root, dir, name string)) {
		dir := b.TempDir()
		r, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		os.Mkdir(filepath.Join(dir, "d"), 0o755)
		b.SetBytes(int64(len(data)))
		i := 0
		for b.Loop() {
			write(r, dir, "d/f"+strconv.Itoa(i))
			i++
		}
	}
	b.Run("fsys", func(b *testing.B) {
		run(b, func(r *Root, _, name string) {
			t, err := r.CreateTemp(name)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := t.Write(data); err != nil {
				b.Fatal(err)
			}
			if err := t.Commit(m, p); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("top-level", func(b *testing.B) {
		run(b, func(r *Root, _, name string) {
			t, err := r.CreateTemp(filepath.Base(name))
			if err != nil {
				b.Fatal(err)
			}
			t.Write(data)
			if err := t.Commit(m, p); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("os.WriteFile", func(b *testing.B) {
		run(b, func(_ *Root, dir, name string) {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				b.Fatal(err)
			}
		})
	})
}
