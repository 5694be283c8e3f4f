//go:build linux

package fsys

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPreallocateTrim: disk reserved past what was written is given back
// when the file is committed or kept as partial; a file written to its
// reserved length keeps its blocks and its content.
func TestPreallocateTrim(t *testing.T) {
	const reserve = 8 << 20
	tests := []struct {
		name    string
		hint    bool // PreallocateHint, else Preallocate
		written int
		finish  func(*Temp) error
		file    string // where the finished file is, below the root
	}{
		{"hint, short, commit", true, 5, func(tmp *Temp) error { return tmp.Commit(Meta{Mode: 0o644}, Preserve{}) }, "f"},
		{"preallocate, short, commit", false, 5, func(tmp *Temp) error { return tmp.Commit(Meta{Mode: 0o644}, Preserve{}) }, "f"},
		{"hint, short, partial", true, 5, func(tmp *Temp) error { return tmp.KeepPartial("") }, filepath.Join(DefaultPartialDir, "f")},
		{"hint, full, commit", true, reserve, func(tmp *Temp) error { return tmp.Commit(Meta{Mode: 0o644}, Preserve{}) }, "f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			// An existing destination: CreateTempPerm, the temp file that
			// a rename puts in place.
			if err := os.WriteFile(filepath.Join(dir, "f"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			tmp, err := r.CreateTempPerm("f", 0o644)
			if err != nil {
				t.Fatal(err)
			}
			if tc.hint {
				tmp.PreallocateHint(reserve)
			} else if err := tmp.Preallocate(reserve); err != nil {
				t.Fatal(err)
			}
			var st unix.Stat_t
			if err := unix.Fstat(tmp.fd, &st); err != nil {
				t.Fatal(err)
			}
			if st.Blocks < reserve/512 {
				t.Skipf("the filesystem reserved %d blocks of 512 bytes: no preallocation here", st.Blocks)
			}
			if st.Size != 0 {
				t.Errorf("preallocating changed the size to %d", st.Size)
			}
			data := bytes.Repeat([]byte("x"), tc.written)
			if _, err := tmp.Write(data); err != nil {
				t.Fatal(err)
			}
			if err := tc.finish(tmp); err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, tc.file)
			if got, err := os.ReadFile(name); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("content of %d bytes (%v), want %d", len(got), err, len(data))
			}
			if err := unix.Stat(name, &st); err != nil {
				t.Fatal(err)
			}
			// Blocks are counted in 512-byte units; allow a filesystem
			// block of 64 KiB beyond the data.
			if max := (int64(tc.written) + 64<<10) / 512; st.Blocks > max {
				t.Errorf("the file of %d bytes keeps %d blocks of 512 bytes, want at most %d", tc.written, st.Blocks, max)
			}
		})
	}
}

// TestPreallocateHintIgnored: the hint does nothing for a sparse Temp.
func TestPreallocateHintIgnored(t *testing.T) {
	_, r := newRoot(t)
	tmp, err := r.CreateNew("f", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Abort()
	tmp.SetSparse()
	tmp.PreallocateHint(8 << 20)
	var st unix.Stat_t
	if err := unix.Fstat(tmp.fd, &st); err != nil {
		t.Fatal(err)
	}
	if st.Blocks != 0 || tmp.prealloc != 0 {
		t.Errorf("a sparse file got %d blocks of 512 bytes reserved", st.Blocks)
	}
}
