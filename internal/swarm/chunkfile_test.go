package swarm

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestServeChunkConfined: a source serves chunks of the module's regular
// files only: a path through a symlink out of the module, a FIFO (never
// even opened) or a missing file gets FAIL; with openat2 and through
// os.Root alike.
func TestServeChunkConfined(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"f": "hello", "sub/g": "inside"})
	os.Symlink("sub", filepath.Join(dir, "ln"))
	os.Symlink(outside, filepath.Join(dir, "out"))
	if err := unix.Mkfifo(filepath.Join(dir, "p"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Anything but a regular file is refused before it is opened
	// (opening a device can act on it): the FIFO must see no open.
	ino, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ino)
	if _, err := unix.InotifyAddWatch(ino, filepath.Join(dir, "p"), unix.IN_OPEN); err != nil {
		t.Fatal(err)
	}
	o := newTestOrigin(t, dir, testKey(t, 14))
	src := serveSource(t, dir, o, nil)
	modes := []bool{false}
	if runtime.GOOS == "linux" {
		modes = append(modes, true)
	}
	for _, fast := range modes {
		useOpenat2 = fast
		t.Cleanup(func() { useOpenat2 = true })
		cl := dialClient(t, src.addr)
		cl.conn.SetDeadline(time.Now().Add(10 * time.Second)) // a FIFO read that blocks fails the test, not hangs it
		for i, tc := range []struct {
			path, content string // content: what the file holds (asked for by its hash)
			served        bool
		}{
			{"f", "hello", true},
			{"sub/g", "inside", true},
			{"out/secret", "secret", false}, // out of the module
			{"p", "fifo!", false},
			{"missing", "gone", false},
		} {
			err := cl.request(chunkReq{ID: uint32(i + 1), Gen: cl.Info.Generation, Path: tc.path, Index: 0,
				Length: uint32(len(tc.content)), Hash: ChunkHash([]byte(tc.content))})
			if err != nil {
				t.Fatal(err)
			}
			r, err := cl.readReply()
			if err != nil {
				t.Fatalf("openat2 %v, %s: %v", fast, tc.path, err)
			}
			if got := r.fail == nil && string(r.data) == tc.content; got != tc.served {
				t.Errorf("openat2 %v, %s: served %v (%q, fail %+v), want %v", fast, tc.path, got, r.data, r.fail, tc.served)
			}
		}
		cl.Close()
		var ev [4096]byte
		if n, _ := unix.Read(ino, ev[:]); n > 0 {
			t.Errorf("openat2 %v: the FIFO was opened", fast)
		}
	}
}
