package fsys

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSparseWrite writes data with aligned and unaligned runs of zeros and
// a hole at the end, in pieces of odd sizes and through CopyFrom, and
// checks the content and that the zero blocks took no disk.
func TestSparseWrite(t *testing.T) {
	data := make([]byte, 1<<20)
	copy(data[100:], "head")        // block 0 has data
	copy(data[300000:], "middle")   // blocks of zeros before and after
	copy(data[520000:], "tail-ish") // then zeros to the end: a trailing hole
	for _, via := range []string{"write", "copy-from"} {
		t.Run(via, func(t *testing.T) {
			dir, r := newRoot(t)
			tmp, err := r.CreateNew("f", 0o644)
			if err != nil {
				t.Fatal(err)
			}
			tmp.SetSparse()
			switch via {
			case "write":
				for off := 0; off < len(data); off += 12345 {
					if _, err := tmp.Write(data[off:min(off+12345, len(data))]); err != nil {
						t.Fatal(err)
					}
				}
			case "copy-from":
				src := filepath.Join(t.TempDir(), "src")
				if err := os.WriteFile(src, data, 0o644); err != nil {
					t.Fatal(err)
				}
				f, err := os.Open(src)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if n, err := tmp.CopyFrom(int(f.Fd()), int64(len(data))); err != nil || n != int64(len(data)) {
					t.Fatalf("CopyFrom = %d, %v", n, err)
				}
			}
			if err := tmp.Commit(Meta{Mode: 0o644}, Preserve{}); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "f"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("content differs (len %d, want %d)", len(got), len(data))
			}
			var st unix.Stat_t
			if err := unix.Stat(filepath.Join(dir, "f"), &st); err != nil {
				t.Fatal(err)
			}
			// Three or four blocks of data, in 512-byte units; a dense
			// file would take 2048.
			if st.Blocks > 64 {
				t.Errorf("the file takes %d blocks of 512 bytes: not sparse", st.Blocks)
			}
		})
	}
}

func TestPreallocate(t *testing.T) {
	dir, r := newRoot(t)
	tmp, err := r.CreateNew("f", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := tmp.Preallocate(8 << 20); err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(tmp.fd, &st); err != nil {
		t.Fatal(err)
	}
	if st.Size != 0 {
		t.Errorf("preallocating changed the size to %d", st.Size)
	}
	if st.Blocks < 8<<20/512 {
		t.Errorf("%d blocks of 512 bytes reserved, want %d", st.Blocks, 8<<20/512)
	}
	tmp.Write([]byte("small"))
	if err := tmp.Commit(Meta{Mode: 0o644}, Preserve{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != "small" {
		t.Errorf("content %q", b)
	}
}
