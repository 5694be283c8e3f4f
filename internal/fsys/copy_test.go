//go:build linux

package fsys

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// sparseFile makes a file of size bytes that is mostly a hole, with a few
// data regions, and returns its contents as written.
func sparseFile(t *testing.T, path string, size int64) []byte {
	t.Helper()
	want := make([]byte, size)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	for i, off := range []int64{0, 4096*3 + 17, size / 2, size - 100} {
		chunk := bytes.Repeat([]byte{byte('a' + i)}, 100)
		if _, err := f.WriteAt(chunk, off); err != nil {
			t.Fatal(err)
		}
		copy(want[off:], chunk)
	}
	return want
}

// TestCopyFromSparse copies a large, mostly sparse file into a Temp with
// CopyFrom: the whole file, into a Temp opened as an os.File too, a range
// after a preface, and nothing; the source offset advances by what was
// copied.
func TestCopyFromSparse(t *testing.T) {
	size := int64(64 << 20)
	if testing.Short() {
		size = 4 << 20
	}
	dir, r := newRoot(t)
	want := sparseFile(t, filepath.Join(dir, "src"), size)
	tests := []struct {
		name    string
		srcOff  int64 // src offset before the copy
		preface string
		n       int64
		asFile  bool // write through Temp.File
	}{
		{"whole file into temp", 0, "", size, false},
		{"whole file into os.File", 0, "", size, true},
		{"range after a preface", 4096*3 + 10, "hdr", 1 << 20, false},
		{"zero bytes", 0, "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := r.OpenRead("src")
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			src.Seek(tc.srcOff, io.SeekStart)
			tmp, err := r.CreateTemp("dst")
			if err != nil {
				t.Fatal(err)
			}
			tmp.Write([]byte(tc.preface))
			if tc.asFile {
				tmp.File()
			}
			n, err := tmp.CopyFrom(int(src.Fd()), tc.n)
			if err != nil || n != tc.n {
				t.Fatalf("CopyFrom = %d, %v; want %d", n, err, tc.n)
			}
			if off, _ := src.Seek(0, io.SeekCurrent); off != tc.srcOff+tc.n {
				t.Errorf("src offset = %d, want %d", off, tc.srcOff+tc.n)
			}
			if err := tmp.Commit(Meta{Mode: 0o644}, Preserve{Perms: true}); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "dst"))
			if err != nil {
				t.Fatal(err)
			}
			exp := append([]byte(tc.preface), want[tc.srcOff:tc.srcOff+tc.n]...)
			if !bytes.Equal(got, exp) {
				t.Errorf("copy differs (len %d, want %d)", len(got), len(exp))
			}
		})
	}
}

// TestCopyFileRangeUsed checks that the kernel path copies everything
// between two files on one filesystem, without the user-space fallback.
func TestCopyFileRangeUsed(t *testing.T) {
	dir := t.TempDir()
	want := sparseFile(t, filepath.Join(dir, "src"), 1<<20)
	src, _ := os.Open(filepath.Join(dir, "src"))
	defer src.Close()
	dst, _ := os.Create(filepath.Join(dir, "dst"))
	defer dst.Close()
	n, err := copyRangeFD(int(dst.Fd()), int(src.Fd()), int64(len(want)))
	if err != nil || n != int64(len(want)) {
		t.Fatalf("copyRangeFD = %d, %v; want %d", n, err, len(want))
	}
	got, _ := os.ReadFile(filepath.Join(dir, "dst"))
	if !bytes.Equal(got, want) {
		t.Error("copy differs")
	}
}

// TestTempCopyFrom copies into a Temp from a descriptor: a whole file, a
// source shorter than asked (it shrank: fewer bytes, no error), and a pipe,
// which copy_file_range refuses and the read-write fallback handles.
func TestTempCopyFrom(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 40000) // 640,000 bytes
	for _, tc := range []struct {
		name string
		ask  int64
		pipe bool
	}{
		{"whole", int64(len(data)), false},
		{"shrank", int64(len(data)) + 4096, false},
		{"pipe", int64(len(data)), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			var src *os.File
			if tc.pipe {
				pr, pw, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				go func() { pw.Write(data); pw.Close() }()
				src = pr
			} else {
				p := filepath.Join(t.TempDir(), "src")
				writeFile(t, p, string(data))
				var err error
				if src, err = os.Open(p); err != nil {
					t.Fatal(err)
				}
			}
			defer src.Close()
			tmp, err := r.CreateNew("out", 0o644)
			if err != nil {
				t.Fatal(err)
			}
			n, err := tmp.CopyFrom(int(src.Fd()), tc.ask)
			if err != nil || n != int64(len(data)) {
				t.Fatalf("CopyFrom = %d, %v; want %d, nil", n, err, len(data))
			}
			if err := tmp.Commit(Meta{Mode: 0o644}, Preserve{}); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "out"))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("copy differs (%d bytes, %v)", len(got), err)
			}
		})
	}
}
