package session

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestWriteOnlyHostilePusher is a hand-written pushing client of a
// write-only destination (as a daemon's write_only module serves it,
// Config.WriteOnly): its entries claim the size, mtime and checksum of
// files the destination holds, a hard link to a file it did not send, and
// a partial directory that is another user's directory. The receiver must
// request every file whole (no signature), itemize each as new, link to
// nothing it did not write, name none of the other files and remove
// nothing (issue 11, item 4).
func TestWriteOnlyHostilePusher(t *testing.T) {
	dst := t.TempDir()
	mtime := time.Unix(1_700_000_000, 0)
	writeTree(t, dst, map[string]string{"big.bin": strings.Repeat("0123456789abcdef", 8192), "same.txt": "same\n", "secret/hidden.txt": "not yours\n"})
	for _, n := range []string{"big.bin", "same.txt"} {
		must(t, os.Chtimes(filepath.Join(dst, n), mtime, mtime))
	}
	root, err := os.OpenRoot(dst)
	must(t, err)
	defer root.Close()
	sum, err := tree.ChecksumFile(root, "same.txt")
	must(t, err)

	a, b := transport.Pipe(64 << 10)
	served := make(chan error, 1)
	go func() {
		served <- Serve(context.Background(), b, ServeOptions{Config: Config{WriteOnly: true}, Root: root})
	}()
	fw, fr := wire.NewFrameWriter(a), wire.NewFrameReader(a)
	must(t, wire.WriteHello(fw, localHello()))
	if _, err := wire.ReadHello(fr); err != nil {
		t.Fatal(err)
	}
	const flags = wire.FlagRecursive | wire.FlagTimes | wire.FlagPerms | wire.FlagHardLinks | wire.FlagChecksum |
		wire.FlagFuzzy | wire.FlagEvents
	ts := mtime.UnixNano()
	for _, m := range []wire.Message{
		&wire.Run{Role: wire.RoleReceiver, Paths: []string{"."}, Flags: flags, PartialDir: "secret", Seed: 1},
		&wire.PassBegin{Pass: 0},
		&wire.Entries{Entries: []wire.Entry{
			{Path: ".", Type: 2, Mode: 0o755, MTime: ts},
			{Path: "big.bin", Type: 1, Mode: 0o644, Size: 8192 * 16, MTime: ts, Checksum: make([]byte, 32)},
			{Path: "link", Type: 1, Mode: 0o644, Size: 10, MTime: ts, HardLink: "secret/hidden.txt", Checksum: make([]byte, 32)},
			{Path: "same.txt", Type: 1, Mode: 0o644, Size: 5, MTime: ts, Checksum: sum},
		}},
		&wire.EntriesEnd{Pass: 0},
	} {
		must(t, fw.WriteMsg(m))
	}
	must(t, fw.Flush())

	requested := map[string]bool{}
	var items []string
	for done := false; !done; {
		m, err := fr.ReadMsg()
		if err != nil {
			t.Fatalf("read: %v (requested %v, items %q)", err, requested, items)
		}
		switch m := m.(type) {
		case *wire.FileRequest:
			requested[m.Path] = true
			if m.Flags&wire.ReqBasis != 0 || m.BlockCount != 0 {
				t.Errorf("request for %s carries a signature of %d blocks", m.Path, m.BlockCount)
			}
			must(t, fw.WriteMsg(&wire.FileError{ID: m.ID, Path: m.Path, Code: wire.ErrCodeVanished, Message: "gone"}))
			must(t, fw.Flush())
		case *wire.SigBlocks:
			t.Errorf("signature blocks of a destination file were sent (request %d)", m.ID)
		case *wire.Itemized:
			items = append(items, m.Itemize+" "+m.Path)
		case *wire.FileError:
			if strings.Contains(m.Path+m.Message, "hidden") || strings.Contains(m.Path+m.Message, "secret") {
				t.Errorf("error names another file: %+v", m)
			}
		case *wire.PassDone:
			must(t, fw.WriteMsg(&wire.PassDone{Pass: 0}))
			must(t, fw.WriteMsg(&wire.Goodbye{}))
			must(t, fw.Flush())
			done = true
		}
	}
	for _, p := range []string{"big.bin", "link", "same.txt"} {
		if !requested[p] {
			t.Errorf("%s not requested: the pusher learns it is there", p)
		}
	}
	for _, it := range items {
		if strings.Contains(it, "hidden") || strings.Contains(it, "secret") || !strings.HasSuffix(strings.Fields(it)[0], "+++++++++") {
			t.Errorf("itemized %q: not as new, or names another file", it)
		}
	}
	for { // to the server's Goodbye
		if _, err := fr.ReadMsg(); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
				t.Logf("end: %v", err)
			}
			break
		}
	}
	a.Close()
	<-served
	if b, err := os.ReadFile(filepath.Join(dst, "secret", "hidden.txt")); err != nil || string(b) != "not yours\n" {
		t.Errorf("secret/hidden.txt: %q, %v; want it untouched", b, err)
	}
	if fi, err := os.Lstat(filepath.Join(dst, "link")); err == nil {
		if hi, _ := os.Lstat(filepath.Join(dst, "secret", "hidden.txt")); os.SameFile(fi, hi) {
			t.Error("link is a hard link to secret/hidden.txt")
		}
	}
}
