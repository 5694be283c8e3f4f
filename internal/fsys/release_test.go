package fsys

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestCloseReplaced closes the last reference to a large unlinked file:
// the descriptor must be closed at once and the file's blocks freed, by
// the kernel in the background where it can (so the test waits for the
// free space to come back). A file that still has a name, or a small one,
// is closed the plain way.
func TestCloseReplaced(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big")
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i*7 + 1)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	for range ReleaseMin / len(data) * 4 {
		if _, err := f.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	blocks := func() int64 {
		var st unix.Stat_t
		if err := unix.Fstat(int(f.Fd()), &st); err != nil {
			t.Fatal(err)
		}
		return st.Blocks
	}
	if blocks() == 0 {
		t.Skip("the filesystem allocates no blocks")
	}
	// Another descriptor keeps the inode visible to the test through
	// /proc after the close: none may be left, so watch the filesystem's
	// free space instead.
	free := func() uint64 {
		var s unix.Statfs_t
		if err := unix.Statfs(dir, &s); err != nil {
			t.Fatal(err)
		}
		return s.Bfree * uint64(s.Bsize)
	}
	before := free()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := CloseReplaced(f); err != nil {
		t.Fatalf("CloseReplaced: %v", err)
	}
	if _, err := f.Read(data); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("read after CloseReplaced: %v, want the file closed", err)
	}
	want := before + uint64(ReleaseMin)*3 // most of the 4 x ReleaseMin, whatever else the machine writes
	deadline := time.Now().Add(20 * time.Second)
	for free() < want {
		if time.Now().After(deadline) {
			t.Fatalf("free space %d after 20 s, want at least %d: the file's blocks were not freed", free(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A file that keeps its name is only closed.
	g, err := os.Create(filepath.Join(dir, "kept"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CloseReplaced(g); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kept")); err != nil {
		t.Fatal(err)
	}
	if err := CloseReplaced(nil); err != nil {
		t.Fatal(err)
	}
}
